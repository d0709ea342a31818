package io.tributary.hf;

/**
 * Conversions between float and the two 16-bit float formats of checkpoints, bit for bit as torch
 * does them, so that an exported tensor equals what {@code tensor.to(dtype)} would have written.
 *
 * <p>float -> bfloat16 follows c10's {@code round_to_nearest_even} (c10/util/BFloat16.h): add
 * 0x7FFF plus the lowest kept bit, keep the high half; every NaN becomes the quiet NaN 0x7FC0.
 * float -> float16 follows {@code fp16_ieee_from_fp32_value} (c10/util/Half.h): round to nearest
 * even, including into and out of the subnormal range; NaN becomes 0x7E00 with the sign kept.
 * Widening is exact in both cases (NaN payloads included).
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  public static short floatToBf16(float value) {
    if (Float.isNaN(value)) {
      return (short) 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(value);
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
      return (short) (sign | 0x7E00);
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
