package io.tributary.cli;

import io.tributary.bench.ModelBenchmark;
import io.tributary.bench.PolicySource;
import io.tributary.bench.Qwen3Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "Policy throughput (training, generation with and without KV cache, sparse vs dense MoE,"
            + " prefill, decode at batch 1 and 32), memory over a training run and of one step,"
            + " peak GFLOP/s, memory bandwidth, MFU and decode bandwidth efficiency.")
final class BenchModelCommand implements Runnable {
  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--qwen3-shape",
      description =
          "benchmark a policy of the Qwen3-0.6B shape instead of --config: the figures that a"
              + " model of that size affords in minutes")
  boolean qwen3Shape;

  @Option(
      names = "--steps",
      description = "training steps of the memory run (default: 300; none for --qwen3-shape)")
  Integer steps;

  @Option(
      names = "--repeats",
      description = "repeats per timing; the median is reported (default: 3; 2 for --qwen3-shape)")
  Integer repeats;

  @Override
  public void run() {
    ModelBenchmark.Settings settings =
        qwen3Shape ? ModelBenchmark.Settings.largeModel() : ModelBenchmark.Settings.defaults();
    if (steps != null) {
      settings = settings.withTrainSteps(steps);
    }
    if (repeats != null) {
      settings = settings.withRepeats(repeats);
    }
    PolicySource source =
        qwen3Shape
            ? new PolicySource.FromConfig(
                Qwen3Shape.standIn(4096),
                "in-memory stand-in of the Qwen3-0.6B shape (dense, 16 heads of 64, untied)")
            : new PolicySource.FromConfig(model.load(), "config " + model.config);
    ModelBenchmark.run(source, settings, System.out);
  }
}
