package io.tributary.cli;

import io.tributary.bench.ModelBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "Policy throughput (training, generation with and without KV cache, sparse vs dense MoE), memory over a training run, peak GFLOP/s and MFU.")
final class BenchModelCommand implements Runnable {
  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--steps",
      defaultValue = "300",
      description = "training steps of the memory run (default: ${DEFAULT-VALUE})")
  int steps;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "repeats per timing; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats;

  @Override
  public void run() {
    ModelBenchmark.Settings d = ModelBenchmark.Settings.defaults();
    ModelBenchmark.run(
        model.load(),
        new ModelBenchmark.Settings(
            d.trainBatch(),
            d.trainLength(),
            steps,
            d.genBatch(),
            d.genPrompt(),
            d.genNewTokens(),
            repeats),
        System.out);
  }
}
