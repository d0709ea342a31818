package io.tributary.model;

import ai.djl.ndarray.types.DataType;

/**
 * How the policy stores its weights.
 *
 * <p>FLOAT32 stores and computes everything in float32; training needs it.
 *
 * <p>FLOAT16 is for inference (sampling, serving, benchmarks): the matrices a decode step reads,
 * the attention and feed-forward projections and the embedding table (the head when tied), are
 * stored in float16, half the bytes; every projection casts its input to float16 and its output
 * back, so norms, router, rotary, attention scores, softmax, KV cache and the residual stream stay
 * float32, as transformers keeps norms and softmax in float32 under bfloat16. Why float16 and not
 * bfloat16 on this engine: docs/decode-bandwidth.md, section 4 (libtorch's own float16
 * matrix-vector kernel reads near the memory rate; its bfloat16 matmul goes through oneDNN, which
 * repacks the weight on every call).
 *
 * <p>BFLOAT16 is refused: the PyTorch JNI of DJL 0.36 has no code for it (its dtype switch ends in
 * a bare {@code throw;}, which aborts the JVM), so no bfloat16 tensor can be made through DJL.
 */
public enum Precision {
  FLOAT32(DataType.FLOAT32),
  BFLOAT16(DataType.BFLOAT16),
  FLOAT16(DataType.FLOAT16);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  public DataType dataType() {
    return dataType;
  }
}
