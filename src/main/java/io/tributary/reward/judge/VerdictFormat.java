package io.tributary.reward.judge;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the judge states its verdict and how that becomes a score in [0, 1]. The last verdict in the
 * reply counts, because judges that reason first conclude at the end; a reply with no verdict, or a
 * score outside the scale, is unreadable (an error, never a zero).
 */
public enum VerdictFormat {
  /** "yes" scores 1, "no" scores 0. */
  YES_NO("Answer with a single word: \"yes\" if the response is correct, \"no\" if it is not."),
  /** A number from 0 to 1. */
  SCORE("Answer with a single number from 0 (wrong) to 1 (fully correct)."),
  /** A number from 0 to 10, divided by 10. */
  SCORE_10("Answer with a single number from 0 (wrong) to 10 (fully correct).");

  private static final Pattern YES_OR_NO =
      Pattern.compile("\\b(yes|no)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])-?\\d+(?:\\.\\d+)?");

  private final String instruction;

  VerdictFormat(String instruction) {
    this.instruction = instruction;
  }

  /** The closing line of the default prompt, which asks for this format. */
  public String instruction() {
    return instruction;
  }

  /** The score of a reply, or empty when the reply holds no verdict of this format. */
  public OptionalDouble read(String reply) {
    return switch (this) {
      case YES_NO -> readYesNo(reply);
      case SCORE -> readNumber(reply, 1.0);
      case SCORE_10 -> readNumber(reply, 10.0);
    };
  }

  private static OptionalDouble readYesNo(String reply) {
    Matcher m = YES_OR_NO.matcher(reply);
    String last = null;
    while (m.find()) {
      last = m.group(1).toLowerCase(Locale.ROOT);
    }
    if (last == null) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(last.equals("yes") ? 1.0 : 0.0);
  }

  private static OptionalDouble readNumber(String reply, double scale) {
    Matcher m = NUMBER.matcher(reply);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    if (last == null) {
      return OptionalDouble.empty();
    }
    double value = Double.parseDouble(last);
    if (value < 0 || value > scale) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value / scale);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
