package io.tributary.tasks;

/** The four operators of countdown and arithmetic, with the usual precedence. */
public enum Operator {
  PLUS('+', 1),
  MINUS('-', 1),
  TIMES('*', 2),
  DIVIDE('/', 2);

  private final char symbol;
  private final int precedence;

  Operator(char symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  public char symbol() {
    return symbol;
  }

  public int precedence() {
    return precedence;
  }

  public Rational apply(Rational left, Rational right) {
    return switch (this) {
      case PLUS -> left.add(right);
      case MINUS -> left.subtract(right);
      case TIMES -> left.multiply(right);
      case DIVIDE -> left.divide(right);
    };
  }

  public static Operator fromSymbol(char symbol) {
    for (Operator operator : values()) {
      if (operator.symbol == symbol) {
        return operator;
      }
    }
    throw new IllegalArgumentException("operator: got '" + symbol + "', expected one of + - * /");
  }
}
