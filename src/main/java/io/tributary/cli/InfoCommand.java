package io.tributary.cli;

import io.tributary.config.Yaml;
import io.tributary.hf.HfCheckpoint;
import io.tributary.hf.HfSummary;
import io.tributary.model.ModelConfig;
import io.tributary.model.ParameterCounts;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary info}: the resolved model config and its parameter counts. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "Print the resolved model config and its parameter counts (total and active per token); with"
            + " --hf, the architecture, parameter counts and dtype of a Hugging Face model directory"
            + " as one JSON object.")
final class InfoCommand implements Runnable {
  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--hf",
      paramLabel = "DIR",
      description = "a Hugging Face model directory (config.json and safetensors weights)")
  Path hf;

  @Override
  public void run() {
    if (hf != null) {
      try (HfCheckpoint checkpoint = HfCheckpoint.open(hf)) {
        System.out.println(HfSummary.json(checkpoint));
      }
      return;
    }
    ModelConfig config = model.load();
    System.out.print(Yaml.write(config));
    System.out.println(ParameterCounts.of(config));
  }
}
