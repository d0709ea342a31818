package io.tributary.cli;

import io.tributary.experiment.DemoConfig;
import io.tributary.experiment.LearningDemo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary demo}: SFT cold start, then GRPO beside an equal-time SFT continuation. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "The GRPO learning demonstration on one machine (no Flink, no Kafka): SFT cold start, GRPO vs SFT continuation, report with plots.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      defaultValue = "configs/demo-arithmetic.yaml",
      description = "demo config (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(
      names = "--run-dir",
      defaultValue = "runs/demo",
      description =
          "output folder; an existing sft.ckpt there is reused (default: ${DEFAULT-VALUE})")
  Path runDir;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws Exception {
    DemoConfig c = DemoConfig.load(config);
    plugins.activate(c.rewards());
    new LearningDemo(c, runDir, System.out).run();
    return 0;
  }
}
