package io.tributary.reward;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scorer's verdict on one rollout, keyed by reward name in config order: the score of each
 * function ({@code null} where it did not apply or failed), the reason of each not-applicable
 * result, the reason of each error (exception or timeout), and the weighted total.
 *
 * <p>The total is {@code sum(weight_i * score_i)} over the functions that produced a score. A
 * function that does not apply or fails is left out and the other weights are NOT renormalised:
 * this is TRL's rule ({@code GRPOTrainer}: {@code nansum(rewards * weights)}), and it keeps a
 * rollout's total on the same scale as its group mates', which matters because GRPO compares totals
 * within a group. A rollout with no score at all gets 0, again as in TRL.
 */
public record RolloutScores(
    Rollout rollout,
    Map<String, Double> scores,
    Map<String, String> notApplicable,
    Map<String, String> errors,
    double total) {
  public RolloutScores {
    // LinkedHashMap, not Map.copyOf: keeps config order and allows the null scores
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    notApplicable = Collections.unmodifiableMap(new LinkedHashMap<>(notApplicable));
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Number of functions whose score entered the total. */
  public long scoredCount() {
    return scores.values().stream().filter(v -> v != null).count();
  }
}
