package io.tributary.cli;

import io.tributary.tasks.ArithmeticConfig;
import io.tributary.tasks.ArithmeticGenerator;
import io.tributary.tasks.CountdownConfig;
import io.tributary.tasks.CountdownGenerator;
import io.tributary.tasks.DatasetGenerator;
import io.tributary.tasks.GeneratedSplits;
import io.tributary.tasks.TaskGenerator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary dataset generate ...}: writes a built-in task's splits and SFT traces. */
@Command(
    name = "dataset",
    description = "Built-in task data sets.",
    mixinStandardHelpOptions = true,
    subcommands = {DatasetCommand.Generate.class})
public final class DatasetCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The generatable tasks (GSM8K is loaded, not generated). */
  enum GeneratedTask {
    countdown,
    arithmetic
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description =
          "Write train.jsonl, heldout.jsonl (disjoint), sft_train.jsonl and sft_heldout.jsonl.")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--task", required = true, description = "countdown or arithmetic")
    GeneratedTask task;

    @Option(names = "--train", required = true, description = "train prompts")
    int train;

    @Option(names = "--heldout", required = true, description = "held-out prompts")
    int heldout;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default 1)")
    long seed;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(
        names = "--noise",
        defaultValue = "0",
        description = "probability that a step of a train SFT trace is off by one (default 0)")
    double noise;

    @Option(names = "--operands", description = "arithmetic: numbers per expression (default 4)")
    Integer operands;

    @Option(names = "--max-operand", description = "arithmetic: largest number (default 50)")
    Integer maxOperand;

    @Option(names = "--max-numbers", description = "countdown: most numbers given (default 4)")
    Integer maxNumbers;

    @Option(names = "--max-number", description = "countdown: largest number given (default 99)")
    Integer maxNumber;

    @Override
    public Integer call() {
      GeneratedSplits splits = DatasetGenerator.generate(generator(), train, heldout, seed, noise);
      splits.write(out);
      System.out.printf(
          "%s: wrote %d train, %d held-out prompts and their SFT traces to %s%n",
          task, splits.train().size(), splits.heldout().size(), out);
      return 0;
    }

    private TaskGenerator generator() {
      return switch (task) {
        case arithmetic -> {
          ArithmeticConfig d = ArithmeticConfig.defaults();
          int max = maxOperand == null ? d.maxOperand() : maxOperand;
          yield new ArithmeticGenerator(
              new ArithmeticConfig(
                  operands == null ? d.operands() : operands,
                  max,
                  d.operators(),
                  Math.max(d.maxIntermediate(), max),
                  d.allowNegative()));
        }
        case countdown -> {
          CountdownConfig d = CountdownConfig.defaults();
          yield new CountdownGenerator(
              new CountdownConfig(
                  Math.min(d.minNumbers(), maxNumbers == null ? d.maxNumbers() : maxNumbers),
                  maxNumbers == null ? d.maxNumbers() : maxNumbers,
                  maxNumber == null ? d.maxNumber() : maxNumber,
                  d.minTarget(),
                  d.maxTarget()));
        }
      };
    }
  }
}
