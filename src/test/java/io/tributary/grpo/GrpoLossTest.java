package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each expected value is computed by hand below, in plain Java doubles, from the paper's formula.
 */
class GrpoLossTest {
  // two completions, three token slots; the first completion has two tokens, then padding
  private static final double[][] MASK = {{1, 1, 0}, {1, 1, 1}};
  private static final double[][] LOGP_OLD = {{-1.0, -2.0, -0.5}, {-1.5, -0.7, -2.2}};
  // log-ratios: 0.1 (inside), 0.4 (above 1.28 with A > 0: high clip), 0 (padding);
  // -0.5 (below 0.8 with A < 0: low clip), 0.05 (inside), 1.5 (ρ = 4.48 with A < 0: unclipped)
  private static final double[][] LOG_RATIO = {{0.1, 0.4, 0.0}, {-0.5, 0.05, 1.5}};
  private static final double[] ADVANTAGES = {1.0, -0.5};
  private static final double[][] LOGP_REF = {{-1.2, -1.5, -0.4}, {-1.9, -0.6, -0.9}};
  private static final int MAX_COMPLETION_LENGTH = 4; // > T: Dr. GRPO uses the constant
  private static final long DAPO_TOKENS = 9; // this micro-batch has 5, the accumulated batch 9

  // the four aggregations of the clipped token surrogate; GSPO and CISPO have their own tests
  static final List<LossAggregation> TOKEN_SURROGATES =
      List.of(
          LossAggregation.GRPO,
          LossAggregation.BNPO,
          LossAggregation.DR_GRPO,
          LossAggregation.DAPO);

  record ClipMode(String name, double epsilonLow, double epsilonHigh, Double cap) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<ClipMode> CLIP_MODES =
      List.of(
          new ClipMode("symmetric 0.2", 0.2, 0.2, null),
          new ClipMode("clip-higher 0.2/0.28", 0.2, 0.28, null),
          new ClipMode("clip-higher with ratio cap 3", 0.2, 0.28, 3.0));

  static Stream<Arguments> everyAggregationAndClipMode() {
    List<Arguments> cases = new ArrayList<>();
    for (LossAggregation aggregation : TOKEN_SURROGATES) {
      for (ClipMode mode : CLIP_MODES) {
        cases.add(Arguments.of(aggregation, mode));
      }
    }
    return cases.stream();
  }

