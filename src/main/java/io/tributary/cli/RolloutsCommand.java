package io.tributary.cli;

import io.tributary.rollout.RolloutsConfig;
import io.tributary.rollout.RolloutsRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary rollouts --config FILE}: the Flink rollout job on an embedded MiniCluster. */
@Command(
    name = "rollouts",
    mixinStandardHelpOptions = true,
    description =
        "Runs the rollout job (prompts -> G sampled, scored completions with group advantages"
            + " -> Kafka) on an embedded Flink MiniCluster with its web UI, against the"
            + " configured Kafka cluster or Tributary's own broker.")
public final class RolloutsCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      defaultValue = "configs/rollouts.yaml",
      description = "rollouts config YAML (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(
      names = "--bootstrap",
      description = "Kafka bootstrap servers (overrides kafka.bootstrapServers of the config)")
  String bootstrap;

  @Option(names = "--web-ui-port", description = "Flink web UI port (overrides webUiPort)")
  Integer webUiPort;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws Exception {
    RolloutsConfig c = RolloutsConfig.read(config);
    plugins.activate(c.rewards());
    if (bootstrap != null) {
      c = c.withKafka(c.kafka().withBootstrapServers(bootstrap));
    }
    if (webUiPort != null) {
      c = c.withWebUiPort(webUiPort);
    }
    RolloutsRunner.run(c, System.out);
    return 0;
  }
}
