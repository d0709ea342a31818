package io.tributary.grpo;

import static io.tributary.grpo.LossFixture.ACTIVE;
import static io.tributary.grpo.LossFixture.ADVANTAGES;
import static io.tributary.grpo.LossFixture.DAPO_TOKENS;
import static io.tributary.grpo.LossFixture.LOG_RATIO;
import static io.tributary.grpo.LossFixture.MASK;
import static io.tributary.grpo.LossFixture.MAX_COMPLETION_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GSPO and CISPO on the fixed tensors of {@link LossFixture}: value and gradient against the
 * papers' formulas computed by hand in doubles. GSPO is checked against its sequence-level form
 * which the implementation's per-token form must reproduce.
 */
class SequenceAndWeightLossTest {

  @Test
  void theFixtureGivesGspoOneClippedAndOneUnclippedSequence() {
    // s_0 = exp((0.1 + 0.4) / 2) = 1.284 > 1.28 with A > 0: clipped, no gradient;
    // s_1 = exp((-0.5 + 0.05 + 1.5) / 3) = 1.419 with A < 0: the unclipped term is the minimum
    assertThat(sequenceRatio(0)).isCloseTo(Math.exp(0.25), within(1e-12));
    assertThat(sequenceRatio(1)).isCloseTo(Math.exp(0.35), within(1e-12));
  }

  @ParameterizedTest(name = "clip {0} / {1}")
  @CsvSource({"0.2, 0.28", "3.0e-4, 4.0e-4", "0.5, 0.5"})
  void gspoEqualsTheSequenceLevelObjectiveInValueAndGradient(double low, double high) {
    double loss = 0;
    double[] gradient = new double[6];
    for (int i = 0; i < 2; i++) {
      double s = sequenceRatio(i);
      double a = ADVANTAGES[i];
      double clipped = Math.max(1 - low, Math.min(1 + high, s));
      boolean gradientFlows = s * a <= clipped * a; // inside the range both terms carry it
      loss += -Math.min(s * a, clipped * a) / 2; // GSPO: the mean over the G sequences
      for (int t = 0; t < 3; t++) {
        // d s_i / d log π(y_t) = s_i / |o_i| for each of its tokens (GSPO's gradient)
        gradient[i * 3 + t] = gradientFlows ? -a * s * MASK[i][t] / LossFixture.tokens(i) / 2 : 0;
      }
    }
    LossFixture.Evaluation got =
        LossFixture.evaluate(
            new GrpoLossConfig(low, high, 0, LossAggregation.GSPO, MAX_COMPLETION_LENGTH), null);

    assertThat(got.loss()).isCloseTo(loss, within(1e-5));
    for (int k = 0; k < 6; k++) {
      assertThat((double) got.gradient()[k]).as("slot %d", k).isCloseTo(gradient[k], within(1e-6));
    }
  }

  @Test
  void gspoCountsClippingPerSequenceAndReportsTheSequenceRatio() {
    LossFixture.Evaluation got =
        LossFixture.evaluate(
            new GrpoLossConfig(0.2, 0.28, 0, LossAggregation.GSPO, MAX_COMPLETION_LENGTH), null);

    // the first sequence's two tokens are clipped high (A > 0); the second is inside for A < 0
    assertThat(got.statistics().clipFracHigh()).isCloseTo(2.0 / ACTIVE, within(1e-9));
    assertThat(got.statistics().clipFracLow()).isZero();
    assertThat(got.statistics().meanRatio())
        .isCloseTo((2 * sequenceRatio(0) + 3 * sequenceRatio(1)) / ACTIVE, within(1e-5));
  }

  @ParameterizedTest(name = "caps {0} / {1}")
  @CsvSource({"1.0, 0.28", "0.2, 0.28", "0.5, 2.0"})
  void cispoEqualsTheClippedWeightTimesReinforceInValueAndGradient(double low, double high) {
    double loss = 0;
    double[] gradient = new double[6];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        double ratio = Math.exp(LOG_RATIO[i][t]);
        double weight = Math.max(1 - low, Math.min(1 + high, ratio)); // sg(clip(r))
        // MiniMax-M1's CISPO: -sg(r̂) A log π, normalised by all tokens of the batch
        loss += -weight * ADVANTAGES[i] * LossFixture.logp(i, t) * MASK[i][t] / DAPO_TOKENS;
        gradient[i * 3 + t] = -weight * ADVANTAGES[i] * MASK[i][t] / DAPO_TOKENS;
      }
    }
    LossFixture.Evaluation got =
        LossFixture.evaluate(
            new GrpoLossConfig(low, high, 0, LossAggregation.CISPO, MAX_COMPLETION_LENGTH), null);

    assertThat(got.loss()).isCloseTo(loss, within(1e-5));
    for (int k = 0; k < 6; k++) {
      assertThat((double) got.gradient()[k]).as("slot %d", k).isCloseTo(gradient[k], within(1e-6));
    }
  }

  @Test
  void cispoKeepsAGradientOnTokensWhoseWeightIsClipped() {
    // ρ = exp(0.4) and exp(1.5) exceed 1.28: PPO's clip would drop one of them (A > 0), CISPO
    // only caps their weight
    LossFixture.Evaluation got =
        LossFixture.evaluate(
            new GrpoLossConfig(1.0, 0.28, 0, LossAggregation.CISPO, MAX_COMPLETION_LENGTH), null);

    assertThat((double) got.gradient()[1]).isCloseTo(-1.28 / DAPO_TOKENS, within(1e-6));
    assertThat((double) got.gradient()[5]).isCloseTo(1.28 * 0.5 / DAPO_TOKENS, within(1e-6));
    assertThat(got.statistics().clipFracHigh()).isCloseTo(2.0 / ACTIVE, within(1e-9));
  }

  @Test
  void theConfigGivesGspoAndCispoTheirOwnClipRanges() {
    GrpoConfig gspo = withAggregation(LossAggregation.GSPO);
    assertThat(gspo.lossConfig().epsilonLow()).isEqualTo(3e-4);
    assertThat(gspo.lossConfig().epsilonHigh()).isEqualTo(4e-4);
    GrpoConfig cispo = withAggregation(LossAggregation.CISPO);
    assertThat(cispo.lossConfig().epsilonLow()).isEqualTo(1.0);
    assertThat(cispo.lossConfig().epsilonHigh()).isEqualTo(0.28);
    GrpoConfig dapo = withAggregation(LossAggregation.DAPO);
    assertThat(dapo.lossConfig().epsilonLow()).isEqualTo(0.2);
  }

  private static GrpoConfig withAggregation(LossAggregation aggregation) {
    return io.tributary.config.Yaml.read(
        "aggregation: " + aggregation.configName() + "\n", GrpoConfig.class, "grpo.yaml");
  }

  private static double sequenceRatio(int row) {
    double sum = 0;
    for (int t = 0; t < 3; t++) {
      sum += LOG_RATIO[row][t] * MASK[row][t];
    }
    return Math.exp(sum / LossFixture.tokens(row));
  }
}
