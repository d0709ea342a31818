package io.tributary.grpo;

import static io.tributary.grpo.LossFixture.ACTIVE;
import static io.tributary.grpo.LossFixture.ADVANTAGES;
import static io.tributary.grpo.LossFixture.DAPO_TOKENS;
import static io.tributary.grpo.LossFixture.LOG_RATIO;
import static io.tributary.grpo.LossFixture.MASK;
import static io.tributary.grpo.LossFixture.MAX_COMPLETION_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rollout correction on the fixed tensors of {@link LossFixture}, each expected value computed
 * by hand: AReaL's decoupled objective clips π_θ / π_prox and weights each token by the behaviour
 * ratio w = π_prox / π_behaviour, truncated (TIS) or masked (MIS) at the cap. The clipped token
 * surrogate with DAPO's normaliser carries the weights here; every objective multiplies the same
 * weights.
 */
class RolloutCorrectionTest {
  // log w = log π_prox - log π_behaviour per token; the padded slot's must never count
  private static final double[][] PROXIMAL_SHIFT = {{0.05, 0.3, 0.7}, {-0.2, 0.0, 1.0}};

  record Case(
      String name,
      RolloutCorrection correction,
      double[][] weights,
      Double truncatedShare,
      Double maskedShare) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> decoupledCases() {
    double e = Math.E;
    return Stream.of(
        new Case(
            "decoupled without weights",
            decoupled(CorrectionLevel.NONE, CorrectionLevel.NONE, null),
            new double[][] {{1, 1, 0}, {1, 1, 1}},
            null,
            null),
        new Case(
            "token TIS at 1.2: w = exp(0.3) and exp(1.0) truncated",
            decoupled(CorrectionLevel.TOKEN, CorrectionLevel.NONE, 1.2),
            new double[][] {{Math.exp(0.05), 1.2, 0}, {Math.exp(-0.2), 1, 1.2}},
            2.0 / ACTIVE,
            null),
        new Case(
            "sequence TIS at 2: W_0 = exp(0.35) kept, W_1 = exp(0.8) truncated",
            decoupled(CorrectionLevel.SEQUENCE, CorrectionLevel.NONE, 2.0),
            new double[][] {{Math.exp(0.35), Math.exp(0.35), 0}, {2, 2, 2}},
            3.0 / ACTIVE,
            null),
        new Case(
            "token MIS at 1.5: only w = e is outside [1/1.5, 1.5]",
            decoupled(CorrectionLevel.NONE, CorrectionLevel.TOKEN, 1.5),
            new double[][] {{1, 1, 0}, {1, 1, 0}},
            null,
            1.0 / ACTIVE),
        new Case(
            "sequence MIS at 2: the second sequence (W = exp(0.8)) goes",
            decoupled(CorrectionLevel.NONE, CorrectionLevel.SEQUENCE, 2.0),
            new double[][] {{1, 1, 0}, {0, 0, 0}},
            null,
            3.0 / ACTIVE),
        new Case(
            "token TIS and MIS at 1.2: three masked, two of them also truncated",
            decoupled(CorrectionLevel.TOKEN, CorrectionLevel.TOKEN, 1.2),
            new double[][] {{Math.exp(0.05), 0, 0}, {0, 1, 0}},
            2.0 / ACTIVE,
            3.0 / ACTIVE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoupledCases")
  void theDecoupledLossClipsAgainstTheProximalPolicyAndWeightsByTheBehaviourRatio(Case c) {
    double loss = 0;
    double[] gradient = new double[6];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        // ρ = π_θ / π_prox = exp(log(π_θ / π_behaviour) - log w)
        double ratio = Math.exp(LOG_RATIO[i][t] - PROXIMAL_SHIFT[i][t]);
        double a = ADVANTAGES[i];
        double clipped = Math.max(0.8, Math.min(1.28, ratio));
        double perToken = -Math.min(ratio * a, clipped * a);
        double perTokenGradient = ratio * a <= clipped * a ? -ratio * a : 0;
        loss += c.weights()[i][t] * perToken * MASK[i][t] / DAPO_TOKENS;
        gradient[i * 3 + t] = c.weights()[i][t] * perTokenGradient * MASK[i][t] / DAPO_TOKENS;
      }
    }
    GrpoLossConfig config =
        new GrpoLossConfig(
            0.2, 0.28, 0, LossAggregation.DAPO, MAX_COMPLETION_LENGTH, c.correction());

    LossFixture.Evaluation got = LossFixture.evaluate(config, PROXIMAL_SHIFT);

    assertThat(got.loss()).isCloseTo(loss, within(1e-5));
    for (int k = 0; k < 6; k++) {
      assertThat((double) got.gradient()[k]).as("slot %d", k).isCloseTo(gradient[k], within(1e-6));
    }
    assertShare(got.statistics().truncatedFraction(), c.truncatedShare());
    assertShare(got.statistics().maskedFraction(), c.maskedShare());
  }

  @Test
  void coupledMaskingJudgesTheSurrogatesOwnRatioToTheBehaviourPolicy() {
    // w = π_θ / π_behaviour: exp(1.5) leaves [1/2, 2], the other four stay
    GrpoLossConfig config =
        new GrpoLossConfig(
            0.2,
            0.28,
            0,
            LossAggregation.DAPO,
            MAX_COMPLETION_LENGTH,
            new RolloutCorrection(
                CorrectionMode.COUPLED, CorrectionLevel.NONE, CorrectionLevel.TOKEN, 2.0));
    LossFixture.Evaluation plain =
        LossFixture.evaluate(GrpoLossConfig.defaults(LossAggregation.DAPO, 4), null);

    LossFixture.Evaluation got = LossFixture.evaluate(config, null);

    // the masked token is ρ = exp(1.5) with A = -0.5: unclipped, loss 0.5 exp(1.5) / 9
    assertThat(got.loss())
        .isCloseTo(plain.loss() - 0.5 * Math.exp(1.5) / DAPO_TOKENS, within(1e-5));
    assertThat(got.gradient()[5]).isZero();
    assertThat(got.gradient()[3]).isEqualTo(plain.gradient()[3]);
    assertThat(got.statistics().maskedFraction()).isCloseTo(1.0 / ACTIVE, within(1e-9));
    assertThat(got.statistics().truncatedFraction()).isNaN();
  }

  @Test
  void withTheProximalPolicyEqualToTheBehaviourOneTheDecoupledLossIsTheCoupledOne() {
    double[][] noShift = new double[2][3];
    GrpoLossConfig decoupled =
        new GrpoLossConfig(
            0.2,
            0.28,
            0,
            LossAggregation.GRPO,
            MAX_COMPLETION_LENGTH,
            decoupled(CorrectionLevel.TOKEN, CorrectionLevel.TOKEN, 2.0));

    LossFixture.Evaluation got = LossFixture.evaluate(decoupled, noShift);
    LossFixture.Evaluation coupled =
        LossFixture.evaluate(GrpoLossConfig.defaults(LossAggregation.GRPO, 4), null);

    assertThat(got.loss()).isCloseTo(coupled.loss(), within(1e-6));
    assertThat(got.gradient()).containsExactly(coupled.gradient(), within(1e-7f));
    assertThat(got.statistics().truncatedFraction()).isZero();
    assertThat(got.statistics().maskedFraction()).isZero();
  }

  @Test
  void theDecoupledModeRefusesInputsWithoutProximalLogProbs() {
    GrpoLossConfig config =
        new GrpoLossConfig(
            0.2,
            0.28,
            0,
            LossAggregation.DAPO,
            4,
            decoupled(CorrectionLevel.NONE, CorrectionLevel.NONE, null));

    assertThatThrownBy(() -> LossFixture.evaluate(config, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logpProximal: got null");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{importanceSampling: token} | rolloutCorrection.cap: got null, expected a finite number > 1",
        "{mask: sequence, cap: 1.0} | rolloutCorrection.cap: got 1.0",
        "{cap: 2.0} | rolloutCorrection.cap: got 2.0, expected no cap: importanceSampling and mask"
            + " are both none",
        "{importanceSampling: sequence, cap: 2} | rolloutCorrection.importanceSampling: got"
            + " 'sequence', expected none or token with mode coupled",
        "{mode: sideways} | mode",
        "{mask: token, cap: 2, level: 3} | unknown key"
      })
  void rejectsABadCorrectionNamingTheKey(String yaml, String message) {
    assertThatThrownBy(
            () -> Yaml.read("rolloutCorrection: " + yaml + "\n", GrpoConfig.class, "grpo.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theEarlierImportanceRatioCapStillLoadsAsTheCoupledTokenTruncation() {
    GrpoConfig earlier = Yaml.read("importanceRatioCap: 4.0\n", GrpoConfig.class, "old.yaml");

    assertThat(earlier.rolloutCorrection()).isEqualTo(RolloutCorrection.dualClip(4.0));
    assertThat(earlier.importanceRatioCap()).isNull();
    assertThat(Yaml.write(earlier)).doesNotContain("importanceRatioCap");
    GrpoConfig reread = Yaml.read(Yaml.write(earlier), GrpoConfig.class, "resolved.yaml");
    assertThat(reread.rolloutCorrection()).isEqualTo(earlier.rolloutCorrection());
    assertThatThrownBy(
            () ->
                Yaml.read(
                    "importanceRatioCap: 4.0\nrolloutCorrection: {mode: decoupled}\n",
                    GrpoConfig.class,
                    "both.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("importanceRatioCap: got 4.0, expected no value beside")
        .hasMessageContaining("rolloutCorrection: {importanceSampling: token, cap: C}");
  }

  @Test
  void aMissingCorrectionIsNone() {
    GrpoConfig config = GrpoConfig.defaults();

    assertThat(config.rolloutCorrection()).isEqualTo(RolloutCorrection.none());
    assertThat(config.rolloutCorrection().needsProximal()).isFalse();
  }

  private static RolloutCorrection decoupled(
      CorrectionLevel importanceSampling, CorrectionLevel mask, Double cap) {
    return new RolloutCorrection(CorrectionMode.DECOUPLED, importanceSampling, mask, cap);
  }

  private static void assertShare(double actual, Double expected) {
    if (expected == null) {
      assertThat(actual).as("not computed").isNaN();
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-9));
    }
  }
}
