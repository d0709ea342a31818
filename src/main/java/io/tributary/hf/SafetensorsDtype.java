package io.tributary.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types Tributary reads and writes in safetensors files, named as the header spells
 * them. Declared in the format's order of increasing alignment (the Rust crate's {@code Dtype}),
 * because the writer lays tensors out by descending alignment. The 8-bit floats and unsigned wide
 * integers of the format are left out: nothing here can convert them, so a file holding them is
 * refused when opened rather than half-read.
 */
public enum SafetensorsDtype {
  BOOL(1),
  U8(1),
  I8(1),
  I16(2),
  F16(2),
  BF16(2),
  I32(4),
  F32(4),
  F64(8),
  I64(8);

  private final int byteSize;

  SafetensorsDtype(int byteSize) {
    this.byteSize = byteSize;
  }

  public int byteSize() {
    return byteSize;
  }

  public boolean isFloatingPoint() {
    return this == F16 || this == BF16 || this == F32 || this == F64;
  }

  /** The dtype named {@code name} in a header, or an exception that lists what is supported. */
  public static SafetensorsDtype parse(String name, String where) {
    for (SafetensorsDtype dtype : values()) {
      if (dtype.name().equals(name)) {
        return dtype;
      }
    }
    throw new HfFormatException(
        where + ": unsupported dtype '" + name + "' (supported: " + supportedNames() + ")");
  }

  /** The dtype for a torch dtype name as config.json writes it ("bfloat16", "float32", ...). */
  public static SafetensorsDtype ofTorchName(String torchName) {
    return switch (torchName) {
      case "float32", "float" -> F32;
      case "bfloat16" -> BF16;
      case "float16", "half" -> F16;
      case "float64", "double" -> F64;
      default ->
          throw new IllegalArgumentException(
              "torch dtype '" + torchName + "' has no safetensors counterpart here");
    };
  }

  static String supportedNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
