package io.tributary.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Exhaustive search for a countdown solution that keeps every intermediate a positive integer.
 * Iterative deepening (one operation, then two, ...) returns a shortest solution, and the fixed
 * search order makes the answer deterministic. 4 numbers are at most ~10^4 nodes.
 */
public final class CountdownSolver {
  private CountdownSolver() {}

  public static Optional<Expression> solve(List<Long> numbers, long target) {
    List<Expression> pool = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    for (long number : numbers) {
      pool.add(new Expression.Literal(number));
      values.add(number);
    }
    for (int operations = 1; operations < numbers.size(); operations++) {
      Optional<Expression> found = search(pool, values, target, operations);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Expression> search(
      List<Expression> pool, List<Long> values, long target, int operationsLeft) {
    for (int i = 0; i < pool.size(); i++) {
      for (int j = i + 1; j < pool.size(); j++) {
        // larger operand first: subtraction and division stay positive and exact
        boolean iFirst = values.get(i) >= values.get(j);
        int a = iFirst ? i : j;
        int b = iFirst ? j : i;
        for (Operator operator : Operator.values()) {
          Optional<Long> value = combine(operator, values.get(a), values.get(b));
          if (value.isEmpty()) {
            continue;
          }
          Expression combined = new Expression.Binary(operator, pool.get(a), pool.get(b));
          if (operationsLeft == 1) {
            if (value.get() == target) {
              return Optional.of(combined);
            }
            continue;
          }
          List<Expression> nextPool = new ArrayList<>(pool);
          List<Long> nextValues = new ArrayList<>(values);
          nextPool.remove(j); // j > i: remove the later index first
          nextValues.remove(j);
          nextPool.set(i, combined);
          nextValues.set(i, value.get());
          Optional<Expression> found = search(nextPool, nextValues, target, operationsLeft - 1);
          if (found.isPresent()) {
            return found;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Useful operations only: no zero results, no multiplying or dividing by 1. */
  private static Optional<Long> combine(Operator operator, long larger, long smaller) {
    boolean identity = (operator == Operator.TIMES || operator == Operator.DIVIDE) && smaller == 1;
    if (identity) {
      return Optional.empty();
    }
    Optional<Long> value = Traces.apply(operator, larger, smaller);
    return value.filter(v -> v > 0);
  }
}
