package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BFloat16Test {

  @Test
  void widenIsTheUpperHalfOfAFloat32() {
    assertThat(BFloat16.toFloat((short) 0x3F80)).isEqualTo(1.0f);
    assertThat(BFloat16.toFloat((short) 0xC040)).isEqualTo(-3.0f);
    assertThat(BFloat16.toFloat((short) 0x7F80)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void narrowRoundsToNearestAndTiesToEven() {
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the even neighbour (1) wins
    assertThat(BFloat16.fromFloat(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
    // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even)
    assertThat(BFloat16.fromFloat(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
    // just above the halfway point rounds up
    assertThat(BFloat16.fromFloat(Math.nextUp(1f + 0x1p-8f))).isEqualTo((short) 0x3F81);
    assertThat(BFloat16.fromFloat(-3.0f)).isEqualTo((short) 0xC040);
  }

  @Test
  void nanStaysNanAndEveryBfloat16SurvivesTheRoundTrip() {
    assertThat(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN)))).isTrue();
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = BFloat16.toFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertThat(BFloat16.fromFloat(f)).isEqualTo((short) bits);
      }
    }
  }
}
