package io.tributary.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a countdown answer: an expression over the given numbers, each used at most once, whose
 * exact rational value equals the target. TinyZero's rule (countdown.py), without {@code eval}.
 */
public final class CountdownVerifier implements Verifier {
  @Override
  public Verdict verify(TaskPrompt prompt, String answer) {
    return verify(numbers(prompt), target(prompt), answer);
  }

  public static Verdict verify(List<Long> numbers, long target, String answer) {
    Expression expression;
    try {
      expression = ExpressionParser.parse(answer == null ? "" : answer.trim());
    } catch (ExpressionSyntaxException e) {
      return new Verdict(Outcome.UNPARSABLE, "not an expression: " + e.getMessage());
    }
    List<Long> unused = new ArrayList<>(numbers);
    for (long literal : expression.literals()) {
      if (!unused.remove(literal)) {
        return numbers.contains(literal)
            ? new Verdict(Outcome.NUMBER_REUSED, literal + " is used more often than given")
            : new Verdict(Outcome.NUMBER_NOT_GIVEN, literal + " is not among " + numbers);
      }
    }
    Rational value;
    try {
      value = expression.evaluate();
    } catch (ArithmeticException e) {
      return new Verdict(Outcome.DIVISION_BY_ZERO, "the expression divides by zero");
    }
    return value.equals(Rational.of(target))
        ? Verdict.correct(expression.render() + " = " + target)
        : new Verdict(Outcome.WRONG_VALUE, "got " + value + ", expected " + target);
  }

  static List<Long> numbers(TaskPrompt prompt) {
    Object raw = prompt.extra().get("numbers");
    if (!(raw instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException(
          prompt.id() + ": extra.numbers: got " + raw + ", expected a list of integers");
    }
    List<Long> numbers = new ArrayList<>();
    for (Object item : list) {
      numbers.add(integer(prompt, "numbers", item));
    }
    return numbers;
  }

  static long target(TaskPrompt prompt) {
    return integer(prompt, "target", prompt.extra().get("target"));
  }

  private static long integer(TaskPrompt prompt, String field, Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException(
        prompt.id() + ": extra." + field + ": got " + value + ", expected an integer");
  }
}
