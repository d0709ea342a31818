package io.tributary.grpo;

import static io.tributary.grpo.GrpoTrainerTest.TOKENIZER;
import static io.tributary.grpo.GrpoTrainerTest.sample;
import static io.tributary.grpo.GrpoTrainerTest.sampling;
import static io.tributary.grpo.GrpoTrainerTest.scorer;
import static io.tributary.grpo.GrpoTrainerTest.snapshot;
import static io.tributary.grpo.GrpoTrainerTest.tiny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tributary.config.Yaml;
import io.tributary.model.Completion;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardScorer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer's side of the rollout correction and the mismatch metrics, on a tiny model whose
 * rollouts the learner scores against the sampler's recorded log-probs.
 */
class OffPolicyTrainerTest {

  @Test
  void freshRolloutsShowTheMismatchFloorInBucketZeroAndNoCorrectionShares() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 11);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer = trainer(policy, 1, 1, null);
      List<RolloutGroup> groups = sample(policy, scorer); // sampled by version 0

      UpdateStats stats = trainer.update(groups, 0);

      PolicyMismatch.Summary s0 = stats.mismatch().get(StalenessBucket.S0);
      assertThat(stats.mismatch()).containsOnlyKeys(StalenessBucket.S0);
      assertThat(s0.tokens()).isEqualTo(completionTokens(groups));
      // the KV-cache sampler and the full-forward learner differ only by rounding
      assertThat(s0.logProbAbsMax()).isLessThan(1e-3);
      assertThat(s0.k3Kl()).isLessThan(1e-6);
      assertThat(stats.truncatedFraction()).isEmpty();
      assertThat(stats.maskedFraction()).isEmpty();
      assertThat(stats.offPolicyMetrics())
          .containsKeys("mismatch/s0/tokens", "mismatch/s0/logp_abs_mean", "mismatch/s0/k3_kl")
          .doesNotContainKeys(
              "mismatch/s1/tokens", "correction_truncated_frac", "mismatch/s0/routing_diff");
    }
  }

  @Test
  void withoutTheLearnersVersionTheMismatchIsNotReported() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 12);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      UpdateStats stats = trainer(policy, 1, 1, null).update(sample(policy, scorer));

      assertThat(stats.mismatch()).isEmpty();
    }
  }

  @Test
  void withoutAProximalForwardOnlyTheFirstMiniBatchIsMeasuredBeforeTheUpdate() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 13);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = sample(policy, scorer);

      UpdateStats stats = trainer(policy, 2, 2, null).update(groups, 1);

      long measured = stats.mismatch().get(StalenessBucket.S1).tokens();
      assertThat(measured).isPositive().isLessThan(completionTokens(groups));
    }
  }

  @Test
  void theDecoupledCorrectionTruncatesTheBehaviourRatioOfStaleRollouts() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 14);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      // a behaviour policy that gave every sampled token e times less probability than the
      // learner's proximal policy: w = e > cap 2 on every token
      List<RolloutGroup> groups = shiftBehaviour(sample(policy, scorer), -1f);
      GrpoTrainer trainer =
          trainer(policy, 2, 2, "{mode: decoupled, importanceSampling: token, cap: 2.0}");
      List<float[]> before = snapshot(policy);

      UpdateStats stats = trainer.update(groups, 2);

      assertThat(stats.optimizerSteps()).isEqualTo(4);
      assertThat(stats.truncatedFraction()).hasValue(1.0);
      assertThat(stats.maskedFraction()).isEmpty();
      // the proximal forward measures every row before the first step
      PolicyMismatch.Summary s2 = stats.mismatch().get(StalenessBucket.S2);
      assertThat(s2.tokens()).isEqualTo(completionTokens(groups));
      assertThat(s2.logProbAbsMean()).isCloseTo(1.0, within(1e-3));
      assertThat(snapshot(policy).get(0)).isNotEqualTo(before.get(0));
    }
  }

  @Test
  void decoupledMaskingDropsEveryTokenWhoseBehaviourRatioLeavesTheCap() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 15);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      List<RolloutGroup> groups = shiftBehaviour(sample(policy, scorer), 1f); // w = 1/e
      GrpoTrainer trainer = trainer(policy, 1, 1, "{mode: decoupled, mask: token, cap: 2.0}");

      UpdateStats stats = trainer.update(groups, 0);

      assertThat(stats.maskedFraction()).hasValue(1.0);
      assertThat(stats.gradNorm()).isZero(); // nothing left to learn from
    }
  }

  private static GrpoTrainer trainer(
      PolicyModel policy, int iterations, int miniBatches, String correction) {
    String yaml =
        "sampling: {groupSize: 4, maxNewTokens: 10}\npromptsPerStep: 4\ndynamicSampling: false\n"
            + "maxSamplingRounds: 1\nseed: 3\n"
            + ("numIterations: " + iterations + "\nminiBatches: " + miniBatches + "\n")
            + "optimizer: {learningRate: 1.0e-2, minLearningRate: 1.0e-2, warmupSteps: 0,"
            + " totalSteps: 100, weightDecay: 0.0, maxGradNorm: 1.0}\n"
            + (correction == null ? "" : "rolloutCorrection: " + correction + "\n");
    GrpoConfig config = Yaml.read(yaml, GrpoConfig.class, "grpo.yaml");
    return new GrpoTrainer(policy, null, config, sampling(), TOKENIZER.pad());
  }

  private static long completionTokens(List<RolloutGroup> groups) {
    return groups.stream()
        .flatMap(g -> g.completions().stream())
        .mapToLong(Completion::length)
        .sum();
  }

  /** The same groups as if sampled by a policy whose log-probs were {@code shift} higher. */
  private static List<RolloutGroup> shiftBehaviour(List<RolloutGroup> groups, float shift) {
    List<RolloutGroup> out = new ArrayList<>();
    for (RolloutGroup g : groups) {
      List<Completion> shifted = new ArrayList<>();
      for (Completion c : g.completions()) {
        float[] logProbs = c.logProbs().clone();
        for (int t = 0; t < logProbs.length; t++) {
          logProbs[t] += shift;
        }
        shifted.add(new Completion(c.tokens(), logProbs, c.finishReason()));
      }
      out.add(
          new RolloutGroup(
              g.promptId(),
              g.promptTokens(),
              shifted,
              g.texts(),
              g.scores(),
              g.policyVersion(),
              g.weight()));
    }
    return out;
  }
}
