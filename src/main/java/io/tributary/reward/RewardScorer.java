package io.tributary.reward;

import io.tributary.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Applies the configured reward functions to the rollouts of one group and returns, per rollout,
 * each function's score, not-applicable reason or error, and the weighted total (see {@link
 * RolloutScores} for how the total treats missing scores).
 *
 * <p>Every call of a function runs on the scorer's threads under that function's timeout. An
 * exception, a timeout or an invalid result (null, non-finite, wrong count) becomes an error for
 * that function on the rollouts of that call, counted in {@link #metrics()}; it never propagates,
 * and every rollout comes back, those with an error without a total. A plain {@link RewardFunction}
 * is called once per rollout, so a failure touches one rollout; a {@link GroupRewardFunction} once
 * per group. With {@code rescoreAttempts} above 0 ({@code onError: rescore}), a failed call is made
 * again, up to that many times, before its error stands; every failed attempt is counted.
 * Thread-safe.
 */
public final class RewardScorer implements AutoCloseable {
  /** One configured function. */
  public record WeightedReward(
      String name, RewardFunction function, double weight, Duration timeout) {
    public WeightedReward {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(timeout, "timeout");
      if (!Double.isFinite(weight)) {
        throw new IllegalArgumentException(name + ": weight must be finite, got " + weight);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(name + ": timeout must be positive, got " + timeout);
      }
    }
  }

  private final List<WeightedReward> rewards;
  private final RewardMetrics metrics;
  private final TimeLimitedExecutor executor;
  private final int rescoreAttempts;

  public RewardScorer(List<WeightedReward> rewards, int threads) {
    this(rewards, threads, 0);
  }

  public RewardScorer(List<WeightedReward> rewards, int threads, int rescoreAttempts) {
    if (rewards.isEmpty()) {
      throw new IllegalArgumentException("a reward scorer needs at least one reward");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (rescoreAttempts < 0) {
      throw new IllegalArgumentException(
          "rescoreAttempts must be at least 0, got " + rescoreAttempts);
    }
    this.rescoreAttempts = rescoreAttempts;
    this.rewards = List.copyOf(rewards);
    this.metrics = new RewardMetrics(this.rewards.stream().map(WeightedReward::name).toList());
    this.executor = new TimeLimitedExecutor(threads, "reward");
  }

  /** Builds the configured rewards from the built-ins and the plug-ins (active and configured). */
  public static RewardScorer fromConfig(RewardsConfig config) {
    return fromConfig(config, RewardRegistry.forConfig(config));
  }

  public static RewardScorer fromConfig(RewardsConfig config, RewardRegistry registry) {
    List<WeightedReward> rewards = new ArrayList<>();
    for (int i = 0; i < config.rewards().size(); i++) {
      RewardConfig spec = config.rewards().get(i);
      RewardFunction function;
      try {
        function = registry.provider(spec.name()).create(new RewardParams(spec.params()));
      } catch (ConfigException e) {
        throw new ConfigException("rewards[" + i + "]." + e.getMessage(), e);
      }
      rewards.add(new WeightedReward(spec.name(), function, spec.weight(), spec.timeout()));
    }
    return new RewardScorer(rewards, config.threads(), config.rescoreAttempts());
  }

  public List<String> names() {
    return rewards.stream().map(WeightedReward::name).toList();
  }

  /** How many times a failed call is made again before its error stands (0: never). */
  public int rescoreAttempts() {
    return rescoreAttempts;
  }

  public RewardMetrics metrics() {
    return metrics;
  }

  /**
   * Calls past their timeout whose code ignored the interrupt and still holds a thread; each one
   * has grown the pool by a thread until it ends.
   */
  public int overrunningCalls() {
    return executor.overrunning();
  }

  public RolloutScores score(Rollout rollout) {
    return scoreGroup(List.of(rollout)).get(0);
  }

  /** Scores the rollouts of one group; returns one result per rollout, in order. */
  public List<RolloutScores> scoreGroup(List<Rollout> group) {
    int n = group.size();
    // submit everything first so that the functions run side by side
    List<List<Call>> calls = new ArrayList<>();
    for (WeightedReward reward : rewards) {
      List<Call> perReward = new ArrayList<>();
      if (reward.function() instanceof GroupRewardFunction groupFunction) {
        perReward.add(submit(reward, 0, n, () -> groupFunction.scoreGroup(group)));
      } else {
        for (int r = 0; r < n; r++) {
          Rollout rollout = group.get(r);
          perReward.add(
              submit(
                  reward,
                  r,
                  r + 1,
                  () -> Collections.singletonList(reward.function().score(rollout))));
        }
      }
      calls.add(perReward);
    }

    List<Map<String, Double>> scores = new ArrayList<>();
    List<Map<String, String>> notApplicable = new ArrayList<>();
    List<Map<String, String>> errors = new ArrayList<>();
    double[] totals = new double[n];
    for (int r = 0; r < n; r++) {
      scores.add(new LinkedHashMap<>());
      notApplicable.add(new LinkedHashMap<>());
      errors.add(new LinkedHashMap<>());
    }
    for (int f = 0; f < rewards.size(); f++) {
      WeightedReward reward = rewards.get(f);
      for (Call call : calls.get(f)) {
        Outcome outcome = awaitWithRescores(reward, call);
        for (int r = call.from; r < call.to; r++) {
          scores.get(r).put(reward.name(), null);
          if (outcome.error != null) {
            errors.get(r).put(reward.name(), outcome.error);
          } else if (outcome.results.get(r - call.from) instanceof RewardResult.Score s) {
            scores.get(r).put(reward.name(), s.value());
            totals[r] += reward.weight() * s.value();
            metrics.scored(reward.name());
          } else {
            var na = (RewardResult.NotApplicable) outcome.results.get(r - call.from);
            notApplicable.get(r).put(reward.name(), na.reason());
            metrics.notApplicable(reward.name());
          }
        }
      }
    }
    List<RolloutScores> result = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      result.add(
          errors.get(r).isEmpty()
              ? new RolloutScores(
                  group.get(r), scores.get(r), notApplicable.get(r), errors.get(r), totals[r])
              : RolloutScores.unscored(
                  group.get(r), scores.get(r), notApplicable.get(r), errors.get(r)));
    }
    return result;
  }

  /**
   * The call's outcome, after up to {@code rescoreAttempts} more tries while it fails; each failed
   * try is counted once per rollout it covers.
   */
  private Outcome awaitWithRescores(WeightedReward reward, Call call) {
    Outcome outcome = await(call);
    for (int attempt = 1; ; attempt++) {
      if (outcome.error == null) {
        return outcome;
      }
      for (int r = call.from; r < call.to; r++) {
        if (outcome.timedOut) {
          metrics.timeout(reward.name());
        } else {
          metrics.error(reward.name());
        }
      }
      if (attempt > rescoreAttempts) {
        return outcome;
      }
      metrics.rescore(reward.name());
      call = submit(reward, call.from, call.to, call.body);
      outcome = await(call);
    }
  }

  private record Call(
      int from,
      int to,
      Callable<List<RewardResult>> body,
      CompletableFuture<List<RewardResult>> future) {}

  /** Either the valid results of one call, or why there are none. */
  private record Outcome(List<RewardResult> results, String error, boolean timedOut) {}

  private Call submit(WeightedReward reward, int from, int to, Callable<List<RewardResult>> call) {
    return new Call(from, to, call, executor.submit(call, reward.timeout()));
  }

  private static Outcome await(Call call) {
    List<RewardResult> results;
    try {
      results = call.future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof TimeoutException) {
        return new Outcome(null, cause.getMessage(), true);
      }
      return new Outcome(null, describe(cause), false);
    }
    String invalid = validate(results, call.to - call.from);
    return invalid == null ? new Outcome(results, null, false) : new Outcome(null, invalid, false);
  }

  private static String validate(List<RewardResult> results, int expected) {
    if (results == null) {
      return "returned no result list";
    }
    if (results.size() != expected) {
      return "returned " + results.size() + " results for " + expected + " rollouts";
    }
    for (RewardResult result : results) {
      if (result == null) {
        return "returned null instead of a score or not-applicable";
      }
      if (result instanceof RewardResult.Score s && !Double.isFinite(s.value())) {
        return "returned a non-finite score " + s.value();
      }
    }
    return null;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  @Override
  public void close() {
    executor.close();
  }
}
