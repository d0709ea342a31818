package io.tributary.reward.math;

import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an answer as written ({@code \$1{,}000 \text{ dollars}}, {@code $\dfrac12$}, {@code
 * 30^\circ}, a {@code pmatrix}) into the plain math {@link MathParser} reads. The steps follow the
 * normalisation of Hugging Face Math-Verify ({@code latex2sympy2_extended.math_normalization}) and
 * the MATH benchmark's {@code strip_string}: unwrap boxes and text, drop delimiters, spacing, units
 * and currency, join thousands separators, read a decimal comma.
 */
public final class AnswerNormalizer {
  private static final List<String> TEXT_COMMANDS =
      List.of(
          "text",
          "textbf",
          "textit",
          "textrm",
          "textnormal",
          "textsf",
          "texttt",
          "mathrm",
          "mathbf",
          "mathit",
          "mathsf",
          "mathtt",
          "mbox",
          "hbox",
          "operatorname",
          "boldsymbol",
          "bm",
          "emph");

  private static final List<String> DROPPED =
      List.of(
          "\\left.",
          "\\right.",
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
      Pattern.compile(
          "(?i)pi|sqrt|sin|cos|tan|sec|csc|cot|ln|log|exp|infty|inf|oo|cup|frac|and|or|cdot|times");

  /** A value followed by words (units, currency, objects): "5 apples", "12 cm^2", "3 km/h". */
  private static final Pattern TRAILING_WORDS =
      Pattern.compile("^(.*?[\\d%})])\\s+((?:[A-Za-z]{2,}[A-Za-z\\^0-9./]*+\\s*+)++)$");

  /** Single-letter units only after a plain number, where they cannot be a variable. */
  private static final Pattern NUMBER_WITH_SHORT_UNIT =
      Pattern.compile(
          "^([-+]?[\\d.,]+%?)\\s*(?:m|g|s|h|l|L|in|cm|mm|km|kg|mg|ml|ft|hr|min|sec|cents?)(?:\\^?[23])?$");

  /** A rate after a value: "3 \\times 10^8 m/s", "60 km/h". */
  private static final Pattern RATE_UNIT =
      Pattern.compile("^(.*[\\d}])\\s+[A-Za-z]{1,4}/[A-Za-z]{1,4}(?:\\^?[23])?$");

  private static final Pattern CURRENCY_PREFIX =
      Pattern.compile("^(?:USD|US|Rs\\.?|INR|EUR|GBP|€|£|¥|₹)\\s*");
  private static final Pattern MATRIX =
      Pattern.compile(
          "\\\\begin\\{([pbBvV]?matrix|array|smallmatrix)\\}(\\{[^}]*\\})?(.*?)\\\\end\\{\\1\\}",
          Pattern.DOTALL);
  private static final Pattern REPEATING_DECIMAL =
      Pattern.compile("(\\d*)\\.(\\d*)\\s*\\\\overline\\{\\s*(\\d+)\\s*\\}");
  private static final Pattern FRAC_DIGITS = Pattern.compile("\\\\[dtc]?frac(\\d)(\\d)");
  private static final Pattern MIXED_NUMBER =
      Pattern.compile("(?<![\\d.}^_])(\\d+)\\s*\\\\[dt]?frac\\{(\\d+)\\}\\{(\\d+)\\}");
  private static final Pattern DECIMAL_COMMA = Pattern.compile("^([-+]?\\d+),(\\d{1,2}|\\d{4,})$");
  private static final Pattern COMMA_THOUSANDS =
      Pattern.compile("(?<![\\d.])\\d{1,3}(?:,\\d{3})+(?![\\d])");
  private static final Pattern SPACE_THOUSANDS =
      Pattern.compile("(?<=(?<![\\d.])\\d{1,3}) (?=\\d{3}(?!\\d))");
  private static final Pattern MEMBERSHIP = Pattern.compile("\\\\in(?![a-zA-Z])");
  private static final Pattern PERCENT_WORD = Pattern.compile("(?i)\\s*\\bpercent\\b");
  private static final Pattern SPACED_POWER = Pattern.compile("\\s*\\^\\s*");
  private static final Pattern SPACES = Pattern.compile("\\s+");
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
    s = replaceAll(MATRIX, s, m -> "\\matrix{" + m.group(3).replace("\\\\", " \\rowsep ") + "}");
    s = s.replace("\\$", "").replace("$", "").replace("\\%", "%");
    s =
        s.replace("\\mathbb{R}", "(-\\infty, \\infty)")
            .replace("\\mathbb R", "(-\\infty, \\infty)");
    s = s.replace("\\lbrace", "\\{").replace("\\rbrace", "\\}");
    s = s.replace("\\langle", "(").replace("\\rangle", ")");
    for (String command : TEXT_COMMANDS) {
      s = unwrap(s, command);
    }
    // thousands separators written in LaTeX: 1{,}000 and 1,\!000 are 1,000
    s = s.replace("{,}", ",").replace(",\\!", ",");
    for (String dropped : DROPPED) {
      s = s.replace(dropped, " ");
    }
    s = s.replace("**", "^"); // x**2, as Python writes a power
    s = MEMBERSHIP.matcher(s.replace("~", " ")).replaceAll("="); // x \in [1, 2]: an assignment
    s = s.replace("\\dots", " ").replace("\\ldots", " ").replace("\\cdots", " ");
    s = PERCENT_WORD.matcher(s).replaceAll("%");
    s = FRAC_DIGITS.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    s = replaceAll(REPEATING_DECIMAL, s, AnswerNormalizer::repeatingDecimal);
    // a whole number before a numeric fraction is a mixed number (MATH answers write 6\frac{1}{4})
    s = replaceAll(MIXED_NUMBER, s, AnswerNormalizer::mixedNumber);
    s = SPACED_POWER.matcher(s).replaceAll("^");
    s = SPACES.matcher(s).replaceAll(" ").trim();
    s = stripTrailingPunctuation(s);
    s = CURRENCY_PREFIX.matcher(s).replaceFirst("");
    s = stripUnits(s);
    s = AND_OR.matcher(s).replaceAll(", ");
    Matcher decimalComma = DECIMAL_COMMA.matcher(s);
    if (decimalComma.matches()) {
      // 2,74 cannot be a thousands separator (not three digits after it): a decimal comma
      return decimalComma.group(1) + "." + decimalComma.group(2);
    }
    if (!containsBracket(s)) {
      // inside a tuple "(1,000, 2)" a comma may separate elements; outside it is a separator
      s = replaceAll(COMMA_THOUSANDS, s, m -> m.group().replace(",", ""));
    }
    s = SPACE_THOUSANDS.matcher(s).replaceAll("");
    return s.trim();
  }

