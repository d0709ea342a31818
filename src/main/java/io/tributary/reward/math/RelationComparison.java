package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.Binary;
import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Conjunction;
import io.tributary.reward.math.MathExpr.Const;
import io.tributary.reward.math.MathExpr.Constant;
import io.tributary.reward.math.MathExpr.Neg;
import io.tributary.reward.math.MathExpr.Op;
import io.tributary.reward.math.MathExpr.Rel;
import io.tributary.reward.math.MathExpr.Relation;
import io.tributary.reward.math.MathExpr.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Equations and inequalities. An equation {@code l = r} is the expression {@code l - r}; two
 * equations are the same when their expressions are equal up to a non-zero constant factor (so
 * {@code 2x + 2y = 4} is {@code x + y = 2}). An inequality is {@code f > 0} or {@code f >= 0} after
 * moving everything to one side; two are the same when the strictness matches and the factor is
 * positive (so {@code x < 1} is {@code -x > -1}). A variable bounded on one or both sides, or
 * {@code x \in [a, b]}, is also read as an interval, so {@code x \in [a, b]} equals {@code a \le x
 * \le b} and {@code [a, b]}.
 */
final class RelationComparison {
  /** A variable and the interval it lies in. */
  private record Range(String variable, Bracketed interval) {}

  private final MathEquivalence equivalence;
  private final ScalarComparison scalars;

  RelationComparison(MathEquivalence equivalence, ScalarComparison scalars) {
    this.equivalence = equivalence;
    this.scalars = scalars;
  }

  boolean same(MathExpr a, MathExpr b) {
    Optional<Range> ra = range(a);
    Optional<Range> rb = range(b);
    if (ra.isPresent() && rb.isPresent()) {
      String va = ra.get().variable();
      String vb = rb.get().variable();
      if (va == null || vb == null || va.equals(vb)) {
        return equivalence.equivalent(ra.get().interval(), rb.get().interval());
      }
    }
    if (a instanceof Relation x && b instanceof Relation y) {
      return sameRelation(x, y);
    }
    if (a instanceof Conjunction x && b instanceof Conjunction y) {
      return sameChain(x.relations(), y.relations())
          || sameChain(x.relations(), reversed(y.relations()));
    }
    return false;
  }

