package io.tributary.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * TinyZero's countdown task (github.com/Jiayi-Pan/TinyZero, examples/data_preprocess/countdown.py):
 * given numbers and a target, write an expression that uses each number at most once and equals the
 * target. Only solvable instances are emitted, each with a shortest solution found by {@link
 * CountdownSolver}; instances whose target is one of the numbers are skipped as trivial.
 *
 * <p>Prompt {@code Use 3,7,25,50 to make 81.}; completion {@code
 * <think>50-25=25,25*3=75,75+7=82</think><answer>(50-25)*3+7</answer>}.
 */
public final class CountdownGenerator implements TaskGenerator {
  private static final int MAX_DRAWS = 10_000;
  private final CountdownConfig config;

  public CountdownGenerator(CountdownConfig config) {
    this.config = config;
  }

  @Override
  public TaskKind kind() {
    return TaskKind.COUNTDOWN;
  }

  @Override
  public GeneratedInstance sample(SplittableRandom random) {
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      int count = random.nextInt(config.minNumbers(), config.maxNumbers() + 1);
      List<Long> numbers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        numbers.add((long) random.nextInt(1, config.maxNumber() + 1));
      }
      long target = random.nextInt(config.minTarget(), config.maxTarget() + 1);
      if (numbers.contains(target)) {
        continue;
      }
      Optional<Expression> solution = CountdownSolver.solve(numbers, target);
      if (solution.isPresent()) {
        return instance(numbers, target, solution.get());
      }
    }
    throw new IllegalStateException(
        "countdown: no solvable instance in " + MAX_DRAWS + " draws with " + config);
  }

  static GeneratedInstance instance(List<Long> numbers, long target, Expression solution) {
    String listed = numbers.stream().map(String::valueOf).collect(Collectors.joining(","));
    String key = numbers.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    return new GeneratedInstance(
        key + ">" + target,
        "Use " + listed + " to make " + target + ".",
        solution.render(),
        // ints, as JSON reads them back, so a prompt survives a JSONL round trip unchanged
        Map.of("numbers", numbers.stream().map(Math::toIntExact).toList(), "target", (int) target),
        solution);
  }

  /**
   * Noise here is a misread number: with probability p a step reads one of its given numbers off by
   * ±1, computes on from it, and the answer expression then contains the misread number. (An
   * intermediate result off by ±1 would leave the answer expression itself correct.)
   */
  @Override
  public String completion(GeneratedInstance instance, double noise, SplittableRandom random) {
    Expression written = noise > 0 ? misread(instance.solution(), noise, random) : null;
    if (written != null) {
      Optional<Traces.Derivation> noisy = Traces.derive(written, Traces.EXACT);
      if (noisy.isPresent()) {
        return CompletionFormat.completion(noisy.get().reasoning(), written.render());
      }
    }
    Traces.Derivation clean = Traces.derive(instance.solution(), Traces.EXACT).orElseThrow();
    return CompletionFormat.completion(clean.reasoning(), instance.solution().render());
  }

  private static Expression misread(Expression node, double noise, SplittableRandom random) {
    if (!(node instanceof Expression.Binary binary)) {
      return node;
    }
    Expression left = misread(binary.left(), noise, random);
    Expression right = misread(binary.right(), noise, random);
    if (binary.operator() != Operator.DIVIDE && random.nextDouble() < noise) {
      boolean pickLeft =
          left instanceof Expression.Literal
              && (!(right instanceof Expression.Literal) || random.nextBoolean());
      if (pickLeft) {
        left = shifted((Expression.Literal) left, random);
      } else if (right instanceof Expression.Literal literal) {
        right = shifted(literal, random);
      }
    }
    return new Expression.Binary(binary.operator(), left, right);
  }

  private static Expression.Literal shifted(Expression.Literal literal, SplittableRandom random) {
    long offset = random.nextBoolean() ? 1 : -1;
    long value = literal.value() + offset;
    return new Expression.Literal(value < 1 ? literal.value() + 1 : value);
  }
}
