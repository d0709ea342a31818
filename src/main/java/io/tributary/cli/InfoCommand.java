package io.tributary.cli;

import io.tributary.config.Yaml;
import io.tributary.model.ModelConfig;
import io.tributary.model.ParameterCounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tributary info}: the resolved model config and its parameter counts. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "Print the resolved model config and its parameter counts (total and active per token).")
final class InfoCommand implements Runnable {
  @Mixin ModelOptions model = new ModelOptions();

  @Override
  public void run() {
    ModelConfig config = model.load();
    System.out.print(Yaml.write(config));
    System.out.println(ParameterCounts.of(config));
  }
}
