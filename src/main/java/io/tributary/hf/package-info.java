/**
 * Hugging Face model directories in and out: the safetensors format (read memory-mapped one tensor
 * at a time, written by the format's own rules), sharded checkpoints with their index, and {@code
 * config.json} of the supported architectures.
 *
 * <p>Format reference: the safetensors README and its Rust crate ({@code
 * safetensors/src/tensor.rs}: {@code prepare} for the writer's layout, {@code Metadata::validate}
 * for what a reader accepts).
 */
package io.tributary.hf;
