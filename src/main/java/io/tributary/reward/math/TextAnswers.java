package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Text;
import io.tributary.reward.math.MathExpr.Var;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Word answers: {@code \text{Evelyn}} equals {@code Evelyn} and {@code evelyn}, a choice letter
 * {@code (C)} equals {@code C}. Case, punctuation and filler words around the answer ("the answer
 * is", "option") do not count; any other word does, so "not Evelyn" is not "Evelyn".
 */
final class TextAnswers {
  private static final Set<String> FILLER =
      Set.of(
          "the",
          "and",
          "a",
          "an",
          "answer",
          "final",
          "is",
          "it",
          "so",
          "thus",
          "therefore",
          "option",
          "choice",
          "correct");

  /** A longer text is an explanation, not a word answer; such a gold answer is not applicable. */
  static final int MAX_WORDS = 6;

  private TextAnswers() {}

  static boolean same(MathExpr a, MathExpr b) {
    String x = words(a);
    String y = words(b);
    return x != null && y != null && !x.isEmpty() && x.equals(y);
  }

  private static String words(MathExpr e) {
    String raw;
    if (e instanceof Text t) {
      raw = t.words();
    } else if (e instanceof Var v && v.name().length() == 1) {
      raw = v.name();
    } else if (e instanceof Num n && n.value().isInteger() && !n.decimal()) {
      raw = n.value().toString();
    } else {
      return null;
    }
    return Arrays.stream(raw.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(w -> !w.isEmpty() && !FILLER.contains(w))
        .collect(Collectors.joining(" "));
  }

  private static final Pattern TEXT_ONLY =
      Pattern.compile(
          "\\$?\\\\(?:text|textbf|textit|textrm|mathrm|mbox)\\{\\s*([\\p{L} ]+?)\\s*\\}\\$?");
  private static final Pattern SHORT_WORD =
      Pattern.compile(
          "[A-Z][a-z]+|[A-Z]{2,}|(?i:yes|no|true|false|none|neither|both|never|always)");
  private static final Set<String> MATH_WORDS =
      Set.of("pi", "ln", "log", "exp", "sin", "cos", "tan", "sec", "csc", "cot", "oo", "inf");

  /**
   * A word that the math lexer would split into a product of variables: {@code \text{No}}, {@code
   * Yes}, {@code Ann}. A whole answer in {@code \text{}} with at least two letters, or a
   * capitalised word, is a word; null otherwise.
   */
  static Text wordAnswer(String raw, String normalised) {
    Matcher wrapped = TEXT_ONLY.matcher(raw.trim());
    String candidate = null;
    if (wrapped.matches() && wrapped.group(1).replace(" ", "").length() >= 2) {
      candidate = wrapped.group(1);
    } else if (SHORT_WORD.matcher(normalised).matches()) {
      candidate = normalised;
    }
    if (candidate == null || MATH_WORDS.contains(candidate.toLowerCase(Locale.ROOT))) {
      return null;
    }
    return new Text(candidate.toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " "));
  }

  /** A word answer as written, or null when the text is not one (it has math symbols). */
  static Text parse(String normalised) {
    String s = normalised.trim();
    if (s.isEmpty()
        || !s.matches("[\\p{L}\\p{N} ,.'()\\-]+")
        || !s.matches(".*\\p{L}.*")
        || s.split("\\s+").length > MAX_WORDS) {
      return null;
    }
    return new Text(s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
  }
}
