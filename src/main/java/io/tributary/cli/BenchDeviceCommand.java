package io.tributary.cli;

import io.tributary.bench.DeviceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "device",
    mixinStandardHelpOptions = true,
    description =
        "The policy on the engine's device (a GPU when one is seen) against the CPU from the same"
            + " seed: logit differences, greedy agreement, SFT loss curves and training rates.")
final class BenchDeviceCommand implements Runnable {
  @Mixin ModelOptions model = new ModelOptions();

  @Option(
      names = "--steps",
      defaultValue = "20",
      description = "SFT steps compared (default: ${DEFAULT-VALUE})")
  int steps;

  @Override
  public void run() {
    DeviceCheck.Settings d = DeviceCheck.Settings.defaults();
    DeviceCheck.run(
        model.load(),
        new DeviceCheck.Settings(steps, d.batch(), d.length(), d.newTokens()),
        System.out);
  }
}
