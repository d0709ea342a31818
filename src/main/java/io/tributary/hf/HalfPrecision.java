package io.tributary.hf;

/**
 * Conversions between float and the two 16-bit float formats of checkpoints, bit for bit as torch
 * converts a CPU tensor ({@code tensor.to(torch.bfloat16)}, {@code .to(torch.float16)}), which
 * src/test/resources/hf-rounding holds for 16,384 inputs: round to nearest, ties to even, into and
 * out of the subnormal range and up to infinity. Widening is exact.
 *
 * <p>NaN is the one place torch's own paths disagree (a CPU tensor gives bfloat16 0xFFFF for every
 * NaN, c10's scalar {@code round_to_nearest_even} 0x7FC0, CUDA 0x7FFF). Here a NaN keeps its sign
 * and the top of its payload and is made quiet, as the F16C instruction torch uses for float16
 * does; so every quiet 16-bit NaN that was read is written back unchanged, and import then export
 * stays bit-exact even for a tensor holding NaNs.
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  public static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  public static float f16ToFloat(short half) {
    int h = half & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exponent == 0) {
      // zero or subnormal: mantissa x 2^-24 is exact in float
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  public static short floatToF16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7FFFFFFF;
    if (abs > 0x7F800000) {
      return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
    }
    if (abs >= 0x47800000) { // 2^16 and beyond, infinity included, round to infinity
      return (short) (sign | 0x7C00);
    }
    int exponent = (abs >>> 23) - 127 + 15; // biased half exponent
    if (exponent <= 0) {
      if (exponent < -10) { // below 2^-25: rounds to zero
        return (short) sign;
      }
      // subnormal half: the 24-bit significand scaled to units of 2^-24
      int significand = (abs & 0x7FFFFF) | 0x800000;
      int shift = 14 - exponent;
      return (short) (sign | roundShiftRightEven(significand, shift));
    }
    // normal half; a carry out of the mantissa correctly bumps the exponent (up to infinity)
    int truncated = (exponent << 10) | ((abs & 0x7FFFFF) >>> 13);
    return (short) (sign | roundedUp(truncated, abs & 0x1FFF, 0x1000));
  }

  private static int roundShiftRightEven(int value, int shift) {
    int kept = value >>> shift;
    int remainder = value & ((1 << shift) - 1);
    return roundedUp(kept, remainder, 1 << (shift - 1));
  }

  private static int roundedUp(int kept, int remainder, int halfway) {
    if (remainder > halfway || (remainder == halfway && (kept & 1) == 1)) {
      return kept + 1;
    }
    return kept;
  }
}
