package io.tributary.learner;

import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.Message;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The learner's dead letters: a scored-groups record it cannot decode, and a group it cannot train
 * (a member without a total). A letter names the record's partition and offset in the topic and
 * carries the record as its payload: a group's payload is the scored group, whose group id names
 * the prompt's place in the prompts topic, which is how {@code run.DeadLetteredPrompts} frees that
 * prompt's in-flight slot. Each letter is acknowledged by the broker before the learner goes on, so
 * no offset past a record is committed before the record's letter is safe.
 */
final class LearnerDeadLetters {
  private final KafkaProducer<String, Message> producer;
  private final String deadLetters;
  private final String scoredRollouts;
  // [partition, offset] of what was dead-lettered since the learner started
  private final Set<List<Long>> written = new HashSet<>();

  LearnerDeadLetters(KafkaProducer<String, Message> producer, KafkaConfig kafka) {
    this.producer = producer;
    this.deadLetters = kafka.topics().deadLetters();
    this.scoredRollouts = kafka.topics().scoredRollouts();
  }

  /** A record that is not a scored group (not JSON, another schema version, a missing field). */
  void undecodable(int partition, long offset, byte[] value, String reason) {
    write(partition, offset, text(value), reason);
  }

  /** A scored group that cannot be trained: a member has no total. */
  void unscored(int partition, long offset, byte[] value, String reason) {
    write(partition, offset, text(value), reason);
  }

  private static String text(byte[] value) {
    return value == null ? "" : new String(value, StandardCharsets.UTF_8);
  }

  /**
   * Of the records dead-lettered now or earlier, those at or past {@code commit} (the next read
   * position per partition): a resumed learner reads them again and must skip them.
   */
  Set<List<Long>> atOrPast(Map<Integer, Long> commit, Set<List<Long>> earlier) {
    Set<List<Long>> ahead = new HashSet<>();
    for (Set<List<Long>> positions : List.of(earlier, written)) {
      for (List<Long> at : positions) {
        if (at.get(1) >= commit.getOrDefault(at.get(0).intValue(), Long.MAX_VALUE)) {
          ahead.add(at);
        }
      }
    }
    written.clear();
    return ahead;
  }

  private void write(int partition, long offset, String payload, String reason) {
    DeadLetter letter =
        new DeadLetter(
            DeadLetter.SourceKind.TOPIC,
            scoredRollouts,
            partition,
            offset,
            payload,
            reason,
            System.currentTimeMillis());
    try {
      producer.send(new ProducerRecord<>(deadLetters, letter.key(), letter)).get();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not dead-letter "
              + scoredRollouts
              + " partition "
              + partition
              + " offset "
              + offset
              + " ("
              + reason
              + ") to "
              + deadLetters
              + ": "
              + e.getMessage(),
          e);
    }
    written.add(List.of((long) partition, offset));
  }
}