  private boolean sameChain(List<Relation> a, List<Relation> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!sameRelation(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static List<Relation> reversed(List<Relation> relations) {
    List<Relation> result = new ArrayList<>(relations);
    java.util.Collections.reverse(result);
    return result;
  }

  private boolean sameRelation(Relation a, Relation b) {
    // side by side first: this also covers sides that are not scalars (x = [1, 2])
    if (a.rel() == b.rel()
        && equivalence.equivalent(a.left(), b.left())
        && equivalence.equivalent(a.right(), b.right())) {
      return true;
    }
    if (mirror(a.rel()) == b.rel()
        && equivalence.equivalent(a.left(), b.right())
        && equivalence.equivalent(a.right(), b.left())) {
      return true;
    }
    if (!(MathEval.isScalar(a.left())
        && MathEval.isScalar(a.right())
        && MathEval.isScalar(b.left())
        && MathEval.isScalar(b.right()))) {
      return false;
    }
    return switch (a.rel()) {
      case EQ, NE -> a.rel() == b.rel() && proportional(difference(a), difference(b), false);
      case LT, LE, GT, GE ->
          !(b.rel() == Rel.EQ || b.rel() == Rel.NE)
              && isStrict(a.rel()) == isStrict(b.rel())
              && proportional(positivePart(a), positivePart(b), true);
    };
  }

  private static boolean isStrict(Rel rel) {
    return rel == Rel.LT || rel == Rel.GT;
  }

  private static MathExpr difference(Relation r) {
    return new Binary(Op.SUB, r.left(), r.right());
  }

  /** The f of {@code f > 0} or {@code f >= 0}. */
  private static MathExpr positivePart(Relation r) {
    return r.rel() == Rel.GT || r.rel() == Rel.GE
        ? new Binary(Op.SUB, r.left(), r.right())
        : new Binary(Op.SUB, r.right(), r.left());
  }

  /** Whether f = c·g for one constant c (non-zero; positive when asked) at every sample point. */
  private boolean proportional(MathExpr f, MathExpr g, boolean positive) {
    Set<String> names = new TreeSet<>(MathEval.variables(f));
    names.addAll(MathEval.variables(g));
    if (names.isEmpty()) {
      return false; // a relation between numbers is true or false, not an answer to compare
    }
    Real factor = null;
    int compared = 0;
    try {
      for (Map<String, Real> point : Sampling.points(names)) {
        Real x = MathEval.value(f, point);
        Real y = MathEval.value(g, point);
        if (!x.isDefined() || !y.isDefined()) {
          continue;
        }
        boolean xZero = isZero(x);
        boolean yZero = isZero(y);
        if (xZero || yZero) {
          if (xZero != yZero) {
            return false;
          }
          continue;
        }
        Real ratio = x.divide(y);
        if (factor == null) {
          factor = ratio;
          if (positive && factor.signum() <= 0) {
            return false;
          }
        } else if (!scalars.close(factor, ratio, true, true)) {
          return false;
        }
        compared++;
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false;
    }
    return compared >= Sampling.MIN_DEFINED;
  }

  private static boolean isZero(Real r) {
    return r.isExact() ? r.signum() == 0 : Math.abs(r.approx()) < 1e-12;
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

  /**
   * The union a list of bounds describes, {@code x < -2 or x > 2}: its intervals, when every item
   * bounds the same variable; else empty.
   */
  static Optional<List<MathExpr>> unionOfBounds(List<MathExpr> items) {
    List<MathExpr> intervals = new ArrayList<>();
    String variable = null;
    for (MathExpr item : items) {
      Optional<Range> range = item instanceof Bracketed ? Optional.empty() : range(item);
      if (range.isEmpty() || variable != null && !variable.equals(range.get().variable())) {
        return Optional.empty();
      }
      variable = range.get().variable();
      intervals.add(range.get().interval());
    }
    return Optional.of(intervals);
  }

  /** The interval an answer describes: {@code [1, 2]}, {@code x \in [1, 2]}, {@code x > 3}. */
  private static Optional<Range> range(MathExpr e) {
    if (e instanceof Bracketed b && b.items().size() == 2 && b.open() != '{') {
      return Optional.of(new Range(null, b));
    }
    if (e instanceof Relation r) {
      if (r.rel() == Rel.EQ && r.left() instanceof Var v && r.right() instanceof Bracketed b) {
        return b.items().size() == 2 ? Optional.of(new Range(v.name(), b)) : Optional.empty();
      }
      return bound(r);
    }
    if (e instanceof Conjunction c && c.relations().size() == 2) {
      Relation first = c.relations().get(0);
      Relation second = c.relations().get(1);
      if (!(first.right() instanceof Var v) || isVariableFree(first.left()) == false) {
        return Optional.empty();
      }
      boolean ascending = isLess(first.rel()) && isLess(second.rel());
      boolean descending = isGreater(first.rel()) && isGreater(second.rel());
      if (!(ascending || descending) || !isVariableFree(second.right())) {
        return Optional.empty();
      }
      MathExpr low = ascending ? first.left() : second.right();
      MathExpr high = ascending ? second.right() : first.left();
      Rel lowRel = ascending ? first.rel() : second.rel();
      Rel highRel = ascending ? second.rel() : first.rel();
      char open = isStrict(lowRel) ? '(' : '[';
      char close = isStrict(highRel) ? ')' : ']';
      return Optional.of(new Range(v.name(), new Bracketed(open, close, List.of(low, high))));
    }
    return Optional.empty();
  }

  /** {@code x < 3}, {@code 3 \le x}: a ray. */
  private static Optional<Range> bound(Relation r) {
    Rel rel = r.rel();
    MathExpr variable = r.left();
    MathExpr limit = r.right();
    if (r.right() instanceof Var) {
      rel = mirror(rel);
      variable = r.right();
      limit = r.left();
    }
    if (!(variable instanceof Var v) || !isVariableFree(limit) || rel == Rel.EQ || rel == Rel.NE) {
      return Optional.empty();
    }
    MathExpr infinity = new Const(Constant.INFINITY);
    Bracketed interval =
        switch (rel) {
          case LT -> new Bracketed('(', ')', List.of(new Neg(infinity), limit));
          case LE -> new Bracketed('(', ']', List.of(new Neg(infinity), limit));
          case GT -> new Bracketed('(', ')', List.of(limit, infinity));
          default -> new Bracketed('[', ')', List.of(limit, infinity));
        };
    return Optional.of(new Range(v.name(), interval));
  }

  private static boolean isVariableFree(MathExpr e) {
    return MathEval.isScalar(e) && MathEval.variables(e).isEmpty();
  }

  private static boolean isLess(Rel rel) {
    return rel == Rel.LT || rel == Rel.LE;
  }

  private static boolean isGreater(Rel rel) {
    return rel == Rel.GT || rel == Rel.GE;
  }
}
