package io.tributary.reward.math;

import io.tributary.reward.math.MathExpr.BaseNumber;
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
import io.tributary.reward.math.MathExpr.Text;
import io.tributary.reward.math.MathExpr.Union;
import io.tributary.reward.math.MathExpr.Var;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A parsed answer written back as plain, fully parenthesised math, so that a user sees how an
 * answer was read: {@code \frac12 x} shows as {@code ((1/2)*x)}, a set as {@code {1, -2}}.
 */
public final class MathRender {
  private MathRender() {}

  public static String render(MathExpr e) {
    if (e instanceof Num n) {
      if (n.decimal() && !n.value().isInteger() && n.value().terminates()) {
        BigDecimal decimal =
            new BigDecimal(n.value().numerator())
                .divide(new BigDecimal(n.value().denominator()))
                .stripTrailingZeros();
        return decimal.toPlainString() + " (= " + n.value() + ")";
      }
      return n.value().toString();
    }
    if (e instanceof Const c) {
      return switch (c.constant()) {
        case PI -> "pi";
        case E -> "e";
        case INFINITY -> "oo";
      };
    }
    if (e instanceof Var v) {
      return v.name();
    }
    if (e instanceof Neg n) {
      return "-" + render(n.operand());
    }
    if (e instanceof Percent p) {
      return render(p.operand()) + "%";
    }
    if (e instanceof Binary b) {
      String op =
          switch (b.op()) {
            case ADD -> " + ";
            case SUB -> " - ";
            case MUL -> "*";
            case DIV -> "/";
            case POW -> "^";
          };
      return "(" + render(b.left()) + op + render(b.right()) + ")";
    }
    if (e instanceof Call c) {
      return c.fn().name().toLowerCase(Locale.ROOT) + "(" + render(c.argument()) + ")";
    }
    if (e instanceof Bracketed b) {
      return b.open() + join(b.items()) + b.close();
    }
    if (e instanceof SetOf s) {
      return "{" + join(s.items()) + "}";
    }
    if (e instanceof Union u) {
      return u.parts().stream().map(MathRender::render).collect(Collectors.joining(" U "));
    }
    if (e instanceof Matrix m) {
      return "matrix["
          + m.rows().stream().map(MathRender::join).collect(Collectors.joining("; "))
          + "]";
    }
    if (e instanceof Relation r) {
      return render(r.left()) + " " + symbol(r) + " " + render(r.right());
    }
    if (e instanceof Conjunction c) {
      StringBuilder sb = new StringBuilder(render(c.relations().get(0).left()));
      for (Relation r : c.relations()) {
        sb.append(' ').append(symbol(r)).append(' ').append(render(r.right()));
      }
      return sb.toString();
    }
    if (e instanceof Text t) {
      return "text \"" + t.words() + "\"";
    }
    if (e instanceof BaseNumber n) {
      return n.digits() + " in base " + n.base();
    }
    throw new IllegalArgumentException("unknown node " + e);
  }

  private static String symbol(Relation r) {
    return switch (r.rel()) {
      case EQ -> "=";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
      case NE -> "!=";
    };
  }

  private static String join(List<MathExpr> items) {
    return items.stream().map(MathRender::render).collect(Collectors.joining(", "));
  }
}
