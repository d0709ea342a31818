package io.tributary.rollout;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.ConfigException;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaSession;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicySource;
import io.tributary.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./tributary rollouts}: the job on an embedded MiniCluster with the Flink web UI, against
 * the configured Kafka cluster or Tributary's own broker, with the real sources and sinks wired.
 */
public final class RolloutsRunner {
  private RolloutsRunner() {}

  /** Runs until a file of prompts is done, or until the process is stopped for a Kafka topic. */
  public static JobExecutionResult run(RolloutsConfig config, PrintStream out) throws Exception {
    ensurePolicy(config, out);
    try (KafkaSession session = KafkaSession.open(config.kafka(), Path.of(config.runDir()))) {
      RolloutsConfig resolved = config.withKafka(session.settings());
      RolloutJob.Plan plan = RolloutJob.Plan.of(resolved);
      int port = config.webUiPort() == 0 ? freePort() : config.webUiPort();
      Configuration flink = RolloutJob.flinkConfiguration(resolved);
      flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      flink.set(RestOptions.PORT, port);
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
      RolloutJob.configure(env, resolved);
      wire(env, plan);
      KafkaConfig kafka = resolved.kafka();
      out.printf(
          "rollouts: policy %s (version %d), G=%d, parallelism %d, %s delivery%n",
          config.policyCheckpoint(),
          plan.policy().policyVersion(),
          config.groupSize(),
          config.parallelism(),
          config.delivery().name().toLowerCase());
      out.printf("Kafka: %s%n", kafka.bootstrapServers());
      out.printf(
          "prompts: %s -> scored rollouts: topic %s, dead letters: topic %s%n",
          config.prompts().from() == PromptsConfig.PromptOrigin.FILE
              ? "file " + config.prompts().file()
              : "topic " + kafka.topics().prompts(),
          kafka.topics().scoredRollouts(),
          kafka.topics().deadLetters());
      out.printf("Flink web UI: http://127.0.0.1:%d%n", port);
      out.printf(
          "read them with: ./tributary tail --bootstrap %s --from-beginning%s%n",
          kafka.bootstrapServers(),
          session.broker().isPresent()
              ? " (while this runs: the broker Tributary started stops with it; for a lasting"
                  + " one run ./tributary kafka and set kafka.bootstrapServers)"
              : "");
      JobExecutionResult result = env.execute("tributary rollouts");
      out.printf("rollouts: done in %.1f s%n", result.getNetRuntime() / 1000.0);
      return result;
    }
  }

  /**
   * The real sources and sinks: prompts from the file or topic of the config, policy versions from
   * the beginning of their topic (the job keeps the newest; bounded when the prompts are a file, so
   * the job ends with the file), Kafka sinks with distinct transactional id prefixes.
   */
  public static void wire(StreamExecutionEnvironment env, RolloutJob.Plan plan) {
    RolloutsConfig config = plan.config();
    KafkaConfig kafka = config.kafka();
    String prefix = config.transactionalIdPrefix();
    boolean file = config.prompts().from() == PromptsConfig.PromptOrigin.FILE;
    DataStream<RawInput> prompts =
        file
            ? RolloutJob.jsonlPrompts(env, Path.of(config.prompts().file()))
            : RolloutJob.kafkaInput(
                env,
                KafkaIo.source(kafka, kafka.topics().prompts(), prefix + "-prompts", false, false),
                "prompts");
    DataStream<RawInput> policy =
        RolloutJob.kafkaInput(
            env,
            KafkaIo.source(kafka, kafka.topics().policyVersions(), prefix + "-policy", true, file),
            "policy-versions");
    RolloutJob.build(plan, prompts, policy)
        .sinkTo(
            KafkaIo.sink(
                kafka, kafka.topics().scoredRollouts(), config.delivery(), prefix + "-rollouts"),
            KafkaIo.sink(
                kafka, kafka.topics().deadLetters(), config.delivery(), prefix + "-dead-letters"));
  }

  /** Writes a freshly initialised policy where the config expects one, if there is none. */
  static void ensurePolicy(RolloutsConfig config, PrintStream out) {
    Path policy = Path.of(config.policyCheckpoint());
    if (Files.exists(policy)) {
      return;
    }
    if (config.initModel() == null) {
      throw ConfigException.badValue(
          "policyCheckpoint",
          config.policyCheckpoint(),
          "an existing checkpoint (or set initModel)");
    }
    Path modelConfig = Path.of(config.initModel());
    PolicySource source = PolicySource.of(config.initModel()).resolved();
    // a Hugging Face model is imported with its weights and tokenizer, not initialised
    try (Tokenizer tokenizer = source.tokenizer();
        PolicyModel fresh =
            source.isImported()
                ? source.importModel().orElseThrow()
                : PolicyModel.create(source.architecture(), config.seed())) {
      Checkpoint.save(
          policy,
          fresh,
          tokenizer.spec(),
          0,
          0,
          Map.of(
              "origin",
              (source.isImported()
                      ? "imported by tributary rollouts from "
                      : "freshly initialised by tributary rollouts from ")
                  + modelConfig));
    }
    out.printf(
        "no policy at %s: wrote %s, version 0, from %s%n",
        policy,
        source.isImported() ? "the imported model" : "a freshly initialised (untrained) policy",
        modelConfig);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the Flink web UI", e);
    }
  }
}
