package io.tributary.reward.rules;

import io.tributary.config.ConfigException;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.reward.math.AnswerExtractor;
import io.tributary.reward.math.AnswerForm;
import io.tributary.reward.math.BigRational;
import io.tributary.reward.math.Extraction;
import io.tributary.reward.math.ExtractionMode;
import io.tributary.reward.math.MathEquivalence;
import io.tributary.reward.math.MathEquivalence.Tolerance;
import io.tributary.reward.math.MathExpr;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * 1 when the completion's answer equals the gold answer, else 0 (DeepSeek-R1's accuracy reward;
 * equivalence as in Hugging Face Math-Verify, see {@link MathEquivalence}). Not applicable when the
 * record has no gold answer or the gold answer is not math this parser reads, as open-r1's {@code
 * accuracy_reward} returns None then. A completion without a readable answer scores 0.
 */
public final class AccuracyReward implements RewardFunction {
  public static final List<ExtractionMode> DEFAULT_EXTRACTION =
      List.of(
          ExtractionMode.ANSWER_TAG,
          ExtractionMode.BOXED,
          ExtractionMode.FINAL_ANSWER,
          ExtractionMode.LAST_MATH,
          ExtractionMode.BARE,
          ExtractionMode.LAST_NUMBER);

  /** How both sides were read and the verdict; {@code reason} says why when it is not correct. */
  public record Check(
      Optional<MathExpr> gold, Optional<Extraction> answer, boolean correct, String reason) {}

  private final String answerField;
  private final String answerAfter;
  private final AnswerExtractor extractor;
  private final MathEquivalence equivalence;
  private final AnswerForm answerForm;
  private final MathEquivalence anyForm;

  /**
   * @param answerAfter where the answer part of a completion starts (the text after its last
   *     occurrence, for example {@code </think>}); null reads the whole completion
   */
  public AccuracyReward(
      String answerField,
      List<ExtractionMode> extraction,
      Tolerance tolerance,
      AnswerForm answerForm,
      String answerAfter) {
    if (answerAfter != null && answerAfter.isEmpty()) {
      throw ConfigException.badValue("params.answerAfter", answerAfter, "a non-empty marker");
    }
    this.answerField = answerField;
    this.answerAfter = answerAfter;
    this.extractor = new AnswerExtractor(extraction);
    this.equivalence = new MathEquivalence(tolerance, answerForm);
    this.answerForm = answerForm;
    this.anyForm = new MathEquivalence(tolerance, AnswerForm.EXPRESSION);
  }

  public AccuracyReward(
      String answerField,
      List<ExtractionMode> extraction,
      Tolerance tolerance,
      AnswerForm answerForm) {
    this(answerField, extraction, tolerance, answerForm, null);
  }

  public AccuracyReward(String answerField, List<ExtractionMode> extraction, Tolerance tolerance) {
    this(answerField, extraction, tolerance, AnswerForm.VALUE);
  }

  /**
   * The part of the completion the answer is read from: after the last {@code answerAfter} when
   * set, empty when the completion never wrote it. A thinking model's reasoning is full of
   * intermediate numbers (and sometimes a tentative "the answer is"); read whole, a completion cut
   * off mid-thought would be paid for whichever number it stopped on.
   */
  private Optional<String> answerPart(String completion) {
    if (answerAfter == null) {
      return Optional.of(completion);
    }
    int at = completion.lastIndexOf(answerAfter);
    return at < 0 ? Optional.empty() : Optional.of(completion.substring(at + answerAfter.length()));
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
    Optional<MathExpr> goldAnswer = readGold(gold);
    if (goldAnswer.isEmpty()) {
      return RewardResult.notApplicable(
          "the gold answer " + abbreviate(String.valueOf(gold)) + " cannot be parsed");
    }
    Optional<MathExpr> answer = answerPart(rollout.completion()).flatMap(extractor::extract);
    boolean correct = answer.isPresent() && equivalence.equivalent(goldAnswer.get(), answer.get());
    return RewardResult.score(correct ? 1.0 : 0.0);
  }

  /** Reads both sides and says how; what {@code tributary reward check} prints. */
  public Check check(Object gold, String completion) {
    Optional<MathExpr> goldAnswer = readGold(gold);
    Optional<Extraction> answer = answerPart(completion).flatMap(extractor::read);
    if (goldAnswer.isEmpty()) {
      return new Check(goldAnswer, answer, false, "the gold answer cannot be parsed");
    }
    if (answerPart(completion).isEmpty()) {
      return new Check(goldAnswer, answer, false, "no '" + answerAfter + "' before an answer");
    }
    if (answer.isEmpty()) {
      return new Check(goldAnswer, answer, false, "no extraction mode found a readable answer");
    }
    boolean correct = equivalence.equivalent(goldAnswer.get(), answer.get().answer());
    String reason = correct ? "equivalent" : "not equivalent";
    if (!correct
        && answerForm == AnswerForm.VALUE
        && anyForm.equivalent(goldAnswer.get(), answer.get().answer())) {
      reason =
          "equal in value, but the answer is an unevaluated expression, which answerForm: value"
              + " refuses";
    }
    return new Check(goldAnswer, answer, correct, reason);
  }

  private static Optional<MathExpr> readGold(Object gold) {
    if (gold instanceof Number n && !(gold instanceof Double d && !Double.isFinite(d))) {
      // a JSON number: its decimal text is exact (2.5 is 5/2, not the nearest double)
      BigDecimal exact = new BigDecimal(n.toString());
      return Optional.of(new MathExpr.Num(BigRational.of(exact), exact.scale() > 0));
    }
    if (gold instanceof String s) {
      return AnswerExtractor.parseWhole(s);
    }
    return Optional.empty();
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
            nonNegative(params, "relTolerance", Tolerance.DEFAULT.relative())),
        answerForm(params.stringValue("answerForm", "value")),
        params.stringValue("answerAfter", null));
  }

  private static AnswerForm answerForm(String value) {
    try {
      return AnswerForm.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ConfigException.badValue("params.answerForm", value, "value or expression");
    }
  }

  private static double nonNegative(RewardParams params, String key, double defaultValue) {
    double value = params.doubleValue(key, defaultValue);
    if (value < 0) {
      throw ConfigException.badValue("params." + key, value, "at least 0");
    }
    return value;
  }

  /**
   * {@code accuracy}: params answerField, extract, absTolerance, relTolerance, answerForm ({@code
   * value}, the default, or {@code expression}), answerAfter (none: the whole completion).
   */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "accuracy";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly(
          "answerField", "extract", "absTolerance", "relTolerance", "answerForm", "answerAfter");
      return fromParams(params);
    }
  }
}
