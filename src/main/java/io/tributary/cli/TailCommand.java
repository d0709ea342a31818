package io.tributary.cli;

import io.tributary.grpo.GrpoConfig;
import io.tributary.kafka.BrokerLayout;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.RolloutTail;
import io.tributary.run.RunConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = "Prints scored rollouts (read_committed) as a table or as JSON lines.")
public final class TailCommand implements Runnable {
  @Option(names = "--bootstrap", description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092")
  String bootstrap;

  @Option(
      names = "--run-dir",
      defaultValue = "runs/kafka",
      description =
          "run directory whose broker to read (its kafka/bootstrap.servers), used when"
              + " --bootstrap is not given (default: ${DEFAULT-VALUE})")
  Path runDir;

  @Option(
      names = "--topic",
      description = "topic of scored rollouts (default: tributary.scored-rollouts)")
  String topic;

  @Option(names = "--from-beginning", description = "start at the oldest committed rollout")
  boolean fromBeginning;

  @Option(
      names = "--max",
      defaultValue = "0",
      description = "stop after N rollouts; 0 for no limit")
  long max;

  @Option(
      names = "--timeout",
      description = "stop after this many seconds without a new rollout (default: follow)")
  Double timeoutSeconds;

  @Option(names = "--json", description = "print JSON lines, as on the wire")
  boolean json;

  @Option(
      names = {"-X", "--property"},
      description = "Kafka client property, e.g. -X security.protocol=SSL (repeatable)")
  Map<String, String> properties;

  @Option(
      names = "--config",
      description =
          "run config whose grpo section (advantage scaling, overlong penalty) the shown"
              + " advantages are computed with (default: the GRPO defaults)")
  Path config;

  @Override
  public void run() {
    String servers = bootstrap != null ? bootstrap : new BrokerLayout(runDir).readAddress();
    KafkaConfig settings = new KafkaConfig(servers, null, null, null, properties);
    Duration timeout =
        timeoutSeconds == null ? null : Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    String name = topic != null ? topic : KafkaTopics.DEFAULTS.scoredRollouts();
    RolloutTail.tail(
        settings,
        new RolloutTail.Options(
            name,
            fromBeginning,
            max,
            timeout,
            json,
            config == null ? GrpoConfig.defaults() : RunConfig.read(config).grpo()),
        System.out,
        System.err);
  }
}
