package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.model.TinyModels;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RolloutScores;
import io.tributary.tasks.TaskPrompt;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.train.OptimizerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class GrpoTrainerTest {
  static final CharTokenizer TOKENIZER = new CharTokenizer();

  static ModelConfig tiny() {
    return TinyModels.forCharTokenizer().toBuilder().balanceLossWeight(0.0).build();
  }

  static GrpoConfig config(double beta, int iterations, int miniBatches) {
    return new GrpoConfig(
        new SamplingConfig(4, 1.0, 1.0, 0, 10, null),
        4,
        0.2,
        0.28,
        beta,
        LossAggregation.DAPO,
        AdvantageScaling.GROUP,
        iterations,
        miniBatches,
        false,
        1,
        false,
        0,
        null,
        new OptimizerConfig(1e-2, 1e-2, 0, 100, null, null, null, 0.0, 1.0),
        3L);
  }

  static List<TaskPrompt> prompts() {
    List<TaskPrompt> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      out.add(
          new TaskPrompt(
              "p" + i,
              (i + 1) + "+" + (i + 2) + "=",
              String.valueOf(2 * i + 3),
              "arithmetic",
              Map.of()));
    }
    return out;
  }

  /** A reward that varies within each group: the fraction of digits in the completion. */
  static RewardScorer scorer(ToDoubleFunction<String> reward) {
    return new RewardScorer(
        List.of(
            new RewardScorer.WeightedReward(
                "test",
                r -> RewardResult.score(reward.applyAsDouble(r.completion())),
                1.0,
                Duration.ofSeconds(5))),
        1);
  }

  static double digitShare(String text) {
    return text.isEmpty()
        ? 0
        : text.chars().filter(Character::isDigit).count() / (double) text.length();
  }

  static SamplingParams sampling() {
    return SamplingParams.of(TOKENIZER, 1.0, 10);
  }

  static List<RolloutGroup> sample(PolicyModel policy, RewardScorer scorer) {
    return new GroupSampler(TOKENIZER, scorer, sampling(), 4, 7).sample(policy, prompts(), 0, 0);
  }

  @Test
  void withOnePassTheRatioIsOneBecauseTheLearnerRecomputesTheSamplersLogProbs() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 1);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer =
          new GrpoTrainer(policy, null, config(0, 1, 1), sampling(), TOKENIZER.pad());
      UpdateStats stats = trainer.update(sample(policy, scorer));
      assertThat(stats.meanRatio()).isCloseTo(1.0, within(1e-4));
      assertThat(stats.clipFracRegion()).isZero();
      assertThat(stats.optimizerSteps()).isEqualTo(1);
    }
  }

  @Test
  void oneGrpoStepChangesEveryTrainableParameter() {
    assertOneStepChangesEveryTrainableParameter(tiny());
  }

  @Test
  void oneGrpoStepChangesEveryTrainableParameterWithEveryHuggingFaceOption() {
    assertOneStepChangesEveryTrainableParameter(
        TinyModels.forCharTokenizerWithHfOptions().toBuilder().balanceLossWeight(0.0).build());
  }

  @Test
  void oneGrpoStepChangesEveryTrainableParameterOfADeepSeekV3WithLatentAttention() {
    assertOneStepChangesEveryTrainableParameter(TinyModels.forCharTokenizerWithDeepSeekV3Options());
  }

  static void assertOneStepChangesEveryTrainableParameter(ModelConfig config) {
    try (PolicyModel policy = PolicyModel.create(config, 2);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer =
          new GrpoTrainer(policy, null, config(0, 1, 1), sampling(), TOKENIZER.pad());
      List<RolloutGroup> groups = sample(policy, scorer);
      List<float[]> before = snapshot(policy);
      trainer.update(groups);
      List<float[]> after = snapshot(policy);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i))
            .as(policy.trainableParameters().get(i).getKey())
            .isNotEqualTo(before.get(i));
      }
    }
  }

  @Test
  void zeroVarianceGroupsGiveZeroGradientAndLeaveTheWeights() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 3);
        RewardScorer scorer = scorer(text -> 1.0)) {
      GrpoTrainer trainer =
          new GrpoTrainer(policy, null, config(0, 1, 1), sampling(), TOKENIZER.pad());
      List<RolloutGroup> groups = sample(policy, scorer);
      assertThat(trainer.advantages(groups).fracRewardZeroStd()).isEqualTo(1.0);
      List<float[]> before = snapshot(policy);
      UpdateStats stats = trainer.update(groups);
      assertThat(stats.gradNorm()).isZero();
      List<float[]> after = snapshot(policy);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).containsExactly(before.get(i));
      }
    }
  }

  @Test
  void aNanRewardSkipsTheUpdateAndLeavesTheWeightsUnchanged() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 4);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer =
          new GrpoTrainer(policy, null, config(0, 1, 1), sampling(), TOKENIZER.pad());
      List<RolloutGroup> groups = new ArrayList<>(sample(policy, scorer));
      RolloutGroup first = groups.get(0);
      List<RolloutScores> scores = new ArrayList<>(first.scores());
      RolloutScores s = scores.get(0);
      scores.set(
          0, new RolloutScores(s.rollout(), s.scores(), s.notApplicable(), s.errors(), Double.NaN));
      groups.set(
          0,
          new RolloutGroup(
              first.promptId(),
              first.promptTokens(),
              first.completions(),
              first.texts(),
              scores,
              0,
              1.0));
      List<float[]> before = snapshot(policy);
      UpdateStats stats = trainer.update(groups);
      assertThat(stats.skippedSteps()).isEqualTo(1);
      assertThat(trainer.skippedUpdates()).isEqualTo(1);
      List<float[]> after = snapshot(policy);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).containsExactly(before.get(i));
      }
    }
  }

  @Test
  void aBatchWhoseCompletionsWereAllTruncatedAndMaskedLeavesTheWeightsUnchanged() {
    GrpoConfig masking =
        new GrpoConfig(
            new SamplingConfig(4, 1.0, 1.0, 0, 10, null),
            4,
            0.2,
            0.28,
            0.0,
            LossAggregation.DAPO,
            AdvantageScaling.GROUP,
            1,
            2,
            false,
            1,
            true, // maskTruncated
            0,
            null,
            new OptimizerConfig(1e-2, 1e-2, 0, 100, null, null, null, 0.1, 1.0),
            3L);
    try (PolicyModel policy = PolicyModel.create(tiny(), 4);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer = new GrpoTrainer(policy, null, masking, sampling(), TOKENIZER.pad());
      List<RolloutGroup> truncated = new ArrayList<>();
      for (RolloutGroup g : sample(policy, scorer)) {
        List<io.tributary.model.Completion> cut = new ArrayList<>();
        for (io.tributary.model.Completion c : g.completions()) {
          cut.add(
              new io.tributary.model.Completion(
                  c.tokens(), c.logProbs(), io.tributary.model.FinishReason.LENGTH));
        }
        truncated.add(
            new RolloutGroup(
                g.promptId(),
                g.promptTokens(),
                cut,
                g.texts(),
                g.scores(),
                g.policyVersion(),
                g.weight()));
      }
      List<float[]> before = snapshot(policy);

      trainer.update(truncated);

      assertThat(trainer.skippedUpdates()).isEqualTo(2);
      List<float[]> after = snapshot(policy);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).containsExactly(before.get(i));
      }
    }
  }

  @Test
  void withBetaAboveZeroTheKlToTheReferenceStartsAtZeroAndGrowsAsThePolicyMoves() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 5);
        PolicyModel reference = PolicyModel.create(tiny(), 5);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer =
          new GrpoTrainer(policy, reference, config(0.1, 1, 1), sampling(), TOKENIZER.pad());
      UpdateStats first = trainer.update(sample(policy, scorer));
      double firstKl = first.kl().orElseThrow();
      assertThat(firstKl).isGreaterThanOrEqualTo(0).isLessThan(1e-6); // measured before the step
      UpdateStats later = null;
      for (int i = 0; i < 3; i++) {
        later = trainer.update(sample(policy, scorer));
      }
      assertThat(later.kl().orElseThrow()).isGreaterThan(firstKl);
    }
  }

  @Test
  void severalPassesInMiniBatchesMakeOneOptimizerStepEachAndClipOnceThePolicyMoved() {
    try (PolicyModel policy = PolicyModel.create(tiny(), 6);
        RewardScorer scorer = scorer(GrpoTrainerTest::digitShare)) {
      GrpoTrainer trainer =
          new GrpoTrainer(policy, null, config(0, 3, 2), sampling(), TOKENIZER.pad());
      UpdateStats stats = trainer.update(sample(policy, scorer));
      assertThat(stats.optimizerSteps()).isEqualTo(6); // μ = 3 passes x 2 mini-batches
      assertThat(stats.meanRatio()).isNotCloseTo(1.0, within(1e-6)); // later passes are off-policy
    }
  }

  static List<float[]> snapshot(PolicyModel model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.trainableParameters()) {
      NDArray a = p.getValue().getArray();
      out.add(a.toFloatArray());
    }
    return out;
  }
}
