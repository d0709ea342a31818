package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Call;
import io.tributary.reward.math.MathExpr.Conjunction;
import io.tributary.reward.math.MathExpr.Const;
import io.tributary.reward.math.MathExpr.Matrix;
import io.tributary.reward.math.MathExpr.Neg;
import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Percent;
import io.tributary.reward.math.MathExpr.Relation;
import io.tributary.reward.math.MathExpr.SetOf;
import io.tributary.reward.math.MathExpr.Union;
import io.tributary.reward.math.MathExpr.Var;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure evaluation of scalar trees: exact rational arithmetic while the steps allow it, double
 * precision after the first irrational step (see {@link Real}). Variables take values from a map.
 */
public final class MathEval {
  /** Factorials above this are not needed by any answer and would cost seconds. */
  private static final int MAX_FACTORIAL = 2000;

  private MathEval() {}

  /** Whether the tree is a single value (not a container, relation or word). */
  public static boolean isScalar(MathExpr expr) {
    return expr instanceof Num
        || expr instanceof Const
        || expr instanceof Var
        || expr instanceof Neg
        || expr instanceof Binary
        || expr instanceof Call
        || expr instanceof Percent;
  }

  /**
   * The value of a scalar expression; {@link Real#UNDEFINED} where it has none (0/0, a root of a
   * negative number). Throws IllegalArgumentException for a container inside arithmetic or a
   * variable without a value.
   */
  public static Real value(MathExpr expr, Map<String, Real> variables) {
    // Java 17: instanceof chains, since pattern switches are a later feature
    if (expr instanceof Num n) {
      return Real.exact(n.value());
    }
    if (expr instanceof Const c) {
      return switch (c.constant()) {
        case PI -> Real.approx(Math.PI);
        case E -> Real.approx(Math.E);
        case INFINITY -> Real.approx(Double.POSITIVE_INFINITY);
      };
    }
    if (expr instanceof Var v) {
      Real value = variables.get(v.name());
      if (value == null) {
        throw new IllegalArgumentException("no value for variable " + v.name());
      }
      return value;
    }
    if (expr instanceof Neg n) {
      return value(n.operand(), variables).negate();
    }
    if (expr instanceof Percent p) {
      return value(p.operand(), variables).divide(Real.exact(BigRational.of(100)));
    }
    if (expr instanceof Binary b) {
      return binary(b, variables);
    }
    if (expr instanceof Call c) {
      return call(c, variables);
    }
    throw new IllegalArgumentException("not a single value: " + expr);
  }

  private static Real binary(Binary b, Map<String, Real> variables) {
    Real left = value(b.left(), variables);
    Real right = value(b.right(), variables);
    if (!left.isDefined() || !right.isDefined()) {
      return Real.UNDEFINED;
    }
    return switch (b.op()) {
      case ADD -> left.add(right);
      case SUB -> left.subtract(right);
      case MUL -> left.multiply(right);
      case DIV -> left.divide(right);
      case POW -> left.pow(right);
    };
  }

  private static Real call(Call c, Map<String, Real> variables) {
    Real x = value(c.argument(), variables);
    if (!x.isDefined()) {
      return x;
    }
    double v = x.approx();
    return switch (c.fn()) {
      case SIN -> x.isExact() && x.signum() == 0 ? x : Real.approx(Math.sin(v));
      case COS -> x.isExact() && x.signum() == 0 ? one() : Real.approx(Math.cos(v));
      case TAN -> x.isExact() && x.signum() == 0 ? x : Real.approx(Math.tan(v));
      case SEC -> Real.approx(1 / Math.cos(v));
      case CSC -> Real.approx(1 / Math.sin(v));
      case COT -> Real.approx(1 / Math.tan(v));
      case ARCSIN -> Real.approx(Math.asin(v));
      case ARCCOS -> Real.approx(Math.acos(v));
      case ARCTAN -> Real.approx(Math.atan(v));
      case SINH -> Real.approx(Math.sinh(v));
      case COSH -> Real.approx(Math.cosh(v));
      case TANH -> Real.approx(Math.tanh(v));
      case LN ->
          v <= 0
              ? Real.UNDEFINED
              : x.isExact() && x.exact().equals(BigRational.ONE)
                  ? Real.exact(BigRational.ZERO)
                  : Real.approx(Math.log(v));
      case EXP -> x.isExact() && x.signum() == 0 ? one() : Real.approx(Math.exp(v));
      case ABS -> x.signum() < 0 ? x.negate() : x;
      case FLOOR -> x.isExact() ? floor(x.exact()) : Real.approx(Math.floor(v));
      case CEIL -> x.isExact() ? floor(x.exact().negate()).negate() : Real.approx(Math.ceil(v));
      case FACTORIAL -> factorial(x);
    };
  }

  private static Real one() {
    return Real.exact(BigRational.ONE);
  }

  private static Real floor(BigRational r) {
    BigInteger[] qr = r.numerator().divideAndRemainder(r.denominator());
    BigInteger q = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    return Real.exact(BigRational.of(q));
  }

  /** n! for whole n, exactly; undefined otherwise. */
  private static Real factorial(Real x) {
    if (!x.isExact() || !x.exact().isInteger() || x.signum() < 0) {
      return Real.UNDEFINED;
    }
    BigInteger n = x.exact().numerator();
    if (n.compareTo(BigInteger.valueOf(MAX_FACTORIAL)) > 0) {
      return Real.approx(Double.POSITIVE_INFINITY);
    }
    BigInteger result = BigInteger.ONE;
    for (int i = 2; i <= n.intValue(); i++) {
      result = result.multiply(BigInteger.valueOf(i));
    }
    return Real.exact(BigRational.of(result));
  }

  /** The variables an expression mentions, sorted. */
  public static Set<String> variables(MathExpr expr) {
    Set<String> names = new TreeSet<>();
    collect(expr, names);
    return names;
  }

  private static void collect(MathExpr expr, Set<String> names) {
    if (expr instanceof Var v) {
      names.add(v.name());
    } else if (expr instanceof Neg n) {
      collect(n.operand(), names);
    } else if (expr instanceof Percent p) {
      collect(p.operand(), names);
    } else if (expr instanceof Binary b) {
      collect(b.left(), names);
      collect(b.right(), names);
    } else if (expr instanceof Call c) {
      collect(c.argument(), names);
    } else if (expr instanceof Bracketed b) {
      b.items().forEach(item -> collect(item, names));
    } else if (expr instanceof SetOf s) {
      s.items().forEach(item -> collect(item, names));
    } else if (expr instanceof Union u) {
      u.parts().forEach(part -> collect(part, names));
    } else if (expr instanceof Matrix m) {
      m.rows().forEach(row -> row.forEach(item -> collect(item, names)));
    } else if (expr instanceof Relation r) {
      collect(r.left(), names);
      collect(r.right(), names);
    } else if (expr instanceof Conjunction c) {
      c.relations().forEach(r -> collect(r, names));
    }
  }
}
