package io.tributary.model;

import ai.djl.ndarray.types.DataType;

/** Parameter and activation dtype. bfloat16 is meant for GPUs; CPU training uses float32. */
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