  /** {@code 0.1\overline{6}} is 1/6: the digits under the bar repeat forever. */
  private static String repeatingDecimal(Matcher m) {
    String whole = m.group(1).isEmpty() ? "0" : m.group(1);
    String fixed = m.group(2);
    String repeating = m.group(3);
    BigInteger shift = BigInteger.TEN.pow(fixed.length());
    BigInteger period = BigInteger.TEN.pow(repeating.length()).subtract(BigInteger.ONE);
    // whole + fixed / 10^f + repeating / ((10^r - 1) 10^f)
    BigInteger denominator = shift.multiply(period);
    BigInteger numerator =
        new BigInteger(whole)
            .multiply(denominator)
            .add(new BigInteger(fixed.isEmpty() ? "0" : fixed).multiply(period))
            .add(new BigInteger(repeating));
    return "\\frac{" + numerator + "}{" + denominator + "}";
  }

  private static String mixedNumber(Matcher m) {
    BigInteger whole = new BigInteger(m.group(1));
    BigInteger numerator = new BigInteger(m.group(2));
    BigInteger denominator = new BigInteger(m.group(3));
    return "\\frac{" + whole.multiply(denominator).add(numerator) + "}{" + denominator + "}";
  }

  private static String stripUnits(String s) {
    Matcher shortUnit = NUMBER_WITH_SHORT_UNIT.matcher(s);
    if (shortUnit.matches()) {
      return shortUnit.group(1);
    }
    Matcher rate = RATE_UNIT.matcher(s);
    if (rate.matches()) {
      return rate.group(1).trim();
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
    int[] span = lastCommandSpan(s, command);
    return span == null ? null : s.substring(span[1] + 1, span[2]);
  }

  /**
   * Where the last complete {@code \command{...}} is: its start, its opening brace and its closing
   * brace; null when there is none.
   */
  static int[] lastCommandSpan(String s, String command) {
    return commandSpanBefore(s, command, s.length());
  }

  static int[] commandSpanBefore(String s, String command, int end) {
    String opener = "\\" + command + "{";
    int start = s.lastIndexOf(opener, end - opener.length());
    while (start >= 0) {
      int open = start + opener.length() - 1;
      int close = matchingBrace(s, open);
      if (close >= 0 && close < end) {
        return new int[] {start, open, close};
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
      Pattern pattern, String s, Function<Matcher, String> replacement) {
    Matcher m = pattern.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement.apply(m)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
