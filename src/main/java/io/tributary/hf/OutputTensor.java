package io.tributary.hf;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A tensor to write: its name, the dtype to store it in (F32, BF16 or F16, converted from float as
 * torch converts), its shape, and its values, asked for only when the writer reaches it so that an
 * exporter need not hold a float copy of every tensor at once.
 */
public record OutputTensor(
    String name, SafetensorsDtype dtype, List<Long> shape, Supplier<float[]> values) {
  public OutputTensor {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a tensor needs a name");
    }
    if (dtype != SafetensorsDtype.F32
        && dtype != SafetensorsDtype.BF16
        && dtype != SafetensorsDtype.F16) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': cannot write " + dtype + " from floats (F32, BF16 or F16)");
    }
    shape = List.copyOf(shape);
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + shape);
      }
    }
  }

  public static OutputTensor of(String name, SafetensorsDtype dtype, long[] shape, float[] values) {
    OutputTensor tensor =
        new OutputTensor(name, dtype, Arrays.stream(shape).boxed().toList(), () -> values);
    if (values.length != tensor.elementCount()) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': "
              + values.length
              + " values for shape "
              + tensor.shape()
              + " ("
              + tensor.elementCount()
              + " elements)");
    }
    return tensor;
  }

  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  public long byteSize() {
    return Math.multiplyExact(elementCount(), dtype.byteSize());
  }
}
