package io.tributary.cli;

import io.tributary.reward.RewardBenchmark;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tributary bench rewards}: the scoring rate of each built-in reward. */
@Command(
    name = "rewards",
    mixinStandardHelpOptions = true,
    description =
        "Measure rollouts per second of each built-in reward at batch 1 and 32;"
            + " prints a table, then one JSON line.")
public final class BenchRewardsCommand implements Callable<Integer> {
  @Option(
      names = "--repeats",
      description = "timed runs per figure; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats = RewardBenchmark.Settings.DEFAULT.repeats();

  @Option(
      names = "--run-ms",
      description = "length of one timed run in ms (default: ${DEFAULT-VALUE})")
  long runMillis = RewardBenchmark.Settings.DEFAULT.runTime().toMillis();

  @Option(names = "--threads", description = "scorer threads (default: ${DEFAULT-VALUE})")
  int threads = RewardBenchmark.Settings.DEFAULT.threads();

  @Override
  public Integer call() {
    RewardBenchmark.run(
        new RewardBenchmark.Settings(repeats, Duration.ofMillis(runMillis), threads), System.out);
    return 0;
  }
}
