package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Percent;
import io.tributary.reward.math.MathExpr.Rel;
import io.tributary.reward.math.MathExpr.Relation;
import io.tributary.reward.math.MathExpr.SetOf;
import io.tributary.reward.math.MathExpr.Union;
import io.tributary.reward.math.MathExpr.Var;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether two parsed answers mean the same, following Hugging Face Math-Verify's {@code verify}:
 * scalars by value within a tolerance (expressions with variables at fixed sample points), tuples
 * and intervals element by element with matching brackets, sets ignoring order, {@code x = 3}
 * against {@code 3}, and a percentage against both its fraction and its number.
 */
public final class MathEquivalence {
  /**
   * Two values are equal when {@code |a - b| <= absolute + relative * max(|a|, |b|)}. The defaults
   * accept 1/3 against 0.333333 (Math-Verify rounds floats to 6 places) while keeping 1000000 and
   * 1000001 apart (Math-Verify compares integers exactly).
   */
  public record Tolerance(double absolute, double relative) {
    public static final Tolerance DEFAULT = new Tolerance(1e-6, 1e-9);

    public Tolerance {
      if (!(absolute >= 0) || !(relative >= 0)) {
        throw new IllegalArgumentException(
            "tolerances must be non-negative, got " + absolute + ", " + relative);
      }
    }

    boolean equal(double a, double b) {
      if (Double.isNaN(a) || Double.isNaN(b)) {
        return false;
      }
      if (Double.isInfinite(a) || Double.isInfinite(b)) {
        return a == b;
      }
      return Math.abs(a - b) <= absolute + relative * Math.max(Math.abs(a), Math.abs(b));
    }
  }

  private static final int SAMPLE_POINTS = 3;

  private MathEquivalence() {}

  public static boolean equivalent(MathExpr gold, MathExpr answer, Tolerance tolerance) {
    MathExpr a = unwrapSingleton(gold);
    MathExpr b = unwrapSingleton(answer);
    // "x = 3" answers "3", and the other way round
    if (isAssignment(a) && !(b instanceof Relation)) {
      return equivalent(((Relation) a).right(), b, tolerance);
    }
    if (isAssignment(b) && !(a instanceof Relation)) {
      return equivalent(a, ((Relation) b).right(), tolerance);
    }
    if (a instanceof SetOf sa && b instanceof SetOf sb) {
      return sameSet(sa.items(), sb.items(), tolerance);
    }
    if (a instanceof Bracketed ba && b instanceof Bracketed bb) {
      return ba.open() == bb.open()
          && ba.close() == bb.close()
          && inOrder(ba.items(), bb.items(), tolerance);
    }
    // a bare "1, 2" answers the tuple "(1, 2)", in order
    if (a instanceof Bracketed ba && b instanceof SetOf sb && isTuple(ba)) {
      return inOrder(ba.items(), sb.items(), tolerance);
    }
    if (a instanceof SetOf sa && b instanceof Bracketed bb && isTuple(bb)) {
      return inOrder(sa.items(), bb.items(), tolerance);
    }
    if (a instanceof Union ua && b instanceof Union ub) {
      return inOrder(ua.parts(), ub.parts(), tolerance);
    }
    if (a instanceof Relation ra && b instanceof Relation rb) {
      return sameRelation(ra, rb, tolerance);
    }
    if (MathEval.isScalar(a) && MathEval.isScalar(b)) {
      return sameScalar(a, b, tolerance);
    }
    return false;
  }

  private static MathExpr unwrapSingleton(MathExpr e) {
    return e instanceof SetOf s && s.items().size() == 1 ? s.items().get(0) : e;
  }

  private static boolean isAssignment(MathExpr e) {
    return e instanceof Relation r && r.rel() == Rel.EQ && r.left() instanceof Var;
  }

  private static boolean isTuple(Bracketed b) {
    return b.open() == '(' && b.close() == ')';
  }

  private static boolean inOrder(List<MathExpr> a, List<MathExpr> b, Tolerance tolerance) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!equivalent(a.get(i), b.get(i), tolerance)) {
        return false;
      }
    }
    return true;
  }

  /** Greedy matching; each answer element is used once. */
  private static boolean sameSet(List<MathExpr> a, List<MathExpr> b, Tolerance tolerance) {
    if (a.size() != b.size()) {
      return false;
    }
    boolean[] used = new boolean[b.size()];
    outer:
    for (MathExpr x : a) {
      for (int j = 0; j < b.size(); j++) {
        if (!used[j] && equivalent(x, b.get(j), tolerance)) {
          used[j] = true;
          continue outer;
        }
      }
      return false;
    }
    return true;
  }

  private static boolean sameRelation(Relation a, Relation b, Tolerance tolerance) {
    boolean sameSides =
        equivalent(a.left(), b.left(), tolerance) && equivalent(a.right(), b.right(), tolerance);
    boolean swappedSides =
        equivalent(a.left(), b.right(), tolerance) && equivalent(a.right(), b.left(), tolerance);
    if (a.rel() == b.rel() && sameSides) {
      return true;
    }
    return mirror(a.rel()) == b.rel() && swappedSides; // x < 3 is 3 > x; x = y is y = x
  }

  private static Rel mirror(Rel rel) {
    return switch (rel) {
      case LT -> Rel.GT;
      case GT -> Rel.LT;
      case LE -> Rel.GE;
      case GE -> Rel.LE;
      case EQ -> Rel.EQ;
      case NE -> Rel.NE;
    };
  }

  private static boolean sameScalar(MathExpr a, MathExpr b, Tolerance tolerance) {
    if (sameValue(a, b, tolerance)) {
      return true;
    }
    // Math-Verify accepts "50%" for a gold "50" as well as for "0.5"
    return (a instanceof Percent pa
            && !(b instanceof Percent)
            && sameValue(pa.operand(), b, tolerance))
        || (b instanceof Percent pb
            && !(a instanceof Percent)
            && sameValue(a, pb.operand(), tolerance));
  }

  /**
   * Equal values, or for expressions with variables equal values at a few fixed points (the numeric
   * identity test; points where either side is undefined are skipped).
   */
  private static boolean sameValue(MathExpr a, MathExpr b, Tolerance tolerance) {
    try {
      return sameValueAtSamples(a, b, tolerance);
    } catch (IllegalArgumentException e) {
      return false; // a container inside arithmetic, e.g. "(1, 2) + 3": not a value
    }
  }

  private static boolean sameValueAtSamples(MathExpr a, MathExpr b, Tolerance tolerance) {
    Set<String> names = new TreeSet<>(MathEval.variables(a));
    names.addAll(MathEval.variables(b));
    if (names.isEmpty()) {
      return tolerance.equal(MathEval.value(a, Map.of()), MathEval.value(b, Map.of()));
    }
    int compared = 0;
    for (int k = 0; k < SAMPLE_POINTS; k++) {
      Map<String, Double> point = new HashMap<>();
      for (String name : names) {
        point.put(name, sample(name, k));
      }
      double x = MathEval.value(a, point);
      double y = MathEval.value(b, point);
      if (Double.isNaN(x) || Double.isNaN(y)) {
        continue;
      }
      if (!tolerance.equal(x, y)) {
        return false;
      }
      compared++;
    }
    return compared > 0;
  }

  /** A fixed value in [0.3, 2.7) per variable and point: irrational steps avoid coincidences. */
  private static double sample(String name, int k) {
    double step = name.hashCode() * 0.6180339887 + (k + 1) * 0.7548776662;
    return 0.3 + (step - Math.floor(step)) * 2.4;
  }
}
