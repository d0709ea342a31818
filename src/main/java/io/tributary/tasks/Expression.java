package io.tributary.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * An arithmetic expression tree over non-negative integer literals. Rendering uses the fewest
 * parentheses that make {@link ExpressionParser} (left-associative, usual precedence) read back the
 * same tree, so the trace order and the rendered text always agree.
 */
public sealed interface Expression {

  record Literal(long value) implements Expression {
    public Literal {
      if (value < 0) {
        throw new IllegalArgumentException("literal: got " + value + ", expected >= 0");
      }
    }
  }

  record Binary(Operator operator, Expression left, Expression right) implements Expression {}

  /** Exact value; throws {@link ArithmeticException} on division by zero. */
  default Rational evaluate() {
    if (this instanceof Binary binary) {
      return binary.operator().apply(binary.left().evaluate(), binary.right().evaluate());
    }
    return Rational.of(((Literal) this).value());
  }

  /** The literals from left to right, with repeats. */
  default List<Long> literals() {
    List<Long> out = new ArrayList<>();
    collectLiterals(this, out);
    return out;
  }

  /** The binary operations in evaluation order (left subtree, right subtree, then the node). */
  default List<Binary> operationsInOrder() {
    List<Binary> out = new ArrayList<>();
    collectOperations(this, out);
    return out;
  }

  default String render() {
    if (!(this instanceof Binary binary)) {
      return Long.toString(((Literal) this).value());
    }
    int precedence = binary.operator().precedence();
    String left = binary.left().render();
    String right = binary.right().render();
    // left-associative: a left child needs parentheses only when it binds more loosely;
    // a right child also when it binds equally, so that a-(b-c) and a+(b+c) keep their shape
    if (binary.left() instanceof Binary l && l.operator().precedence() < precedence) {
      left = "(" + left + ")";
    }
    if (binary.right() instanceof Binary r && r.operator().precedence() <= precedence) {
      right = "(" + right + ")";
    }
    return left + binary.operator().symbol() + right;
  }

  private static void collectLiterals(Expression expression, List<Long> out) {
    if (expression instanceof Binary binary) {
      collectLiterals(binary.left(), out);
      collectLiterals(binary.right(), out);
    } else {
      out.add(((Literal) expression).value());
    }
  }

  private static void collectOperations(Expression expression, List<Binary> out) {
    if (expression instanceof Binary binary) {
      collectOperations(binary.left(), out);
      collectOperations(binary.right(), out);
      out.add(binary);
    }
  }
}
