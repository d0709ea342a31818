package io.tributary.reward.math;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code \pm} and {@code \mp} mean two answers. Each sign is expanded in the text, so that a {@code
 * \pm} anywhere ({@code \frac{-1 \pm \sqrt{5}}{2}}, {@code x = \pm 2}) gives the set of answers
 * Math-Verify compares.
 */
final class PlusMinus {
  private static final Pattern SIGN = Pattern.compile("\\\\(pm|mp)(?![a-zA-Z])|±|∓");

  /** More signs than this are not an answer anyone writes; the text is left to the parser. */
  private static final int MAX_SIGNS = 4;

  private PlusMinus() {}

  /** The text with each combination of signs; the text itself when it has no sign. */
  static List<String> expand(String text) {
    Matcher m = SIGN.matcher(text);
    if (!m.find()) {
      return List.of(text);
    }
    long signs = SIGN.matcher(text).results().count();
    if (signs > MAX_SIGNS) {
      return List.of(text);
    }
    boolean minusFirst = m.group().equals("\\mp") || m.group().equals("∓");
    String before = text.substring(0, m.start());
    String after = text.substring(m.end());
    List<String> result = new ArrayList<>();
    for (String sign : minusFirst ? List.of("-", "+") : List.of("+", "-")) {
      result.addAll(expand(before + sign + after));
    }
    return result;
  }
}
