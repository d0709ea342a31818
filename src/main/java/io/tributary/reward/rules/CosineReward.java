package io.tributary.reward.rules;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The cosine length-scaled reward of "Demystifying Long Chain-of-Thought Reasoning in LLMs" (Yeo et
 * al. 2025, section 4.2), as open-r1's {@code get_cosine_scaled_reward}: {@code r = min + 0.5 (max
 * - min)(1 + cos(pi * len / maxLength))}. Correct answers go from maxValueCorrect (short) down to
 * minValueCorrect (at maxLength); wrong answers from minValueWrong (short) up to maxValueWrong, so
 * a wrong answer is penalised less when the model kept thinking. Beyond maxLength the length is
 * clamped, giving each end value rather than letting the cosine turn back up.
 */
public final class CosineReward implements RewardFunction {
  /** The four end values; defaults are open-r1's. */
  public record Values(
      double minValueWrong, double maxValueWrong, double minValueCorrect, double maxValueCorrect) {
    public static final Values DEFAULT = new Values(-1.0, -0.5, 0.5, 1.0);
  }

  private final AccuracyReward accuracy;
  private final Values values;
  private final int maxLength;
  private final LengthUnit unit;

  public CosineReward(AccuracyReward accuracy, Values values, int maxLength, LengthUnit unit) {
    if (maxLength < 1) {
      throw ConfigException.badValue("params.maxLength", maxLength, "at least 1");
    }
    this.accuracy = accuracy;
    this.values = values;
    this.maxLength = maxLength;
    this.unit = unit;
  }

  @Override
  public RewardResult score(Rollout rollout) {
    OptionalInt length = unit.length(rollout);
    if (length.isEmpty()) {
      return RewardResult.notApplicable(unit.missingReason());
    }
    Optional<Boolean> correct = accuracy.isCorrect(rollout);
    if (correct.isEmpty()) {
      return accuracy.score(rollout); // accuracy's not-applicable reason
    }
    double progress = Math.min(1.0, (double) length.getAsInt() / maxLength);
    double cosine = Math.cos(progress * Math.PI);
    // for wrong answers min and max swap, so short wrong answers get the strongest penalty
    double min = correct.get() ? values.minValueCorrect() : values.maxValueWrong();
    double max = correct.get() ? values.maxValueCorrect() : values.minValueWrong();
    return RewardResult.score(min + 0.5 * (max - min) * (1.0 + cosine));
  }

  /** {@code cosine}: the four values, maxLength (1000), unit (tokens), accuracy params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "cosine";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly(
          "minValueWrong",
          "maxValueWrong",
          "minValueCorrect",
          "maxValueCorrect",
          "maxLength",
          "unit",
          "answerField",
          "extract",
          "absTolerance",
          "relTolerance",
          "answerForm",
          "answerAfter");
      Values d = Values.DEFAULT;
      return new CosineReward(
          AccuracyReward.fromParams(params),
          new Values(
              params.doubleValue("minValueWrong", d.minValueWrong()),
              params.doubleValue("maxValueWrong", d.maxValueWrong()),
              params.doubleValue("minValueCorrect", d.minValueCorrect()),
              params.doubleValue("maxValueCorrect", d.maxValueCorrect())),
          params.intValue("maxLength", 1000),
          params.enumValue("unit", LengthUnit.class, LengthUnit.TOKENS));
    }
  }
}