  @Test
  void perTokenLossesOfTheFixtureMatchTheHandValues() {
    // symmetric clip 0.2: -min(ρA, clip(ρ)A)
    assertThat(handPerToken(Math.exp(0.4), 1.0, 0.2, 0.2, null)).isCloseTo(-1.2, within(1e-12));
    assertThat(handPerToken(Math.exp(-0.5), -0.5, 0.2, 0.2, null)).isCloseTo(0.4, within(1e-12));
    assertThat(handPerToken(Math.exp(1.5), -0.5, 0.2, 0.2, null))
        .isCloseTo(0.5 * 4.4816890703, within(1e-9));
    assertThat(handPerToken(Math.exp(1.5), -0.5, 0.2, 0.28, 3.0)).isCloseTo(1.5, within(1e-12));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("everyAggregationAndClipMode")
  void lossEqualsTheHandComputation(LossAggregation aggregation, ClipMode mode) {
    double[][] perToken = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        perToken[i][t] =
            handPerToken(
                Math.exp(LOG_RATIO[i][t]),
                ADVANTAGES[i],
                mode.epsilonLow(),
                mode.epsilonHigh(),
                mode.cap());
      }
    }
    double expected = handAggregate(aggregation, perToken);
    GrpoLossConfig config =
        new GrpoLossConfig(
            mode.epsilonLow(),
            mode.epsilonHigh(),
            0.0,
            aggregation,
            MAX_COMPLETION_LENGTH,
            mode.cap() == null ? null : RolloutCorrection.dualClip(mode.cap()));
    try (NDManager manager = NDManager.newBaseManager()) {
      GrpoLossResult result = GrpoLoss.compute(inputs(manager, logpFixture(manager), null), config);
      assertThat(result.loss().getShape().dimension()).isZero();
      assertThat(result.loss().getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
      assertThat((double) result.loss().getFloat()).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void statisticsCountClippingOnlyWhereItRemovesTheGradient() {
    GrpoLossConfig config =
        new GrpoLossConfig(
            0.2, 0.28, 0.0, LossAggregation.GRPO, 4, RolloutCorrection.dualClip(3.0));
    try (NDManager manager = NDManager.newBaseManager()) {
      GrpoLossStatistics stats =
          GrpoLoss.compute(inputs(manager, logpFixture(manager), null), config).statistics();
      // of 5 active tokens: one high (ρ 1.49, A > 0), one low (ρ 0.61, A < 0), one capped
      assertThat(stats.activeTokens()).isEqualTo(5);
      assertThat(stats.clipFracHigh()).isCloseTo(0.2, within(1e-9));
      assertThat(stats.clipFracLow()).isCloseTo(0.2, within(1e-9));
      assertThat(stats.clipFracRegion()).isCloseTo(0.4, within(1e-9));
      assertThat(stats.truncatedFraction()).isCloseTo(0.2, within(1e-9));
      double ratioSum =
          Math.exp(0.1) + Math.exp(0.4) + Math.exp(-0.5) + Math.exp(0.05) + Math.exp(1.5);
      assertThat(stats.meanRatio()).isCloseTo(ratioSum / 5, within(1e-5));
      assertThat(stats.meanKl()).isNaN(); // no reference given
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = LossAggregation.class,
      names = {"GRPO", "BNPO", "DR_GRPO", "DAPO"})
  void withLogpEqualToLogpOldTheGradientIsThePlainPolicyGradient(LossAggregation aggregation) {
    // μ = 1 (one pass, on-policy): ρ = 1, and d loss / d logp = -A / normaliser per active token
    double[][] normaliser = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        normaliser[i][t] =
            switch (aggregation) {
              case GRPO -> 2 * rowTokens(i); // 1/|o_i| then the mean over 2 sequences
              case BNPO -> 5; // active tokens of the batch
              case DR_GRPO -> 2 * MAX_COMPLETION_LENGTH;
              case DAPO -> DAPO_TOKENS;
              default -> throw new AssertionError(aggregation);
            };
      }
    }
    GrpoLossConfig config = GrpoLossConfig.defaults(aggregation, MAX_COMPLETION_LENGTH);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logp = manager.create(toFloat(LOGP_OLD));
      float[] gradient = gradient(manager, logp, null, ADVANTAGES, config);
      for (int i = 0; i < 2; i++) {
        for (int t = 0; t < 3; t++) {
          double expected = -ADVANTAGES[i] * MASK[i][t] / normaliser[i][t];
          assertThat((double) gradient[i * 3 + t])
              .as("d loss / d logp[%d][%d]", i, t)
              .isCloseTo(expected, within(1e-6));
        }
      }
    }
  }

