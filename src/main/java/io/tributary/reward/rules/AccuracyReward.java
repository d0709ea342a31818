package io.tributary.reward.rules;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.reward.math.AnswerExtractor;
import io.tributary.reward.math.ExtractionMode;
import io.tributary.reward.math.MathEquivalence;
import io.tributary.reward.math.MathEquivalence.Tolerance;
import io.tributary.reward.math.MathExpr;
import java.util.List;
import java.util.Optional;

/**
 * 1 when the completion's answer equals the gold answer, else 0 (DeepSeek-R1's accuracy reward;
 * equivalence as in Hugging Face Math-Verify, see {@link MathEquivalence}). Not applicable when the
 * record has no gold answer or the gold answer is not math this parser reads, as open-r1's {@code
 * accuracy_reward} returns None then. A completion without a readable answer scores 0.
 */
public final class AccuracyReward implements RewardFunction {
  public static final List<ExtractionMode> DEFAULT_EXTRACTION =
      List.of(ExtractionMode.ANSWER_TAG, ExtractionMode.BOXED, ExtractionMode.LAST_NUMBER);

  private final String answerField;
  private final AnswerExtractor extractor;
  private final Tolerance tolerance;

  public AccuracyReward(String answerField, List<ExtractionMode> extraction, Tolerance tolerance) {
    this.answerField = answerField;
    this.extractor = new AnswerExtractor(extraction);
    this.tolerance = tolerance;
  }

  public AccuracyReward() {
    this("answer", DEFAULT_EXTRACTION, Tolerance.DEFAULT);
  }

  @Override
  public RewardResult score(Rollout rollout) {
    Object gold = rollout.fields().get(answerField);
    if (gold == null) {
      return RewardResult.notApplicable("the record has no '" + answerField + "' field");
    }
    Optional<MathExpr> goldAnswer = Optional.empty();
    if (gold instanceof Number n) {
      goldAnswer = Optional.of(new MathExpr.Num(n.doubleValue()));
    } else if (gold instanceof String s) {
      goldAnswer = AnswerExtractor.parseWhole(s);
    }
    if (goldAnswer.isEmpty()) {
      return RewardResult.notApplicable(
          "the gold answer " + abbreviate(String.valueOf(gold)) + " cannot be parsed");
    }
    Optional<MathExpr> answer = extractor.extract(rollout.completion());
    boolean correct =
        answer.isPresent() && MathEquivalence.equivalent(goldAnswer.get(), answer.get(), tolerance);
    return RewardResult.score(correct ? 1.0 : 0.0);
  }

  /** Whether the completion is correct, or empty when accuracy does not apply to it. */
  public Optional<Boolean> isCorrect(Rollout rollout) {
    return score(rollout) instanceof RewardResult.Score s
        ? Optional.of(s.value() > 0.5)
        : Optional.empty();
  }

  private static String abbreviate(String s) {
    return "'" + (s.length() <= 60 ? s : s.substring(0, 57) + "...") + "'";
  }

  static AccuracyReward fromParams(RewardParams params) {
    return new AccuracyReward(
        params.stringValue("answerField", "answer"),
        params.enumList("extract", ExtractionMode.class, DEFAULT_EXTRACTION),
        new Tolerance(
            nonNegative(params, "absTolerance", Tolerance.DEFAULT.absolute()),
            nonNegative(params, "relTolerance", Tolerance.DEFAULT.relative())));
  }

  private static double nonNegative(RewardParams params, String key, double defaultValue) {
    double value = params.doubleValue(key, defaultValue);
    if (value < 0) {
      throw io.tributary.config.ConfigException.badValue("params." + key, value, "at least 0");
    }
    return value;
  }

  /** {@code accuracy}: params answerField, extract, absTolerance, relTolerance. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "accuracy";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly("answerField", "extract", "absTolerance", "relTolerance");
      return fromParams(params);
    }
  }
}
