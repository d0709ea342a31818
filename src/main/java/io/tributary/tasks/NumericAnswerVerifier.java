package io.tributary.tasks;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Compares a numeric answer with the gold one by value. {@link #integers()} accepts only a plain
 * integer (arithmetic); {@link #lenient()} also accepts thousands separators, a leading {@code $}
 * and decimals, as GSM8K answers are written ({@code 1,200} equals {@code 1200.0}).
 */
public final class NumericAnswerVerifier implements Verifier {
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  private final boolean lenient;

  private NumericAnswerVerifier(boolean lenient) {
    this.lenient = lenient;
  }

  public static NumericAnswerVerifier integers() {
    return new NumericAnswerVerifier(false);
  }

  public static NumericAnswerVerifier lenient() {
    return new NumericAnswerVerifier(true);
  }

  @Override
  public Verdict verify(TaskPrompt prompt, String answer) {
    String text = answer == null ? "" : answer.trim();
    if (lenient) {
      text = text.replace(",", "").replaceFirst("^\\$", "").replaceFirst("\\.$", "");
    }
    if (!(lenient ? NUMBER : INTEGER).matcher(text).matches()) {
      return new Verdict(
          Outcome.UNPARSABLE,
          "got '" + answer + "', expected " + (lenient ? "a number" : "an integer"));
    }
    BigDecimal gold = new BigDecimal(prompt.answer().replace(",", ""));
    return new BigDecimal(text).compareTo(gold) == 0
        ? Verdict.correct(text + " equals the gold answer")
        : new Verdict(Outcome.WRONG_VALUE, "got " + text + ", expected " + prompt.answer());
  }
}
