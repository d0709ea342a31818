package io.tributary.hf;

import java.nio.ByteBuffer;
import java.util.Set;

/** The weight tensors of a model directory, read one at a time by name. */
interface WeightSource extends AutoCloseable {

  /** Where a tensor lives and what it is. */
  record TensorInfo(String file, String dtype, long[] shape) {}

  Set<String> names();

  TensorInfo info(String name);

  /** The tensor's raw little-endian bytes; valid until the source is closed. */
  ByteBuffer bytes(String name);

  @Override
  void close();
}
