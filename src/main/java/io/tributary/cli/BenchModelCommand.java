package io.tributary.cli;

import io.tributary.bench.ModelBenchmark;
import io.tributary.bench.PolicySource;
import io.tributary.hf.RandomCheckpoint;
import io.tributary.model.Precision;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Policy throughput (training, generation with and without KV cache, sparse vs dense MoE,"
          + " prefill, decode at batch 1 and 32), memory over a training run and of one step,"
          + " peak GFLOP/s, memory bandwidth, MFU and decode bandwidth efficiency.",
      "With --hf, a Hugging Face model directory (or, with no DIR, a generated random checkpoint"
          + " of the Qwen3-0.6B shape) is loaded and timed, and only the figures a model of that"
          + " size affords in minutes are measured."
    })
final class BenchModelCommand implements Runnable {
  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--hf",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "DIR",
      description =
          "benchmark the Hugging Face model in DIR; without DIR, a random BF16 checkpoint of the"
              + " Qwen3-0.6B shape written to a temporary directory (1.2 GB) and deleted after")
  String hf;

  @Option(
      names = "--dtype",
      paramLabel = "float32|float16",
      description =
          "with --hf: how the loaded policy stores its weights (default float32); float16 stores"
              + " the projections and embedding in half precision for inference and skips the"
              + " training step (training is float32 only)")
  String dtype;

  @Option(
      names = "--steps",
      description = "training steps of the memory run (default: 300; none with --hf)")
  Integer steps;

  @Option(
      names = "--repeats",
      description = "repeats per timing; the median is reported (default: 3; 2 with --hf)")
  Integer repeats;

  @Override
  public void run() {
    ModelBenchmark.Settings settings =
        hf != null ? ModelBenchmark.Settings.largeModel() : ModelBenchmark.Settings.defaults();
    if (steps != null) {
      settings = settings.withTrainSteps(steps);
    }
    if (repeats != null) {
      settings = settings.withRepeats(repeats);
    }
    if (dtype != null) {
      if (hf == null) {
        throw new IllegalArgumentException("--dtype: needs --hf (the policy of a config trains)");
      }
      settings = settings.withPrecision(precision(dtype));
    }
    PolicySource source;
    if (hf == null) {
      source = new PolicySource.FromConfig(model.load(), "config " + model.config);
    } else if (hf.isEmpty()) {
      source =
          new PolicySource.GeneratedCheckpoint(
              RandomCheckpoint.qwen3_0_6b(),
              Path.of(System.getProperty("java.io.tmpdir")),
              "the Qwen3-0.6B shape");
    } else {
      source = new PolicySource.HfDirectory(Path.of(hf));
    }
    ModelBenchmark.run(source, settings, System.out);
  }

  private static Precision precision(String name) {
    return switch (name) {
      case "float32" -> Precision.FLOAT32;
      case "float16" -> Precision.FLOAT16;
      default ->
          throw new IllegalArgumentException(
              "--dtype: got '"
                  + name
                  + "', expected float32 or float16 (bfloat16 is not supported by DJL 0.36's"
                  + " PyTorch engine)");
    };
  }
}
