/** Supervised fine-tuning and the optimizer (AdamW): the training step below the GRPO trainer. */
package io.tributary.train;
