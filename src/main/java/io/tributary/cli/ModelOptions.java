package io.tributary.cli;

import io.tributary.hf.ModelSources;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --config and --device, shared by the commands that build a policy. */
final class ModelOptions {
  static final Path DEFAULT_CONFIG = Path.of("configs/model/small.yaml");

  @Option(
      names = "--config",
      description =
          "model config YAML: the architecture, or hf: DIR for a Hugging Face model directory"
              + " (default: ${DEFAULT-VALUE})",
      defaultValue = "configs/model/small.yaml")
  Path config;

  @Option(names = "--device", description = "auto, cpu or gpu (overrides the config)")
  DeviceChoice device;

  ModelConfig load() {
    Path file = config;
    if (!Files.exists(file) && !file.isAbsolute() && System.getenv("TRIBUTARY_HOME") != null) {
      file = Path.of(System.getenv("TRIBUTARY_HOME")).resolve(config);
    }
    ModelConfig c = ModelSources.architecture(file); // the architecture's keys, or hf: DIR
    return device == null ? c : c.toBuilder().device(device).build();
  }
}
