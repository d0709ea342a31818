package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.BaseNumber;
import io.tributary.reward.math.MathExpr.Bracketed;
import io.tributary.reward.math.MathExpr.Conjunction;
import io.tributary.reward.math.MathExpr.Matrix;
import io.tributary.reward.math.MathExpr.Num;
import io.tributary.reward.math.MathExpr.Percent;
import io.tributary.reward.math.MathExpr.Rel;
import io.tributary.reward.math.MathExpr.Relation;
import io.tributary.reward.math.MathExpr.SetOf;
import io.tributary.reward.math.MathExpr.Text;
import io.tributary.reward.math.MathExpr.Union;
import io.tributary.reward.math.MathExpr.Var;
import java.util.List;
import java.util.Optional;

/**
 * Whether two parsed answers mean the same, following Hugging Face Math-Verify's {@code verify}:
 * numbers exactly as rationals (a decimal may stand for a value that does not terminate, to six
 * places), irrational values within a tolerance, expressions with variables by their values at
 * fixed rational points ({@link ScalarComparison}), tuples and intervals element by element with
 * matching brackets, sets and unions ignoring order, matrices entry by entry, {@code x = 3} against
 * {@code 3}, equations and inequalities as relations ({@link RelationComparison}), and a percentage
 * against both its fraction and its number.
 */
public final class MathEquivalence {
  /**
   * Irrational values (and decimals standing for a value that does not terminate) are equal when
   * {@code |a - b| <= absolute + relative * max(|a|, |b|)}. The defaults accept 1/3 against
   * 0.333333 and \sqrt{2} against 1.414214 (Math-Verify rounds to six places) but not 3.14 for pi.
   * Rational values never use it: they are compared exactly.
   */
  public record Tolerance(double absolute, double relative) {
    public static final Tolerance DEFAULT = new Tolerance(5e-7, 1e-9);

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

  private final Tolerance tolerance;
  private final AnswerForm form;
  private final ScalarComparison scalars;
  private final RelationComparison relations;

  public MathEquivalence(Tolerance tolerance, AnswerForm form) {
    this.tolerance = tolerance;
    this.form = form;
    this.scalars = new ScalarComparison(tolerance);
    this.relations = new RelationComparison(this, scalars);
  }

  /** Any equal expression, as Math-Verify's {@code verify}. */
  public static boolean equivalent(MathExpr gold, MathExpr answer, Tolerance tolerance) {
    return new MathEquivalence(tolerance, AnswerForm.EXPRESSION).equivalent(gold, answer);
  }

  public boolean equivalent(MathExpr gold, MathExpr answer) {
    MathExpr a = unwrapSingleton(gold);
    MathExpr b = unwrapSingleton(answer);
    if (a.equals(b)) {
      return true; // the same tree, even where values cannot decide (undefined everywhere)
    }
    if (a instanceof Text || b instanceof Text) {
      return TextAnswers.same(a, b);
    }
    if (a instanceof BaseNumber || b instanceof BaseNumber) {
      return sameBaseNumber(a, b);
    }
    // "x = 3" answers "3", and the other way round; "2 + 3 = 5" answers 5
    Optional<MathExpr> goldValue = assignedValue(a);
    if (goldValue.isPresent() && !isRelation(b)) {
      return equivalent(goldValue.get(), b);
    }
    Optional<MathExpr> answerValue = finalValue(b);
    if (answerValue.isPresent() && !isRelation(a)) {
      return equivalent(a, answerValue.get());
    }
    if (isRelation(a) || isRelation(b)) {
      return relations.same(a, b);
    }
    if (a instanceof SetOf sa && b instanceof SetOf sb) {
      return sameSet(sa.items(), sb.items());
    }
    if (a instanceof Bracketed ba && b instanceof Bracketed bb) {
      return ba.open() == bb.open() && ba.close() == bb.close() && inOrder(ba.items(), bb.items());
    }
    // a bare "1, 2" answers the tuple "(1, 2)", in order
    if (a instanceof Bracketed ba && b instanceof SetOf sb && !sb.braced() && isTuple(ba)) {
      return inOrder(ba.items(), sb.items());
    }
    if (a instanceof SetOf sa && b instanceof Bracketed bb && !sa.braced() && isTuple(bb)) {
      return inOrder(sa.items(), bb.items());
    }
    if (a instanceof Union ua && b instanceof Union ub) {
      return sameSet(ua.parts(), ub.parts());
    }
    // "x < -2 or x > 2" is the union (-\infty, -2) \cup (2, \infty)
    if (a instanceof Union ua && b instanceof SetOf sb && !sb.braced()) {
      Optional<List<MathExpr>> parts = RelationComparison.unionOfBounds(sb.items());
      return parts.isPresent() && sameSet(ua.parts(), parts.get());
    }
    if (a instanceof SetOf sa && !sa.braced() && b instanceof Union ub) {
      Optional<List<MathExpr>> parts = RelationComparison.unionOfBounds(sa.items());
      return parts.isPresent() && sameSet(parts.get(), ub.parts());
    }
    if (a instanceof Matrix ma && b instanceof Matrix mb) {
      return sameMatrix(ma, mb);
    }
    if (MathEval.isScalar(a) && MathEval.isScalar(b)) {
      if (form == AnswerForm.VALUE && Evaluatedness.isNumber(a) && !Evaluatedness.isValue(b)) {
        return false; // 7+5+2-1 for 13 restates the question; see AnswerForm
      }
      return sameScalar(a, b);
    }
    return false;
  }

