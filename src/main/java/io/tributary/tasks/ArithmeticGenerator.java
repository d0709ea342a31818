package io.tributary.tasks;

import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Multi-step integer expressions with a step-by-step derivation, evaluated in the order the usual
 * precedence gives: prompt {@code (23+7)*3-14=}, completion {@code
 * <think>23+7=30,30*3=90,90-14=76</think><answer>76</answer>}.
 */
public final class ArithmeticGenerator implements TaskGenerator {
  private static final int MAX_DRAWS = 100_000;
  private final ArithmeticConfig config;

  public ArithmeticGenerator(ArithmeticConfig config) {
    this.config = config;
  }

  @Override
  public TaskKind kind() {
    return TaskKind.ARITHMETIC;
  }

  @Override
  public GeneratedInstance sample(SplittableRandom random) {
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      Expression tree = tree(config.operands(), random);
      Optional<Traces.Derivation> derivation = Traces.derive(tree, Traces.EXACT);
      if (derivation.isPresent() && withinBounds(derivation.get())) {
        String expression = tree.render();
        return new GeneratedInstance(
            expression,
            expression + "=",
            Long.toString(derivation.get().value()),
            Map.of("expression", expression),
            tree);
      }
    }
    throw new IllegalStateException(
        "arithmetic: no instance within bounds in " + MAX_DRAWS + " draws with " + config);
  }

  /**
   * Noise is DeepSeek-style sloppy arithmetic: with probability p a step's result is off by ±1,
   * later steps compute from the wrong value, and the answer is where the wrong steps lead.
   */
  @Override
  public String completion(GeneratedInstance instance, double noise, SplittableRandom random) {
    Traces.ResultNoise offsets =
        () -> random.nextDouble() < noise ? (random.nextBoolean() ? 1 : -1) : 0;
    Traces.Derivation derivation =
        Traces.derive(instance.solution(), noise > 0 ? offsets : Traces.EXACT)
            .or(() -> Traces.derive(instance.solution(), Traces.EXACT))
            .orElseThrow();
    return CompletionFormat.completion(derivation.reasoning(), Long.toString(derivation.value()));
  }

  private Expression tree(int operands, SplittableRandom random) {
    if (operands == 1) {
      return new Expression.Literal(random.nextInt(1, config.maxOperand() + 1));
    }
    int leftOperands = random.nextInt(1, operands);
    Operator operator = config.operators().get(random.nextInt(config.operators().size()));
    return new Expression.Binary(
        operator, tree(leftOperands, random), tree(operands - leftOperands, random));
  }

  private boolean withinBounds(Traces.Derivation derivation) {
    for (long result : derivation.results()) {
      if (Math.abs(result) > config.maxIntermediate() || (!config.allowNegative() && result < 0)) {
        return false;
      }
    }
    return true;
  }
}
