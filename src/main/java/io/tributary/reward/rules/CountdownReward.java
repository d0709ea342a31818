package io.tributary.reward.rules;

import io.tributary.json.Json;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.tasks.CountdownVerifier;
import io.tributary.tasks.ExpressionParser;
import io.tributary.tasks.ExpressionSyntaxException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Countdown (TinyZero, {@code verl/utils/reward_score/countdown.py}): 1 when the last answer tag
 * holds an arithmetic expression that uses every given number exactly once and equals the target,
 * else 0. The expression is read by the task's recursive-descent parser with exact rational
 * arithmetic; nothing is evaluated as code. Reads the fields {@code numbers} (a list of integers)
 * and {@code target} (an integer); not applicable without them. A number that is not whole is
 * refused with an error naming the field, never truncated: 2.5 read as 2 would pay wrong answers.
 */
public final class CountdownReward implements RewardFunction {
  private static final Pattern ANSWER = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);

  @Override
  public RewardResult score(Rollout rollout) {
    Object numbers = decoded(rollout.fields().get("numbers"));
    Object target = decoded(rollout.fields().get("target"));
    if (!(numbers instanceof List<?> list) || target == null) {
      return RewardResult.notApplicable(
          "fields 'numbers' (a list) and 'target' (a number) are needed");
    }
    List<Long> given = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      given.add(wholeNumber("numbers[" + i + "]", list.get(i)));
    }
    long goal = wholeNumber("target", target);
    Optional<String> answer = lastAnswer(rollout.completion());
    if (answer.isEmpty() || !usesEveryNumberOnce(given, answer.get())) {
      return RewardResult.score(0.0);
    }
    boolean correct = CountdownVerifier.verify(given, goal, answer.get()).isCorrect();
    return RewardResult.score(correct ? 1.0 : 0.0);
  }

  /** TinyZero's {@code validate_equation}: the literals, sorted, are the given numbers, sorted. */
  private static boolean usesEveryNumberOnce(List<Long> given, String answer) {
    List<Long> literals;
    try {
      literals = new ArrayList<>(ExpressionParser.parse(answer.trim()).literals());
    } catch (ExpressionSyntaxException e) {
      return false;
    }
    List<Long> expected = new ArrayList<>(given);
    literals.sort(null);
    expected.sort(null);
    return literals.equals(expected);
  }

  private static Optional<String> lastAnswer(String completion) {
    Matcher m = ANSWER.matcher(completion);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    return Optional.ofNullable(last);
  }

  /** An integer, from a JSON integer or a number with no fractional part; else an error. */
  private static long wholeNumber(String field, Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n) {
      try {
        return new BigDecimal(n.toString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException(
        "countdown: field '"
            + field
            + "' is "
            + value
            + ", expected a whole number (countdown numbers and targets are integers)");
  }

  /** Fields that crossed Kafka arrive as JSON text (pipeline/README.md): read them back. */
  private static Object decoded(Object value) {
    if (value instanceof String text) {
      try {
        return Json.mapper().readValue(text, Object.class);
      } catch (IOException e) {
        return value;
      }
    }
    return value;
  }

  /** {@code countdown}: no params. */
  public static final class Provider implements RewardProvider {
    @Override
    public String name() {
      return "countdown";
    }

    @Override
    public RewardFunction create(RewardParams params) {
      params.allowOnly();
      return new CountdownReward();
    }
  }
}
