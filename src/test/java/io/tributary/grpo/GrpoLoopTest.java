package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The single-machine loop never trains a group a reward function failed on (it counts it and says
 * why), and reports no metric it did not compute: no KL without a reference model.
 */
class GrpoLoopTest {
  /** Scores the digit share, but crashes on every completion of the prompt "2+3=". */
  static RewardScorer crashingOnOnePrompt() {
    return new RewardScorer(
        List.of(
            new RewardScorer.WeightedReward(
                "fragile",
                r -> {
                  if (r.prompt().equals("2+3=")) {
                    throw new IllegalStateException("cannot grade 2+3=");
                  }
                  return RewardResult.score(GrpoTrainerTest.digitShare(r.completion()));
                },
                1.0,
                Duration.ofSeconds(5))),
        1);
  }

  @Test
  void aGroupARewardFailedOnIsCountedWithItsReasonAndNotTrained() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 11);
        RewardScorer scorer = crashingOnOnePrompt()) {
      GrpoTrainer trainer =
          new GrpoTrainer(
              policy,
              null,
              GrpoTrainerTest.config(0, 1, 1),
              GrpoTrainerTest.sampling(),
              GrpoTrainerTest.TOKENIZER.pad());
      GrpoLoop loop =
          new GrpoLoop(
              policy,
              new GroupSampler(GrpoTrainerTest.TOKENIZER, scorer, GrpoTrainerTest.sampling(), 4, 7),
              trainer,
              new PromptStream(GrpoTrainerTest.prompts(), 5));

      Map<String, Object> m = loop.runStep();

      assertThat(m).containsEntry("groups_unscored", 1).containsEntry("groups_sampled", 3);
      assertThat(m.get("groups_kept")).isEqualTo(3);
      assertThat(m.get("unscored_reasons"))
          .asList()
          .singleElement()
          .asString()
          .contains("group p1", "reward 'fragile'", "IllegalStateException: cannot grade 2+3=");
      assertThat(loop.unscoredGroups()).isEqualTo(1);
      assertThat(m).containsKey("loss");
      assertThat(m).as("beta = 0: the KL was not computed").doesNotContainKey("kl");
    }
  }

  @Test
  void theTrainerRefusesAGroupThatIsNotScored() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 12);
        RewardScorer scorer = crashingOnOnePrompt()) {
      GrpoTrainer trainer =
          new GrpoTrainer(
              policy,
              null,
              GrpoTrainerTest.config(0, 1, 1),
              GrpoTrainerTest.sampling(),
              GrpoTrainerTest.TOKENIZER.pad());
      List<RolloutGroup> groups = GrpoTrainerTest.sample(policy, scorer);
      RolloutGroup unscored = groups.get(1);

      assertThat(unscored.isScored()).isFalse();
      assertThat(unscored.scoringFailure()).startsWith("member 0: reward 'fragile'");
      assertThatThrownBy(() -> trainer.update(groups))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("group p1 is not scored and cannot be trained");
      assertThatThrownBy(unscored::totals).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void withAReferenceModelTheKlIsReported() {
    try (PolicyModel policy = PolicyModel.create(GrpoTrainerTest.tiny(), 13);
        PolicyModel reference = PolicyModel.create(GrpoTrainerTest.tiny(), 13);
        RewardScorer scorer = GrpoTrainerTest.scorer(GrpoTrainerTest::digitShare)) {
      GrpoLoop loop =
          new GrpoLoop(
              policy,
              new GroupSampler(GrpoTrainerTest.TOKENIZER, scorer, GrpoTrainerTest.sampling(), 4, 7),
              new GrpoTrainer(
                  policy,
                  reference,
                  GrpoTrainerTest.config(0.1, 1, 1),
                  GrpoTrainerTest.sampling(),
                  GrpoTrainerTest.TOKENIZER.pad()),
              new PromptStream(GrpoTrainerTest.prompts(), 5));

      Map<String, Object> m = loop.runStep();

      assertThat(m.get("kl")).isInstanceOf(Double.class);
      assertThat(m).containsEntry("groups_unscored", 0).doesNotContainKey("unscored_reasons");
    }
  }
}
