package io.tributary.hf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * bfloat16 <-> float32 on the host. bfloat16 is the upper half of a float32, so widening is exact;
 * narrowing rounds to nearest, ties to even, as PyTorch's c10::BFloat16 does, with NaN kept quiet.
 * Done here because the CPU libtorch build behind DJL 0.36 aborts the JVM on bfloat16 casts.
 */
final class BFloat16 {
  private BFloat16() {}

  static float toFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int lsb = (bits >>> 16) & 1;
    return (short) ((bits + 0x7FFF + lsb) >>> 16);
  }

  /** Little-endian bfloat16 bytes -> little-endian float32 bytes. */
  static ByteBuffer widen(ByteBuffer bf16) {
    ByteBuffer in = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = in.remaining() / 2;
    ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      out.putFloat(toFloat(in.getShort()));
    }
    return out.flip();
  }

  /** float32 values -> little-endian bfloat16 bytes. */
  static byte[] narrow(float[] values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      out.putShort(fromFloat(v));
    }
    return out.array();
  }
}
