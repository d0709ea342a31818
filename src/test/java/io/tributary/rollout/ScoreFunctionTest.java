package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.messages.DeadLetter;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.reward.RewardsConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout job's scoring operator in Flink's operator harness, configured as a user would (a
 * reward plug-in named in the rewards config, which travels to the operator as YAML): a group that
 * a reward throws or times out on leaves through the job's dead-letter side output and none of its
 * members reach the sink, so it is never trained; with {@code onError: rescore} a function that
 * fails once scores the group on its second attempt and the group goes on.
 */
class ScoreFunctionTest {
  @TempDir Path dir;

  RewardsConfig config(String crashing, String more) {
    return RewardsConfig.parse(
        "rewards:\n  - {name: crashing, weight: 1.0, " + crashing + "}\nthreads: 1\n" + more,
        "test.yaml");
  }

  /** Runs the operator on the groups; returns what went on and what was dead-lettered. */
  record Run(List<ScoredGroup> groups, List<DeadLetter> letters) {
    /** Every member that went on, in order. */
    List<ScoredGroup.Member> members() {
      return groups.stream().flatMap(g -> g.members().stream()).toList();
    }
  }

  Run run(RewardsConfig config, SampledGroup... groups) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(CrashingReward.classLoader(dir));
    try (OneInputStreamOperatorTestHarness<SampledGroup, ScoredGroup> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new ScoreFunction(
                config, SamplingConfig.defaults().withGroupSize(2), RolloutJob.DEAD_LETTERS))) {
      for (SampledGroup group : groups) {
        harness.processElement(group, 0);
      }
      var side = harness.getSideOutput(RolloutJob.DEAD_LETTERS);
      return new Run(
          harness.extractOutputValues(),
          side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList());
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void aGroupARewardThrowsOnGoesToTheDeadLettersAndNoneOfItsMembersGoOn() throws Exception {
    Run run =
        run(
            config("params: {marker: '<crash>'}", ""),
            RolloutScoringTest.group("2", "3"),
            RolloutScoringTest.group("2", "2 <crash>"));

    assertThat(run.members())
        .extracting(ScoredGroup.Member::totalReward)
        .as("only the first group, whole")
        .containsExactly(1.0, 0.0);
    assertThat(run.letters()).hasSize(1);
    assertThat(run.letters().get(0).reason())
        .contains("member 1: reward 'crashing': IllegalStateException: grader crashed");
    assertThat(run.letters().get(0).source()).isEqualTo(RolloutScoringTest.ORIGIN.source());
  }

  @Test
  void aGroupARewardTimesOutOnGoesToTheDeadLetters() throws Exception {
    Run run =
        run(
            config("timeoutMs: 200, params: {marker: '<slow>', sleepMs: 10000}", ""),
            RolloutScoringTest.group("2 <slow>", "3"));

    assertThat(run.members()).isEmpty();
    assertThat(run.letters())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.reason())
                    .contains("member 0: reward 'crashing': timed out after 200 ms"));
  }

  @Test
  void withRescoringAFunctionThatFailsOnceLetsTheGroupGoOn() throws Exception {
    Run run =
        run(
            config("params: {marker: '<crash>', failures: 1}", "onError: rescore\n"),
            RolloutScoringTest.group("2 <crash>", "3"));

    assertThat(run.letters()).isEmpty();
    assertThat(run.members()).extracting(ScoredGroup.Member::totalReward).containsExactly(1.0, 0.0);
    assertThat(run.members()).allSatisfy(m -> assertThat(m.rewardErrors()).isEmpty());
  }
}
