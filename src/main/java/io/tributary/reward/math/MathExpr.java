package io.tributary.reward.math;

import java.util.List;

/**
 * The syntax tree of a parsed answer. Scalars ({@link Num}, {@link Const}, {@link Var}, operators,
 * functions) are compared by value; containers (tuples and intervals, sets, unions, matrices) and
 * relations element by element; {@link Text} and {@link BaseNumber} as written. Nothing here is
 * ever run as code: {@link MathEval} walks the tree.
 */
public sealed interface MathExpr {
  /**
   * A number as written, exact. {@code decimal} marks one written with a decimal point or an
   * exponent ({@code 0.333333}): such a number may stand for a value it rounds (see {@link
   * MathEquivalence}).
   */
  record Num(BigRational value, boolean decimal) implements MathExpr {
    public static Num of(long n) {
      return new Num(BigRational.of(n), false);
    }
  }

  enum Constant {
    PI,
    E,
    INFINITY
  }

  /** {@code \pi}, Euler's {@code e}, {@code \infty}. */
  record Const(Constant constant) implements MathExpr {}

  /** A variable: one letter, with its subscript if any ({@code x_1}); LaTeX reads xy as x·y. */
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
    SIN,
    COS,
    TAN,
    SEC,
    CSC,
    COT,
    ARCSIN,
    ARCCOS,
    ARCTAN,
    SINH,
    COSH,
    TANH,
    LN,
    EXP,
    ABS,
    FLOOR,
    CEIL,
    FACTORIAL
  }

  record Call(Fn fn, MathExpr argument) implements MathExpr {}

  /** {@code 50%}: kept apart from 0.5 because a gold "50" accepts "50%" (Math-Verify). */
  record Percent(MathExpr operand) implements MathExpr {}

  /**
   * {@code (a, b)}, {@code [a, b)}, ...: a tuple or an interval, which cannot be told apart, so
   * both brackets and every element must match.
   */
  record Bracketed(char open, char close, List<MathExpr> items) implements MathExpr {}

  /**
   * {@code \{a, b\}} ({@code braced}), or a bare list {@code a, b} or several boxes: compared
   * ignoring order. Only a bare list may also answer a tuple, in order: a set in braces is not a
   * point.
   */
  record SetOf(List<MathExpr> items, boolean braced) implements MathExpr {
    public static SetOf bare(List<MathExpr> items) {
      return new SetOf(items, false);
    }
  }

  /** {@code A \cup B}: the parts compared ignoring order. */
  record Union(List<MathExpr> parts) implements MathExpr {}

  /** {@code pmatrix}, {@code bmatrix}, {@code array}: rows of entries. */
  record Matrix(List<List<MathExpr>> rows) implements MathExpr {}

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

  /** A chain {@code a \le x < b}: the relations between neighbours, all of which hold. */
  record Conjunction(List<Relation> relations) implements MathExpr {}

  /** A word answer ({@code \text{Evelyn}}, a choice letter): lower case, single spaces. */
  record Text(String words) implements MathExpr {}

  /** {@code 204_5}: digits in a base, compared as written (the question asked for that base). */
  record BaseNumber(String digits, int base) implements MathExpr {}
}
