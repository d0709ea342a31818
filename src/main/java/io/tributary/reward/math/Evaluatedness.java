package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Call;
import io.tributary.reward.math.MathExpr.Neg;
import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Op;
import io.tributary.reward.math.MathExpr.Percent;
import java.math.BigInteger;
import java.util.Map;

/**
 * Whether an answer is a finished value ({@link AnswerForm#VALUE}). Arithmetic that a reader could
 * still carry out exactly ({@code 7+5+2-1}, {@code 3 \cdot 4}, {@code 2^{10}}, {@code 5!}, {@code
 * \sqrt{4}}) is not; a fraction of integers, a surd ({@code 3\sqrt{2}}), a multiple of pi, a
 * percentage and scientific notation ({@code 1.5 \times 10^{3}}) are, because no exact step
 * simplifies them further.
 */
final class Evaluatedness {
  private Evaluatedness() {}

  /** A gold answer that is a number written as a value (so the rule applies to the answer). */
  static boolean isNumber(MathExpr gold) {
    try {
      return MathEval.variables(gold).isEmpty()
          && MathEval.value(gold, Map.of()).isDefined()
          && isValue(gold);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean isValue(MathExpr e) {
    try {
      return !hasOpenArithmetic(e);
    } catch (IllegalArgumentException e2) {
      return true; // not a single value: equivalence decides
    }
  }

  private static boolean hasOpenArithmetic(MathExpr e) {
    if (e instanceof Neg n) {
      return hasOpenArithmetic(n.operand());
    }
    if (e instanceof Percent p) {
      return hasOpenArithmetic(p.operand());
    }
    if (e instanceof Call c) {
      return evaluatesExactly(c) || hasOpenArithmetic(c.argument());
    }
    if (e instanceof Binary b) {
      if (isScientific(b) || isFraction(b)) {
        return false;
      }
      return evaluatesExactly(b) || hasOpenArithmetic(b.left()) || hasOpenArithmetic(b.right());
    }
    return false;
  }

  private static boolean evaluatesExactly(MathExpr e) {
    return MathEval.variables(e).isEmpty() && MathEval.value(e, Map.of()).isExact();
  }

  /** {@code 3/4}, {@code \frac{-3}{4}}: a fraction of integers is a value. */
  private static boolean isFraction(Binary b) {
    return b.op() == Op.DIV && isIntegerLiteral(b.left()) && isIntegerLiteral(b.right());
  }

  /** {@code 1.5 \times 10^{3}}, {@code 10^{-4}}. */
  private static boolean isScientific(Binary b) {
    if (b.op() == Op.POW) {
      return b.left() instanceof Num ten
          && ten.value().equals(BigRational.of(10))
          && isIntegerLiteral(b.right());
    }
    return b.op() == Op.MUL
        && (b.left() instanceof Num || b.left() instanceof Neg n && n.operand() instanceof Num)
        && b.right() instanceof Binary power
        && power.op() == Op.POW
        && isScientific(power);
  }

  private static boolean isIntegerLiteral(MathExpr e) {
    if (e instanceof Neg n) {
      return isIntegerLiteral(n.operand());
    }
    return e instanceof Num n
        && !n.decimal()
        && n.value().isInteger()
        && n.value().numerator().abs().compareTo(BigInteger.ZERO) >= 0;
  }
}
