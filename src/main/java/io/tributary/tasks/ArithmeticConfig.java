package io.tributary.tasks;

import io.tributary.config.ConfigException;
import java.util.List;

/**
 * Difficulty of arithmetic instances. The defaults keep prompt, trace and answer near 90
 * characters, well inside the ~200 a 256-character policy context leaves.
 *
 * @param operands numbers in the expression (operations = operands - 1)
 * @param maxOperand largest number (the smallest is 1)
 * @param operators operators to draw from; division is only drawn where it is exact
 * @param maxIntermediate bound on the absolute value of every intermediate result
 * @param allowNegative whether intermediate results may be negative
 */
public record ArithmeticConfig(
    int operands,
    int maxOperand,
    List<Operator> operators,
    int maxIntermediate,
    boolean allowNegative) {
  public ArithmeticConfig {
    if (operands < 2 || operands > 8) {
      throw ConfigException.badValue("operands", operands, "2 to 8");
    }
    if (maxOperand < 2 || maxOperand > 9_999) {
      throw ConfigException.badValue("maxOperand", maxOperand, "2 to 9999");
    }
    if (operators == null || operators.isEmpty()) {
      throw ConfigException.badValue("operators", operators, "a non-empty list of + - * /");
    }
    operators = List.copyOf(operators);
    if (maxIntermediate < maxOperand) {
      throw ConfigException.badValue(
          "maxIntermediate", maxIntermediate, "at least maxOperand = " + maxOperand);
    }
  }

  public static ArithmeticConfig defaults() {
    return new ArithmeticConfig(
        4, 50, List.of(Operator.PLUS, Operator.MINUS, Operator.TIMES), 999, false);
  }
}
