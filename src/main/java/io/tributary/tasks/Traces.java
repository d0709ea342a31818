package io.tributary.tasks;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Step-by-step derivations of an expression tree in integers: one step per operation in evaluation
 * order, written {@code 23+7=30,30*3=90,90-14=76}.
 */
final class Traces {
  private Traces() {}

  /** The reasoning text, the result written at each step, and the value it arrives at. */
  record Derivation(String reasoning, List<Long> results, long value) {}

  /** Decides, per step, by how much the written result is off (0 for a correct step). */
  @FunctionalInterface
  interface ResultNoise {
    long offset();
  }

  static final ResultNoise EXACT = () -> 0;

  /**
   * Derives {@code tree} step by step. Each step computes from the results written before it, so a
   * result made wrong by {@code noise} carries into every later step and the final value. Empty
   * when a step is not an exact integer operation (inexact or zero division, overflow).
   */
  static Optional<Derivation> derive(Expression tree, ResultNoise noise) {
    if (tree instanceof Expression.Literal literal) {
      return Optional.of(new Derivation("", List.of(), literal.value()));
    }
    Map<Expression, Long> written = new IdentityHashMap<>();
    StringBuilder reasoning = new StringBuilder();
    List<Long> results = new ArrayList<>();
    long last = 0;
    for (Expression.Binary step : tree.operationsInOrder()) {
      long left = valueOf(step.left(), written);
      long right = valueOf(step.right(), written);
      Optional<Long> exact = apply(step.operator(), left, right);
      if (exact.isEmpty()) {
        return Optional.empty();
      }
      last = exact.get() + noise.offset();
      written.put(step, last);
      results.add(last);
      if (reasoning.length() > 0) {
        reasoning.append(',');
      }
      reasoning
          .append(left)
          .append(step.operator().symbol())
          .append(right)
          .append('=')
          .append(last);
    }
    return Optional.of(new Derivation(reasoning.toString(), List.copyOf(results), last));
  }

  static Optional<Long> apply(Operator operator, long left, long right) {
    try {
      return switch (operator) {
        case PLUS -> Optional.of(Math.addExact(left, right));
        case MINUS -> Optional.of(Math.subtractExact(left, right));
        case TIMES -> Optional.of(Math.multiplyExact(left, right));
        case DIVIDE ->
            right == 0 || left % right != 0 ? Optional.empty() : Optional.of(left / right);
      };
    } catch (ArithmeticException overflow) {
      return Optional.empty();
    }
  }

  private static long valueOf(Expression node, Map<Expression, Long> written) {
    return node instanceof Expression.Literal literal ? literal.value() : written.get(node);
  }
}
