package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdvantagesTest {
  private static final double[] TWO_GROUPS_OF_FOUR = {1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5};

  @Test
  void groupScalingDividesByTheBesselCorrectedGroupStdPlusEpsilon() {
    GroupAdvantages result = Advantages.compute(TWO_GROUPS_OF_FOUR, 4, AdvantageScaling.GROUP);
    // group 0: mean 0.5, sample std sqrt((4 * 0.25) / 3) = 0.57735
    double std = Math.sqrt(1.0 / 3.0) + 1e-4;
    assertThat(result.group(0))
        .containsExactly(
            new double[] {0.5 / std, -0.5 / std, -0.5 / std, 0.5 / std}, within(1e-12));
    assertThat(result.group(1)).containsOnly(0.0);
  }

  @Test
  void batchScalingDividesByTheStdOfAllRewards() {
    GroupAdvantages result = Advantages.compute(TWO_GROUPS_OF_FOUR, 4, AdvantageScaling.BATCH);
    // all 8 rewards: mean 0.5, squared deviations 4 * 0.25, sample std sqrt(1 / 7)
    double std = Math.sqrt(1.0 / 7.0) + 1e-4;
    assertThat(result.group(0))
        .containsExactly(
            new double[] {0.5 / std, -0.5 / std, -0.5 / std, 0.5 / std}, within(1e-12));
    assertThat(result.group(1)).containsOnly(0.0);
  }

  @Test
  void noScalingOnlyCentresOnTheGroupMean() {
    GroupAdvantages result =
        Advantages.compute(new double[] {1, 0, 0, 0, 2, 4}, 3, AdvantageScaling.NONE);
    assertThat(result.advantages())
        .containsExactly(new double[] {2 / 3.0, -1 / 3.0, -1 / 3.0, -2, 0, 2}, within(1e-12));
  }

  @Test
  void groupsWithEqualRewardsAreReportedAndGetExactlyZeroAdvantage() {
    // 0.1 * 3 / 3 is not exactly 0.1 in binary: the zero must be forced, not hoped for
    double[] rewards = {0.1, 0.1, 0.1, 1, 0, 1, 0.7, 0.7, 0.7, 0, 0, 1};
    for (AdvantageScaling scaling : AdvantageScaling.values()) {
      GroupAdvantages result = Advantages.compute(rewards, 3, scaling);
      assertThat(result.zeroStdGroups()).containsExactly(true, false, true, false);
      assertThat(result.zeroStdGroupCount()).isEqualTo(2);
      assertThat(result.fracRewardZeroStd()).isEqualTo(0.5);
      assertThat(result.group(0)).containsOnly(0.0);
      assertThat(result.group(2)).containsOnly(0.0);
    }
  }

  @Test
  void advantagesOfAGroupSumToZero() {
    double[] rewards = {0.3, 1.1, 0.0, 0.9, 0.2};
    double sum = 0;
    for (double a : Advantages.compute(rewards, 5, AdvantageScaling.GROUP).advantages()) {
      sum += a;
    }
    assertThat(sum).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void aNonFiniteRewardMakesItsGroupNaNSoTheUpdateIsSkipped() {
    GroupAdvantages result =
        Advantages.compute(new double[] {1, Double.NaN, 0, 0}, 2, AdvantageScaling.GROUP);
    assertThat(java.util.Arrays.stream(result.group(0)).allMatch(Double::isNaN)).isTrue();
    assertThat(result.group(1)).containsOnly(0.0);
    assertThat(result.zeroStdGroups()).containsExactly(false, true);
  }

  @Test
  void rejectsGroupsOfOneAndRaggedBatches() {
    assertThatThrownBy(() -> Advantages.compute(new double[] {1, 2}, 1, AdvantageScaling.GROUP))
        .hasMessageContaining("groupSize: got 1");
    assertThatThrownBy(() -> Advantages.compute(new double[] {1, 2, 3}, 2, AdvantageScaling.NONE))
        .hasMessageContaining("rewards: got 3 values, expected a multiple of groupSize 2");
  }
}
