package io.tributary.reward.math;

import java.util.List;

/**
 * The syntax tree of a parsed answer. Scalars ({@link Num}, {@link Var}, operators, functions) are
 * compared by value; the containers (tuples and intervals, sets, unions) and relations element by
 * element. Nothing here is ever run as code: {@link MathEval} walks the tree.
 */
public sealed interface MathExpr {
  /** A number; {@code \pi} and {@code \infty} are numbers too. */
  record Num(double value) implements MathExpr {}

  /** A one-letter variable (LaTeX reads {@code xy} as x times y). */
  record Var(String name) implements MathExpr {}

  record Neg(MathExpr operand) implements MathExpr {}

  enum Op {
    ADD,
    SUB,
    MUL,
    DIV,
    POW
  }

  record Binary(Op op, MathExpr left, MathExpr right) implements MathExpr {}

  enum Fn {
    SQRT,
    SIN,
    COS,
    TAN,
    LN,
    LOG10,
    EXP,
    ABS,
    FACTORIAL
  }

  record Call(Fn fn, MathExpr argument) implements MathExpr {}

  /** {@code 50%}: kept apart from 0.5 because a gold "50" should accept "50%" (Math-Verify). */
  record Percent(MathExpr operand) implements MathExpr {}

  /**
   * {@code (a, b)}, {@code [a, b)}, ...: a tuple or an interval, which cannot be told apart, so
   * both brackets and every element must match.
   */
  record Bracketed(char open, char close, List<MathExpr> items) implements MathExpr {}

  /**
   * {@code \{a, b\}} or a bare top-level list {@code a, b}: compared ignoring order, as Math-Verify
   * compares a FiniteSet.
   */
  record SetOf(List<MathExpr> items) implements MathExpr {}

  /** {@code A \cup B}: the parts compared in order. */
  record Union(List<MathExpr> parts) implements MathExpr {}

  enum Rel {
    EQ,
    LT,
    LE,
    GT,
    GE,
    NE
  }

  /** {@code x = 3}, {@code x \le 2}. */
  record Relation(Rel rel, MathExpr left, MathExpr right) implements MathExpr {}
}