  @Test
  void onPolicyTheMeanRatioIsOneAndNothingIsClipped() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logp = manager.create(toFloat(LOGP_OLD));
      GrpoLossStatistics stats =
          GrpoLoss.compute(
                  inputs(manager, logp, null),
                  GrpoLossConfig.defaults(LossAggregation.GRPO, MAX_COMPLETION_LENGTH))
              .statistics();
      assertThat(stats.meanRatio()).isEqualTo(1.0);
      assertThat(stats.clipFracRegion()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = LossAggregation.class,
      names = {"GRPO", "BNPO", "DR_GRPO", "DAPO"})
  void positiveBetaAddsTheK3KlAggregatedLikeTheLoss(LossAggregation aggregation) {
    double beta = 0.04;
    double[][] kl = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        double refMinusLogp = LOGP_REF[i][t] - (LOGP_OLD[i][t] + LOG_RATIO[i][t]);
        kl[i][t] = Math.exp(refMinusLogp) - refMinusLogp - 1;
      }
    }
    GrpoLossConfig withoutKl = new GrpoLossConfig(0.2, 0.28, 0.0, aggregation, 4, null);
    GrpoLossConfig withKl = new GrpoLossConfig(0.2, 0.28, beta, aggregation, 4, null);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray ref = manager.create(toFloat(LOGP_REF));
      double plain =
          GrpoLoss.compute(inputs(manager, logpFixture(manager), ref), withoutKl).loss().getFloat();
      GrpoLossResult penalised =
          GrpoLoss.compute(inputs(manager, logpFixture(manager), ref), withKl);
      assertThat((double) penalised.loss().getFloat())
          .isCloseTo(plain + beta * handAggregate(aggregation, kl), within(1e-5));
      double klMean = (kl[0][0] + kl[0][1] + kl[1][0] + kl[1][1] + kl[1][2]) / 5;
      assertThat(penalised.statistics().meanKl()).isCloseTo(klMean, within(1e-5));
    }
  }

  @Test
  void withLogpEqualToRefTheKlIsZeroAndChangesNeitherLossNorGradient() {
    GrpoLossConfig noKl = new GrpoLossConfig(0.2, 0.28, 0.0, LossAggregation.BNPO, 4, null);
    GrpoLossConfig kl = new GrpoLossConfig(0.2, 0.28, 0.1, LossAggregation.BNPO, 4, null);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray ref = logpFixture(manager);
      GrpoLossResult withKl = GrpoLoss.compute(inputs(manager, logpFixture(manager), ref), kl);
      GrpoLossResult without = GrpoLoss.compute(inputs(manager, logpFixture(manager), ref), noKl);
      assertThat(withKl.statistics().meanKl()).isCloseTo(0.0, within(1e-9));
      assertThat(withKl.loss().getFloat()).isCloseTo(without.loss().getFloat(), within(1e-7f));
      float[] gradientWith = gradient(manager, logpFixture(manager), ref, ADVANTAGES, kl);
      float[] gradientWithout = gradient(manager, logpFixture(manager), ref, ADVANTAGES, noKl);
      assertThat(gradientWith).containsExactly(gradientWithout, within(1e-6f));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = LossAggregation.class,
      names = {"GRPO", "BNPO", "DR_GRPO", "DAPO"})
  void zeroAdvantagesGiveZeroGradient(LossAggregation aggregation) {
    GrpoLossConfig config =
        new GrpoLossConfig(0.2, 0.28, 0.0, aggregation, 4, RolloutCorrection.dualClip(3.0));
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] gradient = gradient(manager, logpFixture(manager), null, new double[] {0, 0}, config);
      for (float g : gradient) {
        assertThat(g).isZero(); // -0.0 counts: no direction at all
      }
    }
  }

  @Test
  void rejectsMissingReferenceWhenBetaIsPositiveAndMismatchedShapes() {
    GrpoLossConfig kl = new GrpoLossConfig(0.2, 0.28, 0.1, LossAggregation.GRPO, 4, null);
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> GrpoLoss.compute(inputs(manager, logpFixture(manager), null), kl))
          .hasMessageContaining("logpRef: got null");
      LossInputs ragged =
          new LossInputs(
              logpFixture(manager),
              manager.zeros(new ai.djl.ndarray.types.Shape(2, 2)),
              null,
              manager.create(new float[] {1, -1}),
              manager.create(toFloat(MASK)),
              5);
      assertThatThrownBy(
              () -> GrpoLoss.compute(ragged, GrpoLossConfig.defaults(LossAggregation.GRPO, 4)))
          .hasMessageContaining("logpOld: got shape (2, 2), expected (2, 3)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = LossAggregation.class,
      names = {"GRPO", "BNPO", "DR_GRPO", "DAPO"})
  void anOverflowingRatioAtAPaddedOrCappedTokenLeavesTheGradientFinite(
      LossAggregation aggregation) {
    // log-ratio 100 (exp overflows float32) at the padding slot of row 0, and at a real token of
    // row 1 whose advantage is negative, where the ratio cap binds: the forward is finite either
    // way, and without a bound on the log-ratio the backward multiplies 0 by exp(100) = inf
    double[][] logRatio = {{0.1, 0.4, 100.0}, {-0.5, 100.0, 1.5}};
    double[][] logp = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        logp[i][t] = LOGP_OLD[i][t] + logRatio[i][t];
      }
    }
    GrpoLossConfig config =
        new GrpoLossConfig(0.2, 0.28, 0.0, aggregation, 4, RolloutCorrection.dualClip(3.0));
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] gradient = gradient(manager, manager.create(toFloat(logp)), null, ADVANTAGES, config);
      for (float g : gradient) {
        assertThat(Float.isFinite(g))
            .as("every gradient finite: %s", Arrays.toString(gradient))
            .isTrue();
      }
      // the padded slot and the capped token carry no gradient
      assertThat(gradient[2]).isZero();
      assertThat(gradient[4]).isZero();
    }
  }

  private static double handPerToken(
      double ratio, double advantage, double epsilonLow, double epsilonHigh, Double cap) {
    double clipped = Math.max(1 - epsilonLow, Math.min(1 + epsilonHigh, ratio));
    double unclipped = cap == null ? ratio : Math.min(ratio, cap);
    return -Math.min(unclipped * advantage, clipped * advantage);
  }

  private static double handAggregate(LossAggregation aggregation, double[][] perToken) {
    double total = 0;
    double tokens = 0;
    double meanOfSequenceMeans = 0;
    for (int i = 0; i < 2; i++) {
      double row = 0;
      for (int t = 0; t < 3; t++) {
        row += perToken[i][t] * MASK[i][t];
        tokens += MASK[i][t];
      }
      total += row;
      meanOfSequenceMeans += row / rowTokens(i) / 2;
    }
    return switch (aggregation) {
      case GRPO -> meanOfSequenceMeans;
      case BNPO -> total / tokens;
      case DR_GRPO -> total / (2.0 * MAX_COMPLETION_LENGTH);
      case DAPO -> total / DAPO_TOKENS;
      default -> throw new AssertionError(aggregation);
    };
  }

  private static double rowTokens(int row) {
    return MASK[row][0] + MASK[row][1] + MASK[row][2];
  }

  private static float[] gradient(
      NDManager manager, NDArray logp, NDArray ref, double[] advantages, GrpoLossConfig config) {
    logp.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      LossInputs in =
          new LossInputs(
              logp,
              manager.create(toFloat(LOGP_OLD)),
              ref,
              manager.create(toFloat(advantages)),
              manager.create(toFloat(MASK)),
              DAPO_TOKENS);
      collector.backward(GrpoLoss.compute(in, config).loss());
    }
    try (NDArray gradient = logp.getGradient()) {
      return gradient.toFloatArray();
    }
  }

  private static NDArray logpFixture(NDManager manager) {
    double[][] logp = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 3; t++) {
        logp[i][t] = LOGP_OLD[i][t] + LOG_RATIO[i][t];
      }
    }
    return manager.create(toFloat(logp));
  }

  private static LossInputs inputs(NDManager manager, NDArray logp, NDArray ref) {
    return new LossInputs(
        logp,
        manager.create(toFloat(LOGP_OLD)),
        ref,
        manager.create(toFloat(ADVANTAGES)),
        manager.create(toFloat(MASK)),
        DAPO_TOKENS);
  }

  private static float[][] toFloat(double[][] values) {
    float[][] out = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = toFloat(values[i]);
    }
    return out;
  }

  private static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
