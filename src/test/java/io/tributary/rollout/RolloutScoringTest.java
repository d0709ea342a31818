package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.Completion;
import io.tributary.model.FinishReason;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardResult;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardScorer.WeightedReward;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scoring a sampled group: a group whose members all have a total goes on to the sink; a group a
 * reward function threw or timed out on becomes a dead letter about its prompt, naming the function
 * and its error, and none of its members go on.
 */
class RolloutScoringTest {
  static final InputOrigin ORIGIN = InputOrigin.topic("run.prompts", 2, 41);
  static final Duration GENEROUS = Duration.ofSeconds(5);

  static SampledGroup group(String... completions) {
    PromptMessage prompt = new PromptMessage("q7", "1+1=", "arithmetic", "2", Map.of("n", "7"), 1);
    ValidPrompt valid = new ValidPrompt(ORIGIN, prompt, new int[] {1, 2, 3}, ORIGIN.groupId("q7"));
    List<Completion> samples = new ArrayList<>();
    for (String c : completions) {
      samples.add(new Completion(new int[] {4}, new float[] {-0.1f}, FinishReason.STOP));
    }
    return new SampledGroup(valid, 3, samples, List.of(completions), 100);
  }

  static ScoringOutcome score(RolloutScoring scoring, SampledGroup group) {
    return scoring.score(
        group, SamplingConfig.defaults().withGroupSize(group.completions().size()), 200);
  }

  /** Throws on "<crash>" completions, the first {@code times} calls only; scores 1 for a "2". */
  static RewardFunction crashing(int times, AtomicInteger calls) {
    return r -> {
      if (r.completion().contains("<crash>") && calls.incrementAndGet() <= times) {
        throw new IllegalStateException("grader crashed");
      }
      return RewardResult.score(r.completion().contains("2") ? 1.0 : 0.0);
    };
  }

  static RolloutScoring scoring(RewardFunction f, Duration timeout, int rescoreAttempts) {
    return new RolloutScoring(
        new RewardScorer(
            List.of(
                new WeightedReward("grader", f, 1.0, timeout),
                new WeightedReward("steady", r -> RewardResult.score(0.5), 1.0, GENEROUS)),
            2,
            rescoreAttempts));
  }

  @Test
  void aScoredGroupGoesOnWithEveryMembersTotal() {
    try (RolloutScoring scoring = scoring(crashing(0, new AtomicInteger()), GENEROUS, 0)) {
      ScoringOutcome outcome = score(scoring, group("2", "3"));

      assertThat(outcome).isInstanceOf(ScoringOutcome.Scored.class);
      assertThat(((ScoringOutcome.Scored) outcome).group().totals()).containsExactly(1.5, 0.5);
    }
  }

  @Test
  void aRewardThatThrowsOnOneMemberDeadLettersTheGroupNamingTheFunctionAndWhy() {
    try (RolloutScoring scoring = scoring(crashing(99, new AtomicInteger()), GENEROUS, 0)) {
      ScoringOutcome outcome = score(scoring, group("2", "2 <crash>", "3"));

      assertThat(outcome).isInstanceOf(ScoringOutcome.Unscored.class);
      DeadLetter letter = ((ScoringOutcome.Unscored) outcome).letter();
      // about the prompt, so the feeder frees its slot like any other dead-lettered prompt
      assertThat(letter.source()).isEqualTo("run.prompts");
      assertThat(letter.partition()).isEqualTo(2);
      assertThat(letter.position()).isEqualTo(41);
      assertThat(letter.timestampMillis()).isEqualTo(200);
      assertThat(letter.reason())
          .contains(
              "group q7@p2o41",
              "not scored",
              "member 1: reward 'grader': IllegalStateException: grader crashed",
              "not trained")
          .doesNotContain("member 0", "member 2", "rescoring");
      ScoredGroup payload = read(letter);
      assertThat(payload.groupId()).isEqualTo("q7@p2o41");
      assertThat(payload.policyVersion()).isEqualTo(3);
      assertThat(payload.members())
          .extracting(ScoredGroup.Member::completion)
          .containsExactly("2", "2 <crash>", "3");
      assertThat(payload.members().get(1).totalReward()).isNaN();
      assertThat(payload.members().get(1).rewardErrors()).containsOnlyKeys("grader");
      assertThat(payload.members().get(1).rewards())
          .containsEntry("steady", 0.5)
          .containsEntry("grader", null);
      assertThat(payload.members().get(0).rewardErrors()).isEmpty();
      assertThat(scoring.unscoredGroups()).isEqualTo(1);
    }
  }

  @Test
  void aRewardThatTimesOutOnOneMemberDeadLettersTheGroupToo() {
    RewardFunction slow =
        r -> {
          if (r.completion().contains("<slow>")) {
            try {
              Thread.sleep(10_000);
            } catch (InterruptedException e) {
              throw new IllegalStateException("interrupted", e);
            }
          }
          return RewardResult.score(1.0);
        };
    try (RolloutScoring scoring = scoring(slow, Duration.ofMillis(150), 0)) {
      ScoringOutcome outcome = score(scoring, group("2 <slow>", "3"));

      assertThat(outcome).isInstanceOf(ScoringOutcome.Unscored.class);
      assertThat(((ScoringOutcome.Unscored) outcome).letter().reason())
          .contains("member 0: reward 'grader': timed out after 150 ms");
      assertThat(scoring.scorer().metrics().counts("grader").timeouts()).isEqualTo(1);
    }
  }

  @Test
  void withRescoringAFunctionThatFailsOnceScoresTheGroupOnItsSecondAttempt() {
    AtomicInteger calls = new AtomicInteger();
    try (RolloutScoring scoring = scoring(crashing(1, calls), GENEROUS, 1)) {
      ScoringOutcome outcome = score(scoring, group("2 <crash>", "3"));

      assertThat(outcome).isInstanceOf(ScoringOutcome.Scored.class);
      assertThat(((ScoringOutcome.Scored) outcome).group().totals()).containsExactly(1.5, 0.5);
      assertThat(calls).hasValue(2);
      assertThat(scoring.scorer().metrics().rescores("grader")).isEqualTo(1);
      assertThat(scoring.unscoredGroups()).isZero();
    }
  }

  @Test
  void aGroupStillFailingAfterItsRescoringAttemptsIsDeadLetteredSayingSo() {
    try (RolloutScoring scoring = scoring(crashing(99, new AtomicInteger()), GENEROUS, 2)) {
      ScoringOutcome outcome = score(scoring, group("2 <crash>", "3"));

      assertThat(((ScoringOutcome.Unscored) outcome).letter().reason())
          .contains("member 0: reward 'grader'", "still failing after 2 rescoring attempts");
    }
  }

  static ScoredGroup read(DeadLetter letter) {
    return MessageCodec.decode(letter.payload(), ScoredGroup.class);
  }
}
