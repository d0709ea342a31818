package io.tributary.hf;

import java.util.Arrays;
import java.util.List;

/**
 * One tensor as a safetensors header describes it: offsets are relative to the start of the byte
 * buffer that follows the header, {@code end} exclusive, data row-major and little-endian.
 */
public record SafetensorsEntry(
    String name, SafetensorsDtype dtype, List<Long> shape, long begin, long end) {
  public SafetensorsEntry {
    shape = List.copyOf(shape);
  }

  public long[] shapeArray() {
    return shape.stream().mapToLong(Long::longValue).toArray();
  }

  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  public long byteSize() {
    return end - begin;
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shapeArray());
  }
}
