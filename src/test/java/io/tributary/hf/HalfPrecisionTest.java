package io.tributary.hf;

import static io.tributary.hf.HalfPrecision.bf16ToFloat;
import static io.tributary.hf.HalfPrecision.f16ToFloat;
import static io.tributary.hf.HalfPrecision.floatToBf16;
import static io.tributary.hf.HalfPrecision.floatToF16;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfPrecisionTest {
  private static int bits(short s) {
    return s & 0xFFFF;
  }

  // --- bfloat16 ---

  @Test
  void bf16RoundsTiesToEvenLikeTorch() {
    // bf16 keeps 7 mantissa bits: around 1.0 one step is 2^-7, a tie is 2^-8 past a value
    assertThat(bits(floatToBf16(1f + 0x1p-8f))).isEqualTo(0x3F80); // tie, 1.0 is even: down
    assertThat(bits(floatToBf16(1f + 3 * 0x1p-8f))).isEqualTo(0x3F82); // tie, 1+2^-7 is odd: up
    assertThat(bits(floatToBf16(1f + 0x1p-8f + 0x1p-20f))).isEqualTo(0x3F81); // past a tie: up
    assertThat(bits(floatToBf16(1f + 0x1p-8f - 0x1p-20f))).isEqualTo(0x3F80); // short of it: down
    assertThat(bits(floatToBf16(-1f - 3 * 0x1p-8f))).isEqualTo(0xBF82);
  }

  @Test
  void bf16SpecialValues() {
    assertThat(bits(floatToBf16(Float.NaN))).isEqualTo(0x7FC0);
    assertThat(bits(floatToBf16(Float.intBitsToFloat(0xFFC00001)))).isEqualTo(0x7FC0);
    assertThat(bits(floatToBf16(Float.POSITIVE_INFINITY))).isEqualTo(0x7F80);
    assertThat(bits(floatToBf16(Float.NEGATIVE_INFINITY))).isEqualTo(0xFF80);
    assertThat(bits(floatToBf16(-0f))).isEqualTo(0x8000);
    assertThat(bits(floatToBf16(Float.MAX_VALUE))).isEqualTo(0x7F80); // rounds past the largest
    assertThat(bits(floatToBf16(Float.MIN_VALUE))).isEqualTo(0x0000); // 2^-149: below half a step
    assertThat(bits(floatToBf16(Float.intBitsToFloat(0x00018000))))
        .isEqualTo(0x0002); // subnormal tie up
    assertThat(bf16ToFloat((short) 0x0001)).isEqualTo(Float.intBitsToFloat(0x00010000));
    assertThat(bf16ToFloat((short) 0xFF80)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(bf16ToFloat((short) 0x7FC1)).isNaN();
  }

  @Test
  void everyBf16ValueSurvivesWideningAndNarrowing() {
    for (int b = 0; b <= 0xFFFF; b++) {
      float wide = bf16ToFloat((short) b);
      int back = bits(floatToBf16(wide));
      assertThat(back).as("bf16 %04x", b).isEqualTo(Float.isNaN(wide) ? 0x7FC0 : b);
    }
  }

  @Test
  void bf16NarrowingPicksTheNearestValueAndTheEvenOneOnTies() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      float value = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(value) || Float.isInfinite(value)) {
        continue;
      }
      int chosen = bits(floatToBf16(value));
      assertNearestEven(value, chosen, HalfPrecision::bf16ToFloat, 0x7F7F);
    }
  }

  // --- float16 ---

  @Test
  void f16RoundsTiesToEvenLikeTorch() {
    // f16 keeps 10 mantissa bits: around 1.0 a tie is 2^-11 past a value
    assertThat(bits(floatToF16(1f + 0x1p-11f))).isEqualTo(0x3C00);
    assertThat(bits(floatToF16(1f + 3 * 0x1p-11f))).isEqualTo(0x3C02);
    assertThat(bits(floatToF16(65504f))).isEqualTo(0x7BFF); // largest finite
    assertThat(bits(floatToF16(65519f))).isEqualTo(0x7BFF); // below the tie with 65536
    assertThat(bits(floatToF16(65520f))).isEqualTo(0x7C00); // the tie goes to even: infinity
    assertThat(bits(floatToF16(1e10f))).isEqualTo(0x7C00);
  }

  @Test
  void f16SubnormalsRoundToNearestEven() {
    float smallest = 0x1p-24f;
    assertThat(bits(floatToF16(smallest))).isEqualTo(0x0001);
    assertThat(bits(floatToF16(smallest / 2))).isEqualTo(0x0000); // tie with zero: even
    assertThat(bits(floatToF16(smallest * 0.75f))).isEqualTo(0x0001);
    assertThat(bits(floatToF16(smallest * 1.5f))).isEqualTo(0x0002); // tie between 1 and 2
    assertThat(bits(floatToF16(smallest * 2.5f))).isEqualTo(0x0002); // tie between 2 and 3
    assertThat(bits(floatToF16(smallest * 1023.5f))).isEqualTo(0x0400); // up into the normals
    assertThat(bits(floatToF16(-smallest * 3))).isEqualTo(0x8003);
    assertThat(bits(floatToF16(Float.MIN_VALUE))).isEqualTo(0x0000);
    assertThat(f16ToFloat((short) 0x0001)).isEqualTo(smallest);
    assertThat(f16ToFloat((short) 0x03FF)).isEqualTo(1023 * smallest);
  }

  @Test
  void f16SpecialValues() {
    assertThat(bits(floatToF16(Float.NaN))).isEqualTo(0x7E00);
    assertThat(bits(floatToF16(Float.intBitsToFloat(0xFFC00000)))).isEqualTo(0xFE00);
    assertThat(bits(floatToF16(Float.POSITIVE_INFINITY))).isEqualTo(0x7C00);
    assertThat(bits(floatToF16(Float.NEGATIVE_INFINITY))).isEqualTo(0xFC00);
    assertThat(bits(floatToF16(-0f))).isEqualTo(0x8000);
    assertThat(f16ToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(f16ToFloat((short) 0x7C01)).isNaN();
    assertThat(f16ToFloat((short) 0x8000)).isEqualTo(-0f);
  }

  @Test
  void everyF16ValueWidensToItsExactValueAndNarrowsBack() {
    for (int h = 0; h <= 0xFFFF; h++) {
      float wide = f16ToFloat((short) h);
      int exponent = (h >>> 10) & 0x1F;
      int mantissa = h & 0x3FF;
      double sign = (h & 0x8000) != 0 ? -1 : 1;
      if (exponent == 0x1F) {
        assertThat(Float.isNaN(wide)).isEqualTo(mantissa != 0);
        continue;
      }
      // the IEEE definition, computed in double
      double exact =
          exponent == 0
              ? sign * Math.scalb((double) mantissa, -24)
              : sign * Math.scalb((double) (1024 + mantissa), exponent - 25);
      assertThat((double) wide).as("f16 %04x", h).isEqualTo(exact);
      assertThat(bits(floatToF16(wide))).as("f16 %04x", h).isEqualTo(h);
    }
  }

  @Test
  void f16NarrowingPicksTheNearestValueAndTheEvenOneOnTies() {
    SplittableRandom random = new SplittableRandom(12);
    for (int i = 0; i < 200_000; i++) {
      // spread over the half range and a little beyond, where the interesting cases are
      float value = (float) (Math.scalb(random.nextDouble(1, 2), random.nextInt(-28, 17)));
      value = random.nextBoolean() ? value : -value;
      int chosen = bits(floatToF16(value));
      assertNearestEven(value, chosen, HalfPrecision::f16ToFloat, 0x7BFF);
    }
  }

  private interface Widen {
    float apply(short bits);
  }

  /**
   * The chosen 16-bit value is at least as close as both its neighbours, and on a tie it is even.
   * Infinity is chosen only where rounding the largest finite value's next step would give it.
   */
  private static void assertNearestEven(float value, int chosen, Widen widen, int largestBits) {
    double v = value;
    double c = widen.apply((short) chosen);
    if (Double.isInfinite(c)) {
      double largest = widen.apply((short) largestBits);
      double step = largest - widen.apply((short) (largestBits - 1));
      assertThat(Math.abs(v)).as("%s overflows", value).isGreaterThanOrEqualTo(largest + step / 2);
      return;
    }
    int magnitude = chosen & 0x7FFF;
    int sign = chosen & 0x8000;
    double distance = Math.abs(v - c);
    for (int neighbour : new int[] {magnitude - 1, magnitude + 1}) {
      if (neighbour < 0) {
        continue;
      }
      double n = widen.apply((short) (sign | neighbour));
      if (Double.isNaN(n) || Double.isInfinite(n)) {
        continue;
      }
      double other = Math.abs(v - n);
      assertThat(distance)
          .as("%s -> %04x vs %04x", value, chosen, sign | neighbour)
          .isLessThanOrEqualTo(other);
      if (distance == other) {
        assertThat(magnitude & 1).as("tie of %s goes to even", value).isZero();
      }
    }
  }
}
