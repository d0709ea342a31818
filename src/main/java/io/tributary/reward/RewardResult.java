package io.tributary.reward;

/**
 * What a reward function says about one rollout: a score, or that it does not apply (for example
 * the record has no gold answer it can read). "Not applicable" is a legal answer, not an error: the
 * scorer leaves it out of the weighted total, as TRL does with a reward function's {@code None}.
 */
public sealed interface RewardResult {
  record Score(double value) implements RewardResult {}

  record NotApplicable(String reason) implements RewardResult {
    public NotApplicable {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("a not-applicable result needs a reason");
      }
    }
  }

  static RewardResult score(double value) {
    return new Score(value);
  }

  static RewardResult notApplicable(String reason) {
    return new NotApplicable(reason);
  }
}
