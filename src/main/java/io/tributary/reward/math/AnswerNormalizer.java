package io.tributary.reward.math;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an answer as written ({@code \$1{,}000 \text{ dollars}}, {@code $\dfrac12$}, {@code
 * 30^\circ}) into the plain math {@link MathParser} reads. The steps follow the normalisation of
 * Hugging Face Math-Verify ({@code latex2sympy2_extended.math_normalization}) and the MATH
 * benchmark's {@code strip_string}: unwrap boxes and text, drop delimiters, spacing, units and
 * currency, join thousands separators.
 */
public final class AnswerNormalizer {
  private static final List<String> TEXT_COMMANDS =
      List.of(
          "text",
          "textbf",
          "textit",
          "textrm",
          "textnormal",
          "mathrm",
          "mathbf",
          "mathit",
          "mbox",
          "hbox",
          "operatorname",
          "boldsymbol");

  private static final List<String> DROPPED =
      List.of(
          "\\left",
          "\\right",
          "\\bigl",
          "\\bigr",
          "\\Bigl",
          "\\Bigr",
          "\\big",
          "\\Big",
          "\\displaystyle",
          "\\!",
          "\\;",
          "\\:",
          "\\,",
          "\\qquad",
          "\\quad",
          "\\ ",
          "{,}",
          "\\\\",
          "^{\\circ}",
          "^\\circ",
          "\\circ",
          "\\degree",
          "°",
          "\\(",
          "\\)",
          "\\[",
          "\\]");

  /** Words that look like units but are math; never stripped. */
  private static final Pattern MATH_WORD =
      Pattern.compile("(?i)pi|sqrt|sin|cos|tan|ln|log|exp|infty|inf|oo|cup|frac|and|or|cdot|times");

  /** A value followed by words (units, currency, objects): "5 apples", "12 cm^2", "3 km/h". */
  private static final Pattern TRAILING_WORDS =
      Pattern.compile("^(.*?[\\d%})])\\s+((?:[A-Za-z]{2,}[A-Za-z\\^0-9./]*\\s*)+)$");

  /** Single-letter units only after a plain number, where they cannot be a variable. */
  private static final Pattern NUMBER_WITH_SHORT_UNIT =
      Pattern.compile(
          "^([-+]?[\\d.,]+%?)\\s*(?:m|g|s|h|l|L|in|cm|mm|km|kg|mg|ml|ft|hr|min)(?:\\^?[23])?$");

  private static final Pattern CURRENCY_PREFIX =
      Pattern.compile("^(?:USD|US|Rs\\.?|INR|EUR|GBP|€|£|¥|₹)\\s*");
  private static final Pattern FRAC_DIGITS = Pattern.compile("\\\\[dtc]?frac(\\d)(\\d)");
  private static final Pattern MIXED_NUMBER =
      Pattern.compile("(?<![\\d.}^])(\\d+)\\s*\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}");
  private static final Pattern COMMA_THOUSANDS =
      Pattern.compile("(?<![\\d.])\\d{1,3}(?:,\\d{3})+(?![\\d])");
  private static final Pattern SPACE_THOUSANDS =
      Pattern.compile("(?<=(?<![\\d.])\\d{1,3}) (?=\\d{3}(?!\\d))");
  private static final Pattern AND_OR = Pattern.compile("\\s+(?:and|or)\\s+");

  private AnswerNormalizer() {}

  public static String normalize(String raw) {
    String s = raw.trim();
    int gsm8k = s.lastIndexOf("####"); // GSM8K solutions end with "#### 72"
    if (gsm8k >= 0) {
      s = s.substring(gsm8k + 4);
    }
    String boxed = lastCommandArgument(s, "boxed");
    if (boxed == null) {
      boxed = lastCommandArgument(s, "fbox");
    }
    if (boxed != null) {
      s = boxed;
    }
    s = s.replace("\\$", "").replace("$", "").replace("\\%", "%");
    for (String command : TEXT_COMMANDS) {
      s = unwrap(s, command);
    }
    for (String dropped : DROPPED) {
      s = s.replace(dropped, " ");
    }
    s =
        s.replace("~", " ")
            .replaceAll("\\\\in(?![a-zA-Z])", "="); // "x \in [1, 2]" reads as an assignment
    s = s.replaceAll("(?i)\\s*\\bpercent\\b", "%");
    s = FRAC_DIGITS.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    // a whole number before a numeric fraction is a mixed number (MATH answers write 6\frac{1}{4})
    s = MIXED_NUMBER.matcher(s).replaceAll("($1+\\\\frac{$2}{$3})");
    s = s.replaceAll("\\s*\\^\\s*", "^");
    s = s.replaceAll("\\s+", " ").trim();
    s = stripTrailingPunctuation(s);
    s = CURRENCY_PREFIX.matcher(s).replaceFirst("");
    s = stripUnits(s);
    s = AND_OR.matcher(s).replaceAll(", ");
    if (!containsBracket(s)) {
      // inside a tuple "(1,000, 2)" a comma may separate elements; outside it is a separator
      s = replaceAll(COMMA_THOUSANDS, s, m -> m.group().replace(",", ""));
    }
    s = SPACE_THOUSANDS.matcher(s).replaceAll("");
    return s.trim();
  }

  private static String stripUnits(String s) {
    Matcher shortUnit = NUMBER_WITH_SHORT_UNIT.matcher(s);
    if (shortUnit.matches()) {
      return shortUnit.group(1);
    }
    Matcher words = TRAILING_WORDS.matcher(s);
    if (words.matches()) {
      for (String word : words.group(2).trim().split("[\\s\\^0-9./]+")) {
        if (MATH_WORD.matcher(word).matches()) {
          return s;
        }
      }
      return words.group(1).trim();
    }
    return s;
  }

  private static String stripTrailingPunctuation(String s) {
    while (!s.isEmpty() && ".:?".indexOf(s.charAt(s.length() - 1)) >= 0) {
      s = s.substring(0, s.length() - 1).trim();
    }
    return s;
  }

  private static boolean containsBracket(String s) {
    return s.indexOf('(') >= 0 || s.indexOf('[') >= 0 || s.contains("\\{");
  }

  /** Replaces every {@code \command{X}} by {@code X}, braces matched. */
  static String unwrap(String s, String command) {
    String opener = "\\" + command + "{";
    int start;
    while ((start = s.indexOf(opener)) >= 0) {
      int open = start + opener.length() - 1;
      int close = matchingBrace(s, open);
      if (close < 0) {
        return s; // unbalanced: leave it for the parser to reject
      }
      s = s.substring(0, start) + " " + s.substring(open + 1, close) + " " + s.substring(close + 1);
    }
    return s;
  }

  /** The argument of the last {@code \command{...}} in {@code s}, or null. */
  public static String lastCommandArgument(String s, String command) {
    String opener = "\\" + command + "{";
    int start = s.lastIndexOf(opener);
    while (start >= 0) {
      int open = start + opener.length() - 1;
      int close = matchingBrace(s, open);
      if (close >= 0) {
        return s.substring(open + 1, close);
      }
      start = s.lastIndexOf(opener, start - 1);
    }
    return null;
  }

  private static int matchingBrace(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        i++; // \{ and \} are set braces, not grouping
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static String replaceAll(
      Pattern pattern, String s, java.util.function.Function<Matcher, String> replacement) {
    Matcher m = pattern.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement.apply(m)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
