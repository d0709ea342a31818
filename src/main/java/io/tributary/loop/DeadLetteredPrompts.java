package io.tributary.loop;

import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaSettings;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The fed prompts that the rollout job gave up on (rejected by its validator, or a group that timed
 * out incomplete), read read_committed from the dead-letters topic since its beginning. Such a
 * prompt never reaches the learner, so the feeder counts it as done here; otherwise it would hold a
 * slot of the in-flight bound forever, and enough of them would stall the loop. A prompt is named
 * by its partition and offset in the prompts topic (the job's dead letters carry that origin), so
 * one dead-lettered twice (a late member's group timing out again) counts once, and letters about
 * other inputs (policy-version events, the learner's malformed records) count not at all.
 */
final class DeadLetteredPrompts implements AutoCloseable {
  private record PromptPosition(int partition, long offset) {}

  private final String promptsTopic;
  private final KafkaConsumer<String, byte[]> reader;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Set<PromptPosition> prompts = new HashSet<>();
  private volatile long count;

  DeadLetteredPrompts(KafkaSettings kafka) {
    this.promptsTopic = kafka.topics().prompts();
    this.reader = KafkaClients.bytesConsumer(kafka, null);
    reader
        .partitionsFor(kafka.topics().deadLetters())
        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
  }

  /** Distinct fed prompts dead-lettered so far; safe to read from any thread. */
  long count() {
    return count;
  }

  /** Reads the letters committed since the last call, waiting up to {@code timeout} for some. */
  void poll(Duration timeout) {
    for (ConsumerRecord<String, byte[]> r : reader.poll(timeout)) {
      accept(r.value());
    }
    count = prompts.size();
  }

  /** Reads to the topic's end as of now (the last stable offsets, for read_committed). */
  void catchUp(Duration limit) {
    Map<TopicPartition, Long> end = reader.endOffsets(partitions);
    long deadline = System.nanoTime() + limit.toNanos();
    while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "dead-letters topic "
                + partitions.get(0).topic()
                + ": could not read to its end in "
                + limit.toSeconds()
                + " s");
      }
      poll(Duration.ofMillis(200));
    }
    count = prompts.size();
  }

  private void accept(byte[] value) {
    DeadLetter letter;
    try {
      letter = MessageCodec.decode(value, DeadLetter.class);
    } catch (RuntimeException e) {
      return; // not a letter in Tributary's format, so not about one of the feeder's prompts
    }
    if (letter.sourceKind() == DeadLetter.SourceKind.TOPIC
        && letter.source().equals(promptsTopic)) {
      prompts.add(new PromptPosition(letter.partition(), letter.position()));
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
