package io.tributary.cluster;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.Yaml;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardConfig;
import io.tributary.reward.RewardsConfig;
import io.tributary.rollout.Delivery;
import io.tributary.rollout.MicroBatchConfig;
import io.tributary.rollout.PromptsConfig;
import io.tributary.rollout.RolloutsConfig;
import io.tributary.tokenizer.CharTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A tiny policy, rollouts configs as files the JobManager reads, and prompts for the cluster tests.
 */
final class ClusterFixtures {
  static final int G = 3;

  private ClusterFixtures() {}

  /** A freshly initialised tiny policy (version 0) in the shared policy store {@code dir}. */
  static Path tinyPolicy(Path dir) {
    return tinyPolicy(dir, 1, 0);
  }

  /** A tiny policy from {@code seed} saved as {@code version} in the policy store {@code dir}. */
  static Path tinyPolicy(Path dir, long seed, long version) {
    ModelConfig model =
        ModelConfig.builder()
            .vocabSize(112)
            .dim(16)
            .layers(2)
            .heads(2)
            .routedExperts(4)
            .topK(2)
            .expertHidden(16)
            .denseHidden(32)
            .denseLayers(1)
            .maxSeqLen(64)
            .device(DeviceChoice.CPU)
            .build();
    Path file = dir.resolve("policy-v" + version + ".ckpt");
    try (PolicyModel policy = PolicyModel.create(model, seed)) {
      Checkpoint.save(file, policy, new CharTokenizer().spec(), version, version, Map.of());
    }
    return file;
  }

  static KafkaConfig kafka(String bootstrap, String run) {
    return new KafkaConfig(
        bootstrap,
        new KafkaTopics(
            run + ".prompts", run + ".rollouts", run + ".policy", run + ".dead-letters"),
        2,
        null,
        null);
  }

  /**
   * The job's config: G completions of up to {@code maxNewTokens} per prompt, checkpoints every 500
   * ms (exactly-once rollouts become visible at that pace).
   */
  static RolloutsConfig config(
      Path policy,
      KafkaConfig kafka,
      int parallelism,
      String transactionalIdPrefix,
      PromptsConfig prompts,
      int maxNewTokens) {
    return new RolloutsConfig(
        policy.toString(),
        null,
        kafka,
        new RewardsConfig(
            List.of(
                RewardConfig.of("accuracy", 1.0),
                new RewardConfig("overlong", 1.0, Map.of("maxLength", 12, "buffer", 10), null)),
            1),
        new SamplingConfig(G, 1.0, 1.0, 0, maxNewTokens, List.of()),
        null,
        new MicroBatchConfig(4, 50L),
        parallelism,
        500L,
        Delivery.EXACTLY_ONCE,
        transactionalIdPrefix,
        prompts,
        0,
        null,
        7L,
        null /* recordRouting: default */);
  }

  /** The config as the YAML file a user would pass to the job. */
  static Path write(Path dir, String name, RolloutsConfig config) {
    Path file = dir.resolve(name);
    try {
      Files.writeString(file, Yaml.write(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static PromptMessage prompt(int i) {
    int a = i % 7;
    int b = (i * 3) % 5;
    return new PromptMessage(
        "q" + i, a + "+" + b + "=", "arithmetic", Integer.toString(a + b), Map.of("n", "" + i), 1);
  }

  /** Prompts 0 to {@code count - 1} as the JSON lines of a prompts file. */
  static Path promptsFile(Path dir, int count) {
    Path file = dir.resolve("prompts.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      lines.append(io.tributary.messages.MessageCodec.encodeToString(prompt(i))).append('\n');
    }
    try {
      Files.writeString(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Announces {@code checkpoint} as a new policy version, as the learner does. */
  static void announce(KafkaConfig kafka, Path checkpoint, long version) {
    PolicyVersionEvent event =
        new PolicyVersionEvent(
            PolicyVersionEvent.SCHEMA_VERSION,
            version,
            checkpoint.toAbsolutePath().toString(),
            Checkpoint.sha256(checkpoint),
            version,
            Map.of(),
            System.currentTimeMillis());
    try (KafkaProducer<String, PolicyVersionEvent> producer = KafkaClients.producer(kafka)) {
      producer.send(new ProducerRecord<>(kafka.topics().policyVersions(), event.key(), event));
      producer.flush();
    }
  }

  static void publishPrompts(KafkaConfig kafka, int from, int to) {
    try (KafkaProducer<String, PromptMessage> producer = KafkaClients.producer(kafka)) {
      for (int i = from; i < to; i++) {
        PromptMessage p = prompt(i);
        producer.send(new ProducerRecord<>(kafka.topics().prompts(), p.key(), p));
      }
      producer.flush();
    }
  }
}
