package io.tributary.cli;

import io.tributary.reward.RewardBenchmark;
import io.tributary.reward.RewardFunction;
import io.tributary.reward.model.ModelRewardBenchmarks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary bench rewards}: the scoring rate of each built-in and model-based reward. */
@Command(
    name = "rewards",
    mixinStandardHelpOptions = true,
    description =
        "Measure rollouts per second of each built-in reward and of the model-based ones (the"
            + " trained reward model, the TorchScript one) at batch 1 and 32, and the agreement of"
            + " accuracy with the repository's equivalence cases (accuracy_agreement); prints a"
            + " table, then one JSON line.")
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

  @Option(
      names = "--reward-model",
      description = "trained reward model folder (default: ${DEFAULT-VALUE})")
  Path rewardModel = Path.of("reward-models/arithmetic-orm");

  @Option(
      names = "--torchscript",
      description = "TorchScript reward descriptor (default: ${DEFAULT-VALUE})")
  Path torchScript = Path.of("src/test/resources/reward-models/tiny-torchscript/tiny-reward.json");

  @Option(
      names = "--device",
      description = "device of the model-based rewards: auto, cpu, gpu (default: ${DEFAULT-VALUE})")
  String device = "auto";

  @Option(names = "--no-models", description = "measure the built-in rule rewards only")
  boolean noModels;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() {
    plugins.activate();
    RewardBenchmark.Settings settings =
        new RewardBenchmark.Settings(repeats, Duration.ofMillis(runMillis), threads);
    Map<String, Supplier<RewardFunction>> models =
        noModels
            ? Map.of()
            : ModelRewardBenchmarks.suppliers(
                rewardModel, torchScript, device, System.out::println);
    RewardBenchmark.run(settings, models, System.out);
    return 0;
  }
}
