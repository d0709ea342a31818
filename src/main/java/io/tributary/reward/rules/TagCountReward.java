package io.tributary.reward.rules;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;

/**
 * Partial credit for the think/answer layout: 0.25 for each of {@code "<think>\n"}, {@code
 * "\n</think>\n"}, {@code "\n<answer>\n"} and {@code "\n</answer>"} that occurs exactly once. This
 * is open-r1's {@code tag_count_reward}, a denser signal than {@link FormatReward} early in
 * training.
 */
public final class TagCountReward implements RewardFunction {
  private static final String[] MARKERS = {
    "<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"
  };

  @Override
  public RewardResult score(Rollout rollout) {
    double score = 0.0;
    for (String marker : MARKERS) {
      if (FormatReward.occurrences(rollout.completion(), marker) == 1) {
        score += 0.25;
      }
    }
    return RewardResult.score(score);
  }

  /** {@code tag_count}: no params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "tag_count";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly();
      return new TagCountReward();
    }
  }
}
