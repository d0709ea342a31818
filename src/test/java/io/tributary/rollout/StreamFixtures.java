package io.tributary.rollout;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardConfig;
import io.tributary.reward.RewardsConfig;
import io.tributary.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Tiny policies, prompts, configs and a read_committed reader shared by the stream tests. */
final class StreamFixtures {
  static final int CONTEXT = 48;

  private StreamFixtures() {}

  static ModelConfig tinyModel() {
    return ModelConfig.builder()
        .vocabSize(112)
        .dim(16)
        .layers(2)
        .heads(2)
        .routedExperts(4)
        .topK(2)
        .expertHidden(16)
        .denseHidden(32)
        .denseLayers(1)
        .maxSeqLen(CONTEXT)
        .device(DeviceChoice.CPU)
        .build();
  }

  /** A freshly initialised tiny policy saved as version {@code version}. */
  static Path tinyPolicy(Path dir, String name, long seed, long version) {
    Path file = dir.resolve(name);
    try (PolicyModel model = PolicyModel.create(tinyModel(), seed)) {
      Checkpoint.save(file, model, new CharTokenizer().spec(), version, version, Map.of());
    }
    return file;
  }

  /** Rewards whose totals vary within a group, so advantages are not all zero. */
  static RewardsConfig rewards() {
    return new RewardsConfig(
        List.of(
            RewardConfig.of("accuracy", 1.0),
            new RewardConfig("overlong", 1.0, Map.of("maxLength", 12, "buffer", 10), null)),
        1);
  }

  static RolloutsConfig config(Path policy, KafkaConfig kafka, int parallelism, String txPrefix) {
    return new RolloutsConfig(
        policy.toString(),
        null,
        kafka,
        rewards(),
        new SamplingConfig(3, 1.0, 1.0, 0, 12, null),
        null,
        new MicroBatchConfig(4, 50L),
        parallelism,
        300L,
        Delivery.EXACTLY_ONCE,
        txPrefix,
        PromptsConfig.kafka(),
        0,
        null,
        7L,
        null /* recordRouting: default */);
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

  static PromptMessage prompt(int i) {
    int a = i % 7;
    int b = (i * 3) % 5;
    return new PromptMessage(
        "q" + i, a + "+" + b + "=", "arithmetic", Integer.toString(a + b), Map.of("n", "" + i), 1);
  }

  static String promptLine(int i) {
    return MessageCodec.encodeToString(prompt(i));
  }

  /** Every committed record of {@code topic}, waiting until {@code expected} arrived. */
  static List<ConsumerRecord<String, byte[]>> readCommitted(
      KafkaConfig settings, String topic, int expected, Duration timeout) {
    return readCommitted(settings, topic, expected, timeout, Duration.ofMillis(500));
  }

  /**
   * As above, reading on for {@code linger} once {@code expected} arrived: more than expected would
   * be a bug the test must see.
   */
  static List<ConsumerRecord<String, byte[]>> readCommitted(
      KafkaConfig settings, String topic, int expected, Duration timeout, Duration linger) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.bytesConsumer(settings, null)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      long lingerEnd = System.nanoTime() + linger.toNanos();
      while (System.nanoTime() < lingerEnd) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
