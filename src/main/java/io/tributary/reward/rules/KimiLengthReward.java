package io.tributary.reward.rules;

import io.tributary.reward.GroupRewardFunction;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Kimi k1.5's length penalty (Kimi Team 2025, "Kimi k1.5", section 2.3.3), relative to the group of
 * G completions of one prompt: with {@code lambda = 0.5 - (len - minLen) / (maxLen - minLen)}, a
 * correct completion gets lambda and a wrong one {@code min(0, lambda)}; all get 0 when every
 * length is the same. Shorter correct answers are rewarded, long wrong ones penalised. Correctness
 * comes from {@link AccuracyReward}; completions where accuracy does not apply are not applicable
 * here either and do not count towards minLen and maxLen (open-r1's {@code len_reward}).
 */
public final class KimiLengthReward implements GroupRewardFunction {
  private final AccuracyReward accuracy;
  private final LengthUnit unit;

  public KimiLengthReward(AccuracyReward accuracy, LengthUnit unit) {
    this.accuracy = accuracy;
    this.unit = unit;
  }

  @Override
  public List<RewardResult> scoreGroup(List<Rollout> group) {
    List<RewardResult> results = new ArrayList<>(group.size());
    int[] lengths = new int[group.size()];
    boolean[] correct = new boolean[group.size()];
    int minLen = Integer.MAX_VALUE;
    int maxLen = Integer.MIN_VALUE;
    for (int i = 0; i < group.size(); i++) {
      Rollout rollout = group.get(i);
      OptionalInt length = unit.length(rollout);
      Optional<Boolean> isCorrect = accuracy.isCorrect(rollout);
      if (length.isEmpty()) {
        results.add(RewardResult.notApplicable(unit.missingReason()));
      } else if (isCorrect.isEmpty()) {
        results.add(accuracy.score(rollout)); // the not-applicable reason of accuracy
      } else {
        results.add(null); // filled below, once the group's range is known
        lengths[i] = length.getAsInt();
        correct[i] = isCorrect.get();
        minLen = Math.min(minLen, lengths[i]);
        maxLen = Math.max(maxLen, lengths[i]);
      }
    }
    for (int i = 0; i < group.size(); i++) {
      if (results.get(i) == null) {
        double lambda =
            maxLen == minLen ? 0.0 : 0.5 - (double) (lengths[i] - minLen) / (maxLen - minLen);
        results.set(i, RewardResult.score(correct[i] ? lambda : Math.min(0.0, lambda)));
      }
    }
    return results;
  }

  /** {@code length}: params unit (tokens) and the accuracy params for correctness. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "length";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly(
          "unit",
          "answerField",
          "extract",
          "absTolerance",
          "relTolerance",
          "answerForm",
          "answerAfter");
      return new KimiLengthReward(
          AccuracyReward.fromParams(params),
          params.enumValue("unit", LengthUnit.class, LengthUnit.TOKENS));
    }
  }
}
