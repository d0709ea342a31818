package io.tributary.kafka;

import io.tributary.grpo.Advantages;
import io.tributary.grpo.GrpoConfig;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.MessageFormatException;
import io.tributary.messages.RolloutTable;
import io.tributary.messages.ScoredGroup;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Prints the scored groups of a topic as they are committed, one row per member with the advantage
 * the learner would give it: read_committed, every partition, no consumer group (so tailing never
 * moves the learner's offsets). A record that does not decode is reported on the error stream with
 * its partition and offset, and reading goes on.
 */
public final class RolloutTail {
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * @param max stop after this many groups; 0 for no limit
   * @param grpo the learner's settings the shown advantages are computed with (its scaling and
   *     overlong penalty): the topic carries rewards, not advantages
   * @param idleTimeout stop when no record arrived for this long; null to follow until killed
   */
  public record Options(
      String topic,
      boolean fromBeginning,
      long max,
      Duration idleTimeout,
      boolean json,
      GrpoConfig grpo) {
    /** Advantages shown as the default GRPO settings compute them. */
    public Options(
        String topic, boolean fromBeginning, long max, Duration idleTimeout, boolean json) {
      this(topic, fromBeginning, max, idleTimeout, json, GrpoConfig.defaults());
    }

    public Options {
      if (max < 0) {
        throw new IllegalArgumentException("--max: got " + max + ", expected a number >= 0");
      }
      if (idleTimeout != null && idleTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "--timeout: got " + idleTimeout + ", expected a duration >= 0");
      }
    }
  }

  private RolloutTail() {}

  /** Returns the number of groups printed. */
  public static long tail(KafkaConfig settings, Options options, PrintStream out, PrintStream err) {
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.bytesConsumer(settings, null)) {
      List<PartitionInfo> partitions = consumer.partitionsFor(options.topic());
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalArgumentException(
            "topic '" + options.topic() + "' does not exist on " + settings.bootstrapServers());
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(assigned);
      if (options.fromBeginning()) {
        consumer.seekToBeginning(assigned);
      } else {
        consumer.seekToEnd(assigned);
      }
      if (!options.json()) {
        out.println(RolloutTable.header());
      }
      long printed = 0;
      long lastRecordAt = System.nanoTime();
      while (options.max() == 0 || printed < options.max()) {
        var records = consumer.poll(POLL);
        if (records.isEmpty()) {
          Duration idle = Duration.ofNanos(System.nanoTime() - lastRecordAt);
          if (options.idleTimeout() != null && idle.compareTo(options.idleTimeout()) >= 0) {
            break;
          }
          continue;
        }
        lastRecordAt = System.nanoTime();
        for (ConsumerRecord<String, byte[]> record : records) {
          if (print(record, options, out, err)) {
            printed++;
            if (printed == options.max()) {
              break;
            }
          }
        }
        out.flush();
      }
      return printed;
    }
  }

  private static boolean print(
      ConsumerRecord<String, byte[]> record, Options options, PrintStream out, PrintStream err) {
    try {
      ScoredGroup group = MessageCodec.decode(record.value(), ScoredGroup.class);
      if (options.json()) {
        // the record as it is on the wire, once it is known to be a valid group
        out.println(new String(record.value(), StandardCharsets.UTF_8));
      } else {
        RolloutTable.rows(group, Advantages.forGroup(group, options.grpo())).forEach(out::println);
      }
      return true;
    } catch (MessageFormatException e) {
      err.printf(
          "%s partition %d offset %d: %s%n",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return false;
    }
  }
}
