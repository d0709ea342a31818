package io.tributary.rollout;

import io.tributary.config.ConfigException;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The entry point of the shaded job jar on a real Flink cluster ({@code pipeline/submit.sh}):
 * {@code --config FILE [--bootstrap SERVERS] [--policy-checkpoint PATH]}. The cluster's environment
 * runs the job; Kafka must be given (no broker is started on a cluster), and the policy checkpoint
 * must be on storage every TaskManager can read.
 */
public final class RolloutJobMain {
  private RolloutJobMain() {}

  public static void main(String[] args) throws Exception {
    Path config = null;
    String bootstrap = null;
    String policy = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--config" -> config = Path.of(require(args[i], value));
        case "--bootstrap" -> bootstrap = require(args[i], value);
        case "--policy-checkpoint" -> policy = require(args[i], value);
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + args[i]
                    + "'; expected --config, --bootstrap, --policy-checkpoint");
      }
      i++;
    }
    if (config == null) {
      throw new IllegalArgumentException("--config FILE is required");
    }
    RolloutsConfig c = RolloutsConfig.read(config);
    if (bootstrap != null) {
      c = c.withKafka(c.kafka().withBootstrapServers(bootstrap));
    }
    if (policy != null) {
      c = c.withPolicyCheckpoint(policy);
    }
    if (c.kafka().startsOwnBroker()) {
      throw new ConfigException(
          "kafka.bootstrapServers: not set; on a cluster give --bootstrap or set it in " + config);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RolloutJob.configure(env, c);
    RolloutsRunner.wire(env, RolloutJob.Plan.of(c));
    env.execute("tributary rollouts");
  }

  private static String require(String flag, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(flag + ": expected a value");
    }
    return value;
  }
}
