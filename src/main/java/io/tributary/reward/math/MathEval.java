package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Call;
import io.tributary.reward.math.MathExpr.Neg;
import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Percent;
import io.tributary.reward.math.MathExpr.Relation;
import io.tributary.reward.math.MathExpr.SetOf;
import io.tributary.reward.math.MathExpr.Union;
import io.tributary.reward.math.MathExpr.Var;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Pure evaluation of scalar trees in double precision; variables take values from a map. */
public final class MathEval {
  private MathEval() {}

  /** The value of a scalar expression; NaN where it is undefined (0/0, sqrt(-1)). */
  public static double value(MathExpr expr, Map<String, Double> variables) {
    // Java 17: instanceof chains, since pattern switches are a later feature
    if (expr instanceof Num n) {
      return n.value();
    }
    if (expr instanceof Var v) {
      Double value = variables.get(v.name());
      if (value == null) {
        throw new IllegalArgumentException("no value for variable " + v.name());
      }
      return value;
    }
    if (expr instanceof Neg n) {
      return -value(n.operand(), variables);
    }
    if (expr instanceof Percent p) {
      return value(p.operand(), variables) / 100.0;
    }
    if (expr instanceof Binary b) {
      return binary(b, variables);
    }
    if (expr instanceof Call c) {
      return call(c, variables);
    }
    throw new IllegalArgumentException("not a single value: " + expr);
  }

  private static double binary(Binary b, Map<String, Double> variables) {
    double left = value(b.left(), variables);
    double right = value(b.right(), variables);
    return switch (b.op()) {
      case ADD -> left + right;
      case SUB -> left - right;
      case MUL -> left * right;
      case DIV -> left / right;
      case POW -> Math.pow(left, right);
    };
  }

  private static double call(Call c, Map<String, Double> variables) {
    double x = value(c.argument(), variables);
    return switch (c.fn()) {
      case SQRT -> Math.sqrt(x);
      case SIN -> Math.sin(x);
      case COS -> Math.cos(x);
      case TAN -> Math.tan(x);
      case LN -> Math.log(x);
      case LOG10 -> Math.log10(x);
      case EXP -> Math.exp(x);
      case ABS -> Math.abs(x);
      case FACTORIAL -> factorial(x);
    };
  }

  /** n! for whole n up to 170 (beyond that a double overflows); NaN otherwise. */
  private static double factorial(double x) {
    if (x < 0 || x != Math.rint(x) || x > 170) {
      return Double.NaN;
    }
    double result = 1;
    for (int i = 2; i <= (int) x; i++) {
      result *= i;
    }
    return result;
  }

  public static boolean isScalar(MathExpr expr) {
    return !(expr instanceof Bracketed
        || expr instanceof SetOf
        || expr instanceof Union
        || expr instanceof Relation);
  }

  /** The variables a scalar expression mentions, sorted. */
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
    } else if (expr instanceof Relation r) {
      collect(r.left(), names);
      collect(r.right(), names);
    }
  }
}
