package io.tributary.cli;

import io.tributary.kafka.ForegroundBroker;
import io.tributary.kafka.KafkaConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description =
        "Runs Tributary's Kafka broker alone (KRaft, one node, loopback) until Ctrl-C, with"
            + " the default topics created; other programs read its address from"
            + " DIR/kafka/bootstrap.servers.")
public final class KafkaCommand implements Runnable {
  @Option(
      names = "--dir",
      defaultValue = "runs/kafka",
      description = "directory for the broker's data and address file (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--partitions",
      defaultValue = "" + KafkaConfig.DEFAULT_PARTITIONS,
      description = "partitions of each topic created (default: ${DEFAULT-VALUE})")
  int partitions;

  @Override
  public void run() {
    KafkaConfig settings = new KafkaConfig(null, null, partitions, null, null);
    ForegroundBroker.run(dir, port, settings, System.out);
  }
}
