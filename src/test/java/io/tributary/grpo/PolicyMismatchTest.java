package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyMismatchTest {
  private static final float[] BEHAVIOUR = {-1.0f, -2.0f, -0.5f, -3.0f};
  // r = learner - behaviour: 0, +0.5, -0.25, +1.0
  private static final float[] LEARNER = {-1.0f, -1.5f, -0.75f, -2.0f};

  @Test
  void measuresTheLogProbGapAndTheK3KlOfBehaviourToLearnerByHand() {
    PolicyMismatch.Summary s = PolicyMismatch.measure(BEHAVIOUR, LEARNER, null, null, 1);

    double[] r = {0, 0.5, -0.25, 1.0};
    double k3 = 0;
    for (double x : r) {
      k3 += Math.exp(x) - 1 - x;
    }
    assertThat(s.tokens()).isEqualTo(4);
    assertThat(s.logProbAbsMean()).isCloseTo((0 + 0.5 + 0.25 + 1.0) / 4, within(1e-7));
    assertThat(s.logProbAbsMax()).isCloseTo(1.0, within(1e-7));
    assertThat(s.k3Kl()).isCloseTo(k3 / 4, within(1e-7));
    assertThat(s.routingDisagreement()).isEmpty(); // not recorded: absent, not 0
  }

  @Test
  void identicalPoliciesAreAtZeroOnEveryMeasure() {
    PolicyMismatch.Summary s =
        PolicyMismatch.measure(BEHAVIOUR, BEHAVIOUR.clone(), new int[] {3, 1}, new int[] {3, 1}, 2);

    assertThat(s.logProbAbsMean()).isZero();
    assertThat(s.logProbAbsMax()).isZero();
    assertThat(s.k3Kl()).isZero();
    assertThat(s.routingDisagreement()).hasValue(0.0);
  }

  @Test
  void theK3EstimateIsNonNegativeAndSmallDifferencesDoNotCancelToZero() {
    float[] behaviour = {-2.0f};
    float[] learner = {Math.nextUp(-2.0f)}; // one float ulp apart
    double r = (double) learner[0] - behaviour[0];

    PolicyMismatch.Summary s = PolicyMismatch.measure(behaviour, learner, null, null, 1);

    assertThat(s.k3Kl()).isPositive().isCloseTo(r * r / 2, within(1e-20));
  }

  @Test
  void aRoutingDecisionDiffersWhenItsExpertSetDiffersNotItsOrder() {
    // top-2 over three (token, layer) decisions: same set reordered, one expert swapped, same
    int[] sampler = {0, 5, 2, 7, 4, 1};
    int[] learner = {5, 0, 2, 6, 4, 1};

    PolicyMismatch.Summary s = PolicyMismatch.measure(BEHAVIOUR, BEHAVIOUR, sampler, learner, 2);

    assertThat(s.routingDisagreement()).hasValue(1.0 / 3);
  }

  @Test
  void bucketsByStalenessAndLeavesOutBucketsWithoutTokens() {
    PolicyMismatch mismatch = new PolicyMismatch();
    mismatch.add(0, new float[] {-1f}, new float[] {-1f});
    mismatch.add(2, new float[] {-1f, -1f}, new float[] {-1.5f, -0.5f});
    mismatch.add(5, new float[] {-1f}, new float[] {-3f});
    mismatch.add(3, new float[] {-1f}, new float[] {-2f});
    mismatch.addRouting(2, new int[] {1, 2}, new int[] {1, 3}, 1);

    Map<StalenessBucket, PolicyMismatch.Summary> buckets = mismatch.summaries();

    assertThat(buckets)
        .containsOnlyKeys(StalenessBucket.S0, StalenessBucket.S2, StalenessBucket.OVER_2);
    assertThat(buckets.get(StalenessBucket.S0).logProbAbsMax()).isZero();
    assertThat(buckets.get(StalenessBucket.S0).routingDisagreement()).isEmpty();
    assertThat(buckets.get(StalenessBucket.S2).tokens()).isEqualTo(2);
    assertThat(buckets.get(StalenessBucket.S2).logProbAbsMean()).isCloseTo(0.5, within(1e-9));
    assertThat(buckets.get(StalenessBucket.S2).routingDisagreement()).hasValue(0.5);
    assertThat(buckets.get(StalenessBucket.OVER_2).tokens()).isEqualTo(2);
    assertThat(buckets.get(StalenessBucket.OVER_2).logProbAbsMax()).isCloseTo(2.0, within(1e-9));
  }

  @ParameterizedTest
  @CsvSource({"0, s0", "1, s1", "2, s2", "3, s3plus", "40, s3plus"})
  void stalenessBucketsAreZeroOneTwoAndMore(long versionsBehind, String metricName) {
    assertThat(StalenessBucket.of(versionsBehind).metricName()).isEqualTo(metricName);
  }

  @Test
  void rejectsMismatchedLengthsAndNegativeStaleness() {
    PolicyMismatch mismatch = new PolicyMismatch();
    assertThatThrownBy(() -> mismatch.add(0, new float[2], new float[3]))
        .hasMessageContaining("learner: got 3 log-probs, expected one per behaviour log-prob (2)");
    assertThatThrownBy(() -> mismatch.addRouting(0, new int[3], new int[3], 2))
        .hasMessageContaining("a multiple of expertsPerDecision = 2");
    assertThatThrownBy(() -> mismatch.add(-1, new float[1], new float[1]))
        .hasMessageContaining("staleness: got -1");
    assertThatThrownBy(() -> PolicyMismatch.measure(new float[0], new float[0], null, null, 1))
        .hasMessageContaining("behaviour: got no tokens");
  }
}
