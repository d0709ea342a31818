package io.tributary.reward.math;

import io.tributary.reward.math.MathEquivalence.Tolerance;
import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Call;
import io.tributary.reward.math.MathExpr.Neg;
import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Percent;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Equality of two scalar expressions. Without variables: their values, exactly when both are
 * rational. With variables: equal values at every one of the fixed rational points ({@link
 * Sampling}) where both sides are defined, and at least {@link Sampling#MIN_DEFINED} such points;
 * otherwise (undefined nearly everywhere, a container inside arithmetic) the answer is "not equal",
 * the undecided case, never a guess.
 */
final class ScalarComparison {
  /** Double rounding in an identity of irrational terms, relative to the size of the values. */
  private static final double IDENTITY_RELATIVE = 1e-9;

  private final Tolerance tolerance;

  ScalarComparison(Tolerance tolerance) {
    this.tolerance = tolerance;
  }

  boolean same(MathExpr a, MathExpr b) {
    try {
      return sameOrThrow(a, b);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false; // a container inside arithmetic, e.g. "(1, 2) + 3": not a value
    }
  }

  private boolean sameOrThrow(MathExpr a, MathExpr b) {
    Set<String> names = new TreeSet<>(MathEval.variables(a));
    names.addAll(MathEval.variables(b));
    boolean decimalA = hasDecimal(a);
    boolean decimalB = hasDecimal(b);
    if (names.isEmpty()) {
      return close(MathEval.value(a, Map.of()), MathEval.value(b, Map.of()), decimalA, decimalB);
    }
    int compared = 0;
    for (Map<String, Real> point : Sampling.points(names)) {
      Real x = MathEval.value(a, point);
      Real y = MathEval.value(b, point);
      if (!x.isDefined() || !y.isDefined()) {
        continue;
      }
      boolean equal =
          x.isExact() && y.isExact()
              ? x.exact().equals(y.exact())
              : closeAtPoint(x.approx(), y.approx());
      if (!equal) {
        return false;
      }
      compared++;
    }
    return compared >= Sampling.MIN_DEFINED;
  }

  /**
   * Two values. Rationals exactly, except that a written decimal may stand for a rational whose
   * expansion does not end (0.333333 for 1/3); irrational values within the tolerance.
   */
  boolean close(Real x, Real y, boolean xWrittenAsDecimal, boolean yWrittenAsDecimal) {
    if (!x.isDefined() || !y.isDefined()) {
      return false;
    }
    if (x.isExact() && y.isExact()) {
      if (x.exact().equals(y.exact())) {
        return true;
      }
      boolean xRounds = xWrittenAsDecimal && !y.exact().terminates();
      boolean yRounds = yWrittenAsDecimal && !x.exact().terminates();
      return (xRounds || yRounds) && tolerance.equal(x.approx(), y.approx());
    }
    return tolerance.equal(x.approx(), y.approx());
  }

  private boolean closeAtPoint(double x, double y) {
    if (Double.isInfinite(x) || Double.isInfinite(y) || Double.isNaN(x) || Double.isNaN(y)) {
      return x == y;
    }
    double scale = Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    return Math.abs(x - y) <= Math.max(tolerance.absolute(), IDENTITY_RELATIVE) * scale;
  }

  static boolean hasDecimal(MathExpr e) {
    if (e instanceof Num n) {
      return n.decimal();
    }
    if (e instanceof Neg n) {
      return hasDecimal(n.operand());
    }
    if (e instanceof Percent p) {
      return hasDecimal(p.operand());
    }
    if (e instanceof Binary b) {
      return hasDecimal(b.left()) || hasDecimal(b.right());
    }
    if (e instanceof Call c) {
      return hasDecimal(c.argument());
    }
    return false;
  }
}
