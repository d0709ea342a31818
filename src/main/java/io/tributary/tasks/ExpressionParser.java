package io.tributary.tasks;

/**
 * A recursive-descent parser for answers such as {@code (25-5)*4+1}; nothing is evaluated as code.
 * Grammar (spaces allowed between tokens, no unary minus, integer literals only):
 *
 * <pre>
 * expression := term (('+' | '-') term)*
 * term       := factor (('*' | '/') factor)*
 * factor     := number | '(' expression ')'
 * number     := digit+            (at most 12 digits)
 * </pre>
 *
 * <p>Text length and nesting are bounded so that a degenerate sample cannot exhaust the stack.
 */
public final class ExpressionParser {
  public static final int MAX_LENGTH = 256;
  public static final int MAX_DEPTH = 32;
  private static final int MAX_DIGITS = 12;

  private final String text;
  private int position;
  private int depth;

  private ExpressionParser(String text) {
    this.text = text;
  }

  public static Expression parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ExpressionSyntaxException(0, "got nothing, expected an expression");
    }
    if (text.length() > MAX_LENGTH) {
      throw new ExpressionSyntaxException(
          MAX_LENGTH, "got " + text.length() + " characters, expected at most " + MAX_LENGTH);
    }
    ExpressionParser parser = new ExpressionParser(text);
    Expression expression = parser.expression();
    parser.skipSpaces();
    if (parser.position < text.length()) {
      throw parser.unexpected("an operator or the end");
    }
    return expression;
  }

  private Expression expression() {
    Expression left = term();
    for (char next = peek(); next == '+' || next == '-'; next = peek()) {
      position++;
      left = new Expression.Binary(Operator.fromSymbol(next), left, term());
    }
    return left;
  }

  private Expression term() {
    Expression left = factor();
    for (char next = peek(); next == '*' || next == '/'; next = peek()) {
      position++;
      left = new Expression.Binary(Operator.fromSymbol(next), left, factor());
    }
    return left;
  }

  private Expression factor() {
    char next = peek();
    if (next == '(') {
      if (++depth > MAX_DEPTH) {
        throw new ExpressionSyntaxException(
            position, "parentheses nested deeper than " + MAX_DEPTH);
      }
      position++;
      Expression inner = expression();
      if (peek() != ')') {
        throw unexpected("')'");
      }
      position++;
      depth--;
      return inner;
    }
    if (isAsciiDigit(next)) {
      int start = position;
      while (position < text.length() && isAsciiDigit(text.charAt(position))) {
        position++;
      }
      if (position - start > MAX_DIGITS) {
        throw new ExpressionSyntaxException(
            start, "number with " + (position - start) + " digits, expected at most " + MAX_DIGITS);
      }
      return new Expression.Literal(Long.parseLong(text.substring(start, position)));
    }
    throw unexpected("a number or '('");
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The next non-space character, or 0 at the end. */
  private char peek() {
    skipSpaces();
    return position < text.length() ? text.charAt(position) : 0;
  }

  private void skipSpaces() {
    while (position < text.length() && text.charAt(position) == ' ') {
      position++;
    }
  }

  private ExpressionSyntaxException unexpected(String expected) {
    String got = position < text.length() ? "'" + text.charAt(position) + "'" : "the end";
    return new ExpressionSyntaxException(position, "got " + got + ", expected " + expected);
  }
}
