package io.tributary.reward.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OverlongPenaltyTest {
  @ParameterizedTest(name = "length {0} of max 100 with buffer 20 -> {1}")
  @CsvSource({
    "0, 0.0",
    "80, 0.0", // the last length without penalty
    "81, -0.05",
    "90, -0.5",
    "100, -1.0", // L_max itself is at the bottom of the ramp
    "101, -1.0",
    "5000, -1.0"
  })
  void rampsLinearlyFromZeroToMinusOneAcrossTheBuffer(int length, double expected) {
    assertThat(OverlongReward.penalty(length, 100, 20)).isCloseTo(expected, within(1e-12));
  }

  @ParameterizedTest
  @CsvSource({"10, 100, 0", "10, 100, 101", "-1, 100, 10"})
  void rejectsImpossibleSettings(int length, int maxLength, int buffer) {
    assertThatThrownBy(() -> OverlongReward.penalty(length, maxLength, buffer))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
