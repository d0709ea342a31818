package io.tributary.reward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * The scorer's verdict on one rollout, keyed by reward name in config order: the score of each
 * function ({@code null} where it did not apply or failed), the reason of each not-applicable
 * result, the reason of each error (exception, timeout or invalid result), and the weighted total.
 *
 * <p>The total is {@code sum(weight_i * score_i)} over the functions that produced a score. A
 * function that does not apply is left out and the other weights are NOT renormalised: this is
 * TRL's rule ({@code GRPOTrainer}: {@code nansum(rewards * weights)}), and it keeps a rollout's
 * total on the same scale as its group mates', which matters because GRPO compares totals within a
 * group; a rollout where no function applies totals 0, again as in TRL.
 *
 * <p>A function that FAILED is another matter: nobody knows what it would have said, so the rollout
 * has no total at all (empty), and its group cannot be trained (see {@link OnRewardError}). TRL
 * would count the failure as absent and train the rest; here a grader's crash on a correct answer
 * must not become a negative advantage.
 */
public record RolloutScores(
    Rollout rollout,
    Map<String, Double> scores,
    Map<String, String> notApplicable,
    Map<String, String> errors,
    OptionalDouble total) {
  public RolloutScores {
    // LinkedHashMap, not Map.copyOf: keeps config order and allows the null scores
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    notApplicable = Collections.unmodifiableMap(new LinkedHashMap<>(notApplicable));
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    if (errors.isEmpty() == total.isEmpty()) {
      throw new IllegalArgumentException(
          errors.isEmpty()
              ? "a rollout without reward errors needs a total"
              : "a rollout whose rewards failed (" + errors.keySet() + ") has no total");
    }
  }

  /** A rollout that every function scored or found not applicable. */
  public RolloutScores(
      Rollout rollout,
      Map<String, Double> scores,
      Map<String, String> notApplicable,
      Map<String, String> errors,
      double total) {
    this(rollout, scores, notApplicable, errors, OptionalDouble.of(total));
  }

  /** A rollout on which the functions named in {@code errors} failed: it has no total. */
  public static RolloutScores unscored(
      Rollout rollout,
      Map<String, Double> scores,
      Map<String, String> notApplicable,
      Map<String, String> errors) {
    return new RolloutScores(rollout, scores, notApplicable, errors, OptionalDouble.empty());
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** True when the rollout has a total, i.e. no function failed on it. */
  public boolean isScored() {
    return total.isPresent();
  }

  /**
   * The total, for code that trains on it; fails, naming the failed functions, on a rollout that
   * has none, so that such a rollout can never be trained as if it had scored 0.
   */
  public double requireTotal() {
    if (total.isEmpty()) {
      throw new IllegalStateException(
          "rollout has no total, its reward functions failed: " + describeErrors(errors));
    }
    return total.getAsDouble();
  }

  /** Number of functions whose score entered the total. */
  public long scoredCount() {
    return scores.values().stream().filter(v -> v != null).count();
  }

  /** {@code reward 'name': reason; ...} in config order, for logs and dead letters. */
  public static String describeErrors(Map<String, String> errors) {
    return errors.entrySet().stream()
        .map(e -> "reward '" + e.getKey() + "': " + e.getValue())
        .collect(Collectors.joining("; "));
  }
}
