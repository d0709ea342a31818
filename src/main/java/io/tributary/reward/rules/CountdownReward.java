package io.tributary.reward.rules;

import io.tributary.reward.RewardFunction;
import io.tributary.reward.RewardParams;
import io.tributary.reward.RewardProvider;
import io.tributary.reward.RewardResult;
import io.tributary.reward.Rollout;
import io.tributary.tasks.CompletionFormat;
import io.tributary.tasks.CountdownVerifier;
import io.tributary.tasks.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Countdown (TinyZero): 1 when the answer is an arithmetic expression that uses each given number
 * at most once and equals the target, else 0. The expression is read by the task's
 * recursive-descent parser with exact rational arithmetic; nothing is evaluated as code. Reads the
 * fields {@code numbers} (a list of integers) and {@code target}; not applicable without them.
 */
public final class CountdownReward implements RewardFunction {

  @Override
  public RewardResult score(Rollout rollout) {
    Object numbers = decoded(rollout.fields().get("numbers"));
    Object target = decoded(rollout.fields().get("target"));
    if (!(numbers instanceof List<?> list) || !(target instanceof Number goal)) {
      return RewardResult.notApplicable(
          "fields 'numbers' (a list) and 'target' (a number) are needed");
    }
    List<Long> given = new ArrayList<>();
    for (Object n : list) {
      if (!(n instanceof Number number)) {
        return RewardResult.notApplicable("field 'numbers' holds " + n + ", expected numbers");
      }
      given.add(number.longValue());
    }
    return CompletionFormat.extractAnswer(rollout.completion())
        .map(answer -> CountdownVerifier.verify(given, goal.longValue(), answer))
        .map(Verdict::isCorrect)
        .map(correct -> RewardResult.score(correct ? 1.0 : 0.0))
        .orElse(RewardResult.score(0.0));
  }

  /** Fields that crossed Kafka arrive as JSON text (pipeline/README.md): read them back. */
  private static Object decoded(Object value) {
    if (value instanceof String text) {
      try {
        return io.tributary.json.Json.mapper().readValue(text, Object.class);
      } catch (java.io.IOException e) {
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
