package io.tributary.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.reward.RewardScorer.WeightedReward;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RewardScorerTest {
  private static final Duration SHORT = Duration.ofMillis(200);
  private static final Duration GENEROUS = Duration.ofSeconds(5);

  static Rollout answering(String answer) {
    return Rollout.of(
        "What is 6*7?",
        "<think>\nok\n</think>\n<answer>\n" + answer + "\n</answer>",
        Map.of("answer", "42"));
  }

  static WeightedReward reward(String name, RewardFunction f, double weight, Duration timeout) {
    return new WeightedReward(name, f, weight, timeout);
  }

  @Test
  void totalIsTheWeightedSumOfScores() {
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("accuracy", Rewards.accuracy(), 1.0, GENEROUS),
                reward("format", Rewards.format(), 0.5, GENEROUS)),
            2)) {
      List<RolloutScores> scores = scorer.scoreGroup(List.of(answering("42"), answering("41")));

      assertThat(scores.get(0).scores())
          .containsEntry("accuracy", 1.0)
          .containsEntry("format", 1.0);
      assertThat(scores.get(0).total()).hasValue(1.5);
      assertThat(scores.get(1).total()).hasValue(0.5);
      assertThat(scores.get(1).rollout()).isEqualTo(answering("41"));
    }
  }

  @Test
  void notApplicableFunctionsAreLeftOutOfTheTotalWithoutRenormalising() {
    Rollout noGold = Rollout.of("q", "<think>\nok\n</think>\n<answer>\n42\n</answer>", Map.of());
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("accuracy", Rewards.accuracy(), 2.0, GENEROUS),
                reward("format", Rewards.format(), 0.5, GENEROUS)),
            1)) {
      RolloutScores scores = scorer.score(noGold);

      assertThat(scores.scores()).containsEntry("accuracy", null).containsEntry("format", 1.0);
      assertThat(scores.notApplicable()).containsKey("accuracy");
      assertThat(scores.errors()).isEmpty();
      assertThat(scores.total()).hasValue(0.5);
      assertThat(scorer.metrics().counts("accuracy"))
          .isEqualTo(new RewardMetrics.Counts(0, 1, 0, 0));
    }
  }

  @Test
  void aRolloutWhereNothingAppliesTotalsZero() {
    try (RewardScorer scorer =
        new RewardScorer(List.of(reward("accuracy", Rewards.accuracy(), 1.0, GENEROUS)), 1)) {
      RolloutScores scores = scorer.score(Rollout.of("q", "42", Map.of()));

      assertThat(scores.total()).hasValue(0.0);
      assertThat(scores.scoredCount()).isZero();
    }
  }

  @Test
  void anExceptionFailsOnlyThatFunctionOnThatRollout() {
    RewardFunction fragile =
        r -> {
          if (r.completion().contains("41")) {
            throw new IllegalStateException("cannot grade 41");
          }
          return RewardResult.score(1.0);
        };
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("fragile", fragile, 1.0, GENEROUS),
                reward("format", Rewards.format(), 1.0, GENEROUS)),
            2)) {
      List<RolloutScores> scores =
          scorer.scoreGroup(List.of(answering("42"), answering("41"), answering("40")));

      assertThat(scores).hasSize(3);
      assertThat(scores.get(1).errors())
          .containsEntry("fragile", "IllegalStateException: cannot grade 41");
      assertThat(scores.get(1).scores())
          .containsEntry("fragile", null)
          .containsEntry("format", 1.0);
      // a failed function leaves the rollout without a total: it is not a 0
      assertThat(scores.get(1).total()).isEmpty();
      assertThat(scores.get(1).isScored()).isFalse();
      assertThat(scores.get(0).errors()).isEmpty();
      assertThat(scores.get(2).total()).hasValue(2.0);
      assertThat(scorer.metrics().counts("fragile"))
          .isEqualTo(new RewardMetrics.Counts(2, 0, 1, 0));
    }
  }

  @Test
  void aSlowFunctionTimesOutAndTheOthersStillScore() {
    RewardFunction sleepy =
        r -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted", e);
          }
          return RewardResult.score(1.0);
        };
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("sleepy", sleepy, 1.0, SHORT),
                reward("format", Rewards.format(), 1.0, GENEROUS)),
            2)) {
      long start = System.nanoTime();
      RolloutScores scores = scorer.score(answering("42"));
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(scores.errors()).containsEntry("sleepy", "timed out after 200 ms");
      assertThat(scores.total()).isEmpty();
      assertThat(scores.scores()).containsEntry("format", 1.0);
      assertThat(elapsedMs).isLessThan(3000);
      assertThat(scorer.metrics().counts("sleepy")).isEqualTo(new RewardMetrics.Counts(0, 0, 0, 1));
    }
  }

  @Test
  void aFunctionThatIgnoresInterruptionDoesNotStarveTheScorer() {
    AtomicBoolean release = new AtomicBoolean();
    RewardFunction stubborn =
        r -> {
          while (!release.get()) {
            Thread.onSpinWait(); // ignores the interrupt on purpose
          }
          return RewardResult.score(1.0);
        };
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("stubborn", stubborn, 1.0, Duration.ofMillis(100)),
                reward("format", Rewards.format(), 1.0, GENEROUS)),
            1)) {
      RolloutScores first = scorer.score(answering("42"));
      // the only worker still spins; the pool has grown so that scoring goes on
      RolloutScores second = scorer.score(answering("42"));

      assertThat(first.errors()).containsKey("stubborn");
      assertThat(second.errors()).containsKey("stubborn");
      assertThat(second.scores()).containsEntry("format", 1.0);
      assertThat(scorer.metrics().counts("stubborn").timeouts()).isEqualTo(2);
      assertThat(scorer.overrunningCalls()).isEqualTo(2);
    } finally {
      release.set(true);
    }
  }

  /** A group reward that fails fails for every rollout of the group. */
  @Test
  void aFailingGroupFunctionFailsTheWholeGroupForThatFunctionOnly() {
    GroupRewardFunction broken =
        group -> {
          throw new IllegalArgumentException("model not loaded");
        };
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("model", broken, 1.0, GENEROUS),
                reward("accuracy", Rewards.accuracy(), 1.0, GENEROUS)),
            2)) {
      List<RolloutScores> scores = scorer.scoreGroup(List.of(answering("42"), answering("41")));

      assertThat(scores)
          .allSatisfy(
              s ->
                  assertThat(s.errors())
                      .containsEntry("model", "IllegalArgumentException: model not loaded"));
      assertThat(scores).allSatisfy(s -> assertThat(s.total()).isEmpty());
      assertThat(scores.get(0).scores()).containsEntry("accuracy", 1.0);
      assertThat(scorer.metrics().counts("model").errors()).isEqualTo(2);
    }
  }

  record Invalid(String name, RewardFunction function, String errorPart) {}

  @Test
  void invalidResultsAreErrorsNamingTheProblem() {
    List<Invalid> table =
        List.of(
            // NaN would poison the group's advantages
            new Invalid("nan", r -> RewardResult.score(Double.NaN), "non-finite score NaN"),
            // null is neither a score nor not-applicable
            new Invalid("null", r -> null, "returned null"),
            // a group reward must return one result per rollout
            new Invalid(
                "short",
                (GroupRewardFunction) g -> List.of(RewardResult.score(1)),
                "returned 1 results for 2 rollouts"));
    for (Invalid c : table) {
      try (RewardScorer scorer =
          new RewardScorer(List.of(reward(c.name(), c.function(), 1.0, GENEROUS)), 1)) {
        List<RolloutScores> scores = scorer.scoreGroup(List.of(answering("1"), answering("2")));

        assertThat(scores.get(0).errors().get(c.name())).as(c.name()).contains(c.errorPart());
        assertThat(scores.get(0).total()).as(c.name()).isEmpty();
      }
    }
  }

  @Test
  void scoresGroupsFromManyThreadsAtOnce() throws Exception {
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(
                reward("accuracy", Rewards.accuracy(), 1.0, GENEROUS),
                reward(
                    "length",
                    Rewards.length(io.tributary.reward.rules.LengthUnit.CHARACTERS),
                    1.0,
                    GENEROUS)),
            3)) {
      ExecutorService callers = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<RolloutScores>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            callers.submit(
                () -> {
                  start.await();
                  List<RolloutScores> all = new ArrayList<>();
                  for (int i = 0; i < 25; i++) {
                    all.addAll(
                        scorer.scoreGroup(
                            List.of(answering("42"), answering("41"), answering("42 and more"))));
                  }
                  return all;
                }));
      }
      start.countDown();
      for (Future<List<RolloutScores>> f : futures) {
        assertThat(f.get()).hasSize(75).allSatisfy(s -> assertThat(s.errors()).isEmpty());
      }
      callers.shutdown();
      assertThat(scorer.metrics().counts("accuracy").scored()).isEqualTo(300);
      assertThat(scorer.metrics().counts("length").scored()).isEqualTo(300);
    }
  }

  /** Throws on the rollouts whose completion contains {@code marker}, its first n calls only. */
  static RewardFunction failingFirst(
      int n, String marker, java.util.concurrent.atomic.AtomicInteger calls) {
    return r -> {
      if (r.completion().contains(marker) && calls.incrementAndGet() <= n) {
        throw new IllegalStateException("grader crashed on " + marker);
      }
      return RewardResult.score(r.completion().contains("42") ? 1.0 : 0.0);
    };
  }

  @Test
  void aRolloutAFunctionFailedOnHasNoTotalAndSaysWhichFunctionAndWhy() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(reward("flaky", failingFirst(1, "42", calls), 1.0, GENEROUS)), 2)) {
      List<RolloutScores> scores = scorer.scoreGroup(List.of(answering("42"), answering("41")));

      // the correct answer would have scored 1; trained as 0 it would get a negative advantage
      assertThat(scores.get(0).total()).isEmpty();
      assertThat(scores.get(1).total()).hasValue(0.0);
      assertThatThrownBy(() -> scores.get(0).requireTotal())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reward 'flaky': IllegalStateException: grader crashed on 42");
      assertThat(scorer.rescoreAttempts()).isZero();
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void withRescoringAFailedCallIsMadeAgainAndItsSecondAnswerCounts() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(reward("flaky", failingFirst(1, "42", calls), 1.0, GENEROUS)), 2, 2)) {
      List<RolloutScores> scores = scorer.scoreGroup(List.of(answering("42"), answering("41")));

      assertThat(scores.get(0).total()).hasValue(1.0);
      assertThat(scores.get(0).errors()).isEmpty();
      assertThat(scores.get(1).total()).hasValue(0.0);
      assertThat(calls).as("calls on the failing rollout").hasValue(2);
      assertThat(scorer.metrics().counts("flaky")).isEqualTo(new RewardMetrics.Counts(2, 0, 1, 0));
      assertThat(scorer.metrics().rescores("flaky")).isEqualTo(1);
    }
  }

  @Test
  void rescoringGivesUpAfterItsAttemptsAndTheRolloutStaysUnscored() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    try (RewardScorer scorer =
        new RewardScorer(
            List.of(reward("broken", failingFirst(100, "42", calls), 1.0, GENEROUS)), 1, 2)) {
      RolloutScores scores = scorer.score(answering("42"));

      assertThat(scores.total()).isEmpty();
      assertThat(scores.errors())
          .containsEntry("broken", "IllegalStateException: grader crashed on 42");
      assertThat(calls).as("the call and two rescoring attempts").hasValue(3);
      assertThat(scorer.metrics().counts("broken").errors()).isEqualTo(3);
      assertThat(scorer.metrics().rescores("broken")).isEqualTo(2);
    }
  }

  @Test
  void aTimeoutIsRescoredLikeAnException() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    RewardFunction slowOnce =
        r -> {
          if (calls.incrementAndGet() == 1) {
            try {
              Thread.sleep(10_000);
            } catch (InterruptedException e) {
              throw new IllegalStateException("interrupted", e);
            }
          }
          return RewardResult.score(1.0);
        };
    try (RewardScorer scorer =
        new RewardScorer(List.of(reward("slow", slowOnce, 1.0, SHORT)), 1, 1)) {
      RolloutScores scores = scorer.score(answering("42"));

      assertThat(scores.total()).hasValue(1.0);
      assertThat(scorer.metrics().counts("slow")).isEqualTo(new RewardMetrics.Counts(1, 0, 0, 1));
    }
  }

  @Test
  void aClosedScorerRefusesWork() {
    RewardScorer scorer =
        new RewardScorer(List.of(reward("format", Rewards.format(), 1.0, GENEROUS)), 1);
    scorer.close();

    assertThatThrownBy(() -> scorer.score(answering("42")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