  static boolean isRelation(MathExpr e) {
    return e instanceof Relation || e instanceof Conjunction;
  }

  private static MathExpr unwrapSingleton(MathExpr e) {
    return e instanceof SetOf s && s.items().size() == 1 ? s.items().get(0) : e;
  }

  /** {@code x = 3}, {@code f(x) = ...} with a variable alone on the left: the value 3. */
  private static Optional<MathExpr> assignedValue(MathExpr e) {
    if (e instanceof Relation r && r.rel() == Rel.EQ && r.left() instanceof Var) {
      return Optional.of(r.right());
    }
    return Optional.empty();
  }

  /**
   * The value an answer ends on: the right side of {@code x = 3}, and of {@code 2 + 3 = 5} or
   * {@code x = 2 + 3 = 5} when it holds no variable (a worked line that ends on its result).
   */
  private static Optional<MathExpr> finalValue(MathExpr e) {
    Optional<MathExpr> assigned = assignedValue(e);
    if (assigned.isPresent()) {
      return assigned;
    }
    if (e instanceof Relation r && r.rel() == Rel.EQ && MathEval.variables(r.right()).isEmpty()) {
      return Optional.of(r.right());
    }
    if (e instanceof Conjunction c && c.relations().stream().allMatch(r -> r.rel() == Rel.EQ)) {
      MathExpr last = c.relations().get(c.relations().size() - 1).right();
      return MathEval.variables(last).isEmpty() ? Optional.of(last) : Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean isTuple(Bracketed b) {
    return b.open() == '(' && b.close() == ')';
  }

  boolean inOrder(List<MathExpr> a, List<MathExpr> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!equivalent(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The same elements, each side's found in the other; repeats do not count, as in a set ({@code
   * \{1, 2, 2\}} is {@code \{1, 2\}}, as SymPy's FiniteSet in Math-Verify).
   */
  private boolean sameSet(List<MathExpr> gold, List<MathExpr> answer) {
    for (MathExpr g : gold) {
      if (answer.stream().noneMatch(x -> equivalent(g, x))) {
        return false;
      }
    }
    for (MathExpr x : answer) {
      if (gold.stream().noneMatch(g -> equivalent(g, x))) {
        return false;
      }
    }
    return true;
  }

  private boolean sameMatrix(Matrix a, Matrix b) {
    if (a.rows().size() != b.rows().size()) {
      return false;
    }
    for (int i = 0; i < a.rows().size(); i++) {
      if (!inOrder(a.rows().get(i), b.rows().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@code 204_5} against {@code 204_{5}}, or the bare digits {@code 204}; never its value 54. */
  private static boolean sameBaseNumber(MathExpr a, MathExpr b) {
    return digitsOf(a).equalsIgnoreCase(digitsOf(b))
        && !(a instanceof BaseNumber x && b instanceof BaseNumber y && x.base() != y.base());
  }

  private static String digitsOf(MathExpr e) {
    if (e instanceof BaseNumber n) {
      return n.digits();
    }
    if (e instanceof Num n && n.value().isInteger() && n.value().signum() >= 0 && !n.decimal()) {
      return n.value().numerator().toString();
    }
    return "\u0000" + e; // never equal to digits
  }

  private boolean sameScalar(MathExpr a, MathExpr b) {
    if (scalars.same(a, b)) {
      return true;
    }
    // Math-Verify accepts "50%" for a gold "50" as well as for "0.5"
    return (a instanceof Percent pa && !(b instanceof Percent) && scalars.same(pa.operand(), b))
        || (b instanceof Percent pb && !(a instanceof Percent) && scalars.same(a, pb.operand()));
  }

  Tolerance tolerance() {
    return tolerance;
  }
}
