/** Checkpoint files: header, tensors and adapter manifest, written and read. */
package io.tributary.checkpoint;
