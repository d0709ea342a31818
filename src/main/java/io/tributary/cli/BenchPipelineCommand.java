package io.tributary.cli;

import io.tributary.rollout.PipelineBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary bench pipeline}: the rollout job's rate beside a plain loop. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Scored rollouts/s and generated tokens/s through the whole rollout job (MiniCluster,"
            + " exactly-once Kafka sink) beside the same generation and scoring in a plain loop,"
            + " at parallelism 1 and 2; prints a table, then one JSON line.")
public final class BenchPipelineCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      defaultValue = "configs/model/small.yaml",
      description = "model config of the (freshly initialised) policy (default: ${DEFAULT-VALUE})")
  Path model;

  @Option(
      names = "--prompts",
      defaultValue = "800",
      description =
          "prompts per worker: the runs at parallelism P sample P times as many, so that jobs"
              + " last as long at either parallelism (default: ${DEFAULT-VALUE})")
  int prompts;

  @Option(names = "--group-size", defaultValue = "4", description = "G (default: ${DEFAULT-VALUE})")
  int groupSize;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "32",
      description = "completion budget (default: ${DEFAULT-VALUE})")
  int maxNewTokens;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "prompts per micro-batch (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--warm-ups",
      defaultValue = "2",
      description =
          "unmeasured runs of each side, in its own JVM, before the rounds (default: ${DEFAULT-VALUE})")
  int warmUps;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "rounds of both sides at each parallelism; the median is reported (default: ${DEFAULT-VALUE})")
  int rounds;

  @Override
  public Integer call() throws Exception {
    PipelineBenchmark.run(
        new PipelineBenchmark.Settings(
            model, prompts, groupSize, maxNewTokens, batch, warmUps, rounds),
        System.out);
    return 0;
  }
}
