package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Text;
import io.tributary.reward.math.MathExpr.Var;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
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
