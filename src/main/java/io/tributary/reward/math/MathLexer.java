package io.tributary.reward.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits normalised LaTeX or plain math into tokens: numbers ({@code 12}, {@code 0.5}, {@code
 * 1.5e-3}), single letters, commands ({@code \frac}, and bare words such as {@code sqrt} or {@code
 * pi} that plain-text answers use) and one-character symbols.
 */
final class MathLexer {
  enum Kind {
    NUMBER,
    LETTER,
    COMMAND,
    SYMBOL,
    END
  }

  record Token(Kind kind, String text, int position) {
    boolean is(Kind k, String t) {
      return kind == k && text.equals(t);
    }

    boolean isSymbol(char c) {
      return kind == Kind.SYMBOL && text.charAt(0) == c;
    }
  }

  /** Words a plain-text answer may write without a backslash; longest first. */
  private static final List<String> BARE_WORDS =
      List.of(
          "arcsin", "arccos", "arctan", "infty", "sqrt", "frac", "cdot", "times", "sinh", "cosh",
          "tanh", "sin", "cos", "tan", "sec", "csc", "cot", "exp", "pi", "ln", "log", "inf", "oo",
          "cup");

  private static final Map<Character, String> UNICODE =
      Map.of(
          'π', "pi", '√', "sqrt", '∞', "infty", '×', "times", '÷', "div", '·', "cdot", '≤', "le",
          '≥', "ge", '≠', "ne", '∪', "cup");

  private MathLexer() {}

  static List<Token> tokenize(String s) throws MathParseException {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (isDigit(c) || (c == '.' && i + 1 < s.length() && isDigit(s.charAt(i + 1)))) {
        int end = number(s, i);
        tokens.add(new Token(Kind.NUMBER, s.substring(i, end), i));
        i = end;
      } else if (c == '\\') {
        int end = i + 1;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
          end++;
        }
        if (end == i + 1) {
          if (end >= s.length()) {
            throw new MathParseException("a lone backslash at the end");
          }
          end++; // \{ \} \| and friends: one character
        }
        tokens.add(new Token(Kind.COMMAND, s.substring(i + 1, end), i));
        i = end;
      } else if (isAsciiLetter(c)) {
        int end = i;
        while (end < s.length() && isAsciiLetter(s.charAt(end))) {
          end++;
        }
        letters(s.substring(i, end), i, tokens);
        i = end;
      } else if (UNICODE.containsKey(c)) {
        tokens.add(new Token(Kind.COMMAND, UNICODE.get(c), i));
        i++;
      } else if (c == '−' || c == '–') {
        tokens.add(new Token(Kind.SYMBOL, "-", i));
        i++;
      } else if ("+-*/^()[]{},;=<>!%|_'&".indexOf(c) >= 0) {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), i));
        i++;
      } else {
        throw new MathParseException("unexpected character '" + c + "' at " + i);
      }
    }
    tokens.add(new Token(Kind.END, "", s.length()));
    return tokens;
  }

  /** Digits, an optional fraction, and an exponent only when digits follow the {@code e}. */
  private static int number(String s, int start) {
    int i = start;
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    if (i + 1 < s.length() && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
      i++;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
    } else if (i < s.length() && s.charAt(i) == '.' && i > start) {
      i++; // "3." is 3
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      if (j < s.length() && isDigit(s.charAt(j))) {
        while (j < s.length() && isDigit(s.charAt(j))) {
          j++;
        }
        return j;
      }
    }
    return i;
  }

  /**
   * A run of letters: bare words, else single-letter variables. Three plain letters in a row are
   * prose ("the mitochondria"), not a product of variables, and make the text unparseable.
   */
  private static void letters(String run, int position, List<Token> tokens)
      throws MathParseException {
    int i = 0;
    int plainInARow = 0;
    outer:
    while (i < run.length()) {
      for (String word : BARE_WORDS) {
        if (run.startsWith(word, i)) {
          tokens.add(new Token(Kind.COMMAND, word, position + i));
          i += word.length();
          plainInARow = 0;
          continue outer;
        }
      }
      if (++plainInARow == 3) {
        throw new MathParseException("the word '" + run + "' at " + position + " is not math");
      }
      tokens.add(new Token(Kind.LETTER, String.valueOf(run.charAt(i)), position + i));
      i++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
