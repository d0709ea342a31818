package io.tributary.cluster;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The scored topic as a read_committed reader sees it, reduced to rollout ids: the one place the
 * cluster tests depend on the record format (one scored group per prompt; a rollout is a member,
 * named by its group and its position in it).
 */
final class ScoredTopic {
  private ScoredTopic() {}

  /** The rollout ids of one record. */
  static List<String> rolloutIds(byte[] record) {
    ScoredGroup group = MessageCodec.decode(record, ScoredGroup.class);
    return IntStream.range(0, group.members().size())
        .mapToObj(i -> group.groupId() + "/" + i)
        .toList();
  }

  /** The prompt of each rollout id of one record, in the same order. */
  static List<String> promptIds(byte[] record) {
    ScoredGroup group = MessageCodec.decode(record, ScoredGroup.class);
    return java.util.Collections.nCopies(group.members().size(), group.promptId());
  }

  /** Every committed rollout id so far: read until nothing new came for {@code quiet}. */
  static List<String> committedRolloutIds(KafkaConfig kafka, Duration quiet) {
    return ids(records(kafka, Integer.MAX_VALUE, Duration.ofSeconds(60), Duration.ZERO, quiet));
  }

  /**
   * Every committed rollout id, waiting until {@code expected} arrived or {@code timeout} passed,
   * then reading on for {@code linger}: more than expected would be a bug the test must see.
   */
  static List<String> awaitRolloutIds(
      KafkaConfig kafka, int expected, Duration timeout, Duration linger) {
    return ids(records(kafka, expected, timeout, linger, null));
  }

  /** The prompt ids of every committed rollout, one per rollout. */
  static List<String> committedPromptIds(KafkaConfig kafka, Duration quiet) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r :
        records(kafka, Integer.MAX_VALUE, Duration.ofSeconds(60), Duration.ZERO, quiet)) {
      out.addAll(promptIds(r.value()));
    }
    return out;
  }

  private static List<String> ids(List<ConsumerRecord<String, byte[]>> records) {
    List<String> ids = new ArrayList<>();
    records.forEach(r -> ids.addAll(rolloutIds(r.value())));
    return ids;
  }

  /**
   * @param quiet stop once nothing new came for this long; null to wait for {@code expected}
   */
  private static List<ConsumerRecord<String, byte[]>> records(
      KafkaConfig kafka, int expected, Duration timeout, Duration linger, Duration quiet) {
    String topic = kafka.topics().scoredRollouts();
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.bytesConsumer(kafka, null)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      long lastNew = System.nanoTime();
      int ids = 0;
      while (System.nanoTime() < deadline && ids < expected) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r);
          ids += rolloutIds(r.value()).size();
          lastNew = System.nanoTime();
        }
        if (quiet != null && System.nanoTime() - lastNew > quiet.toNanos()) {
          break;
        }
      }
      long lingerEnd = System.nanoTime() + linger.toNanos();
      while (System.nanoTime() < lingerEnd) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
