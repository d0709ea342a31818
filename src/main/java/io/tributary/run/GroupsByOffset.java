package io.tributary.run;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.learner.TrainedGroupsLog;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads recorded groups back from the scored topic by offset, read_committed and without a consumer
 * group (a replay commits nothing). Records in order are served from the batches already fetched.
 */
final class GroupsByOffset implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<TopicPartition, Map<Long, byte[]>> fetched = new HashMap<>();

  GroupsByOffset(KafkaConfig kafka) {
    this.consumer = KafkaClients.bytesConsumer(kafka, null);
  }

  /** The group recorded at {@code at}; an error names the record when the log disagrees. */
  ScoredGroup read(TrainedGroupsLog.TrainedGroup at, long version) {
    TopicPartition tp = new TopicPartition(at.topic(), at.partition());
    // a group is trained once: what is served is dropped, so the cache holds only what is ahead
    byte[] value = fetched.computeIfAbsent(tp, k -> new HashMap<>()).remove(at.offset());
    if (value == null) {
      value = fetch(tp, at, version);
    }
    ScoredGroup group;
    try {
      group = MessageCodec.decode(value, ScoredGroup.class);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          where(at, version) + ": not a scored group: " + e.getMessage());
    }
    if (!group.groupId().equals(at.groupId())) {
      throw new IllegalStateException(
          where(at, version)
              + ": the record there is group "
              + group.groupId()
              + ", not the recorded "
              + at.groupId());
    }
    return group;
  }

  private byte[] fetch(TopicPartition tp, TrainedGroupsLog.TrainedGroup at, long version) {
    consumer.assign(List.of(tp));
    long end = consumer.endOffsets(List.of(tp)).get(tp);
    long start = consumer.beginningOffsets(List.of(tp)).get(tp);
    if (at.offset() < start || at.offset() >= end) {
      throw new IllegalStateException(
          where(at, version)
              + ": no such offset on the topic (it holds "
              + start
              + " to "
              + (end - 1)
              + "; was the topic's retention shorter than the run?)");
    }
    consumer.seek(tp, at.offset());
    Map<Long, byte[]> cache = new HashMap<>();
    fetched.put(tp, cache);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (consumer.position(tp) <= at.offset() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        cache.put(r.offset(), r.value());
      }
    }
    byte[] value = cache.remove(at.offset());
    if (value == null) {
      throw new IllegalStateException(
          where(at, version)
              + ": no committed record at that offset (a transaction marker or an aborted write)");
    }
    return value;
  }

  private static String where(TrainedGroupsLog.TrainedGroup at, long version) {
    return TrainedGroupsLog.FILE
        + " version "
        + version
        + ": group "
        + at.groupId()
        + " at "
        + at.topic()
        + " partition "
        + at.partition()
        + " offset "
        + at.offset();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
