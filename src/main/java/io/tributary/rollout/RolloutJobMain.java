package io.tributary.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.messages.SamplingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The entry point of the shaded job jar on a real Flink cluster ({@code pipeline/submit.sh}):
 * {@code --config FILE [--bootstrap SERVERS] [--policy-checkpoint PATH] [--learner-config FILE]}.
 * The cluster's environment runs the job; Kafka must be given (no broker is started on a cluster),
 * and the policy checkpoint must be on storage every TaskManager can read. Given the learner's run
 * config, a job whose sampling spec differs from the learner's {@code grpo.sampling} is refused
 * before it is built: main runs at submission, so the submitter gets the message at once, instead
 * of a learner that stops at the job's first group.
 */
public final class RolloutJobMain {
  private RolloutJobMain() {}

  public static void main(String[] args) throws Exception {
    Path config = null;
    String bootstrap = null;
    String policy = null;
    Path learnerConfig = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--config" -> config = Path.of(require(args[i], value));
        case "--bootstrap" -> bootstrap = require(args[i], value);
        case "--policy-checkpoint" -> policy = require(args[i], value);
        case "--learner-config" -> learnerConfig = Path.of(require(args[i], value));
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + args[i]
                    + "'; expected --config, --bootstrap, --policy-checkpoint, --learner-config");
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
    if (learnerConfig != null) {
      SamplingConfig.requireSame(
          learnerSampling(learnerConfig),
          "the learner (" + learnerConfig + ": grpo.sampling)",
          c.sampling(),
          "the rollout job (" + config + ": sampling)");
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

  /**
   * The {@code grpo.sampling} section of a learner's run config, defaults for a missing one. Only
   * that section is bound: the job does not depend on the learner's other settings.
   */
  static SamplingConfig learnerSampling(Path runConfig) {
    JsonNode sampling;
    try {
      sampling = Yaml.mapper().readTree(Files.readString(runConfig)).path("grpo").path("sampling");
    } catch (IOException e) {
      throw new ConfigException(runConfig + ": cannot read the learner's config: " + e, e);
    }
    return sampling.isMissingNode() || sampling.isNull()
        ? SamplingConfig.defaults()
        : Yaml.read(Yaml.write(sampling), SamplingConfig.class, runConfig + ": grpo.sampling");
  }

  private static String require(String flag, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(flag + ": expected a value");
    }
    return value;
  }
}
