package io.tributary.reward.math;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and parses the answer in a completion. Modes are tried in order and the first one that
 * yields a parseable answer wins, as Math-Verify's {@code parse} tries its extraction configs by
 * priority. Text inside an answer tag that does not parse as a whole ("The answer is 42") falls
 * back to its last number.
 */
public final class AnswerExtractor {
  private static final Pattern ANSWER_TAG =
      Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);

  /**
   * 1,234.5 / -3 (a sign only where it cannot be a minus: "5-3" ends on 3) / 2/3 / 1.5e-3 / .5 /
   * 50% — the number forms a completion ends on.
   */
  private static final Pattern NUMBER =
      Pattern.compile(
          "(?:(?<![\\w)}])[-+])?(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?(?:/\\d+)?|\\.\\d+)%?");

  private final List<ExtractionMode> modes;

  public AnswerExtractor(List<ExtractionMode> modes) {
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("at least one extraction mode is needed");
    }
    this.modes = List.copyOf(modes);
  }

  public List<ExtractionMode> modes() {
    return modes;
  }

  /** The parsed answer of a completion, or empty when no mode finds one that parses. */
  public Optional<MathExpr> extract(String completion) {
    for (ExtractionMode mode : modes) {
      Optional<MathExpr> answer =
          switch (mode) {
            case ANSWER_TAG -> answerTag(completion);
            case BOXED -> boxed(completion);
            case LAST_NUMBER -> lastNumber(completion);
          };
      if (answer.isPresent()) {
        return answer;
      }
    }
    return Optional.empty();
  }

  /** Parses a gold answer (or any whole answer string); empty when it is not math we read. */
  public static Optional<MathExpr> parseWhole(String text) {
    try {
      return Optional.of(MathParser.parse(AnswerNormalizer.normalize(text)));
    } catch (MathParseException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<MathExpr> answerTag(String completion) {
    Matcher m = ANSWER_TAG.matcher(completion);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    if (last == null) {
      return Optional.empty();
    }
    Optional<MathExpr> whole = parseWhole(last);
    return whole.isPresent() ? whole : lastNumber(last);
  }

  private static Optional<MathExpr> boxed(String completion) {
    String content = AnswerNormalizer.lastCommandArgument(completion, "boxed");
    if (content == null) {
      content = AnswerNormalizer.lastCommandArgument(completion, "fbox");
    }
    return content == null ? Optional.empty() : parseWhole(content);
  }

  private static Optional<MathExpr> lastNumber(String text) {
    Matcher m = NUMBER.matcher(text);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return last == null ? Optional.empty() : parseWhole(last);
  }
}
