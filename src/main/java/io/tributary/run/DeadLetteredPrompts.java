package io.tributary.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.json.Json;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import io.tributary.rollout.InputOrigin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The fed prompts that the rollout job or the learner gave up on, read read_committed from the
 * dead-letters topic since its beginning. Such a prompt is never trained on, so the feeder counts
 * it as done here; otherwise it would hold a slot of the in-flight bound forever, and enough of
 * them would stall the loop. A prompt is named by its partition and offset in the prompts topic:
 * the job's letters (a rejected prompt, a group it could not score) carry that origin; the
 * learner's letters about a group it cannot train carry the scored group, whose group id ends in it
 * ({@code <promptId>@p<partition>o<offset>}, see pipeline/README.md). So a prompt dead-lettered
 * several times counts once, and letters about other inputs (policy-version events, records that
 * are not scored groups) count not at all. Of those prompts it also counts the ones whose group was
 * not scored (a reward function failed on a member): both sides' letters then carry the group, with
 * a member that has reward errors or no total.
 */
public final class DeadLetteredPrompts implements AutoCloseable {
  private final String promptsTopic;
  private final String scoredRolloutsTopic;
  private final KafkaConsumer<String, byte[]> reader;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Set<InputOrigin> prompts = new HashSet<>();
  private final Set<InputOrigin> unscored = new HashSet<>();
  private volatile long count;
  private volatile long unscoredCount;

  public DeadLetteredPrompts(KafkaConfig kafka) {
    this.promptsTopic = kafka.topics().prompts();
    this.scoredRolloutsTopic = kafka.topics().scoredRollouts();
    this.reader = KafkaClients.bytesConsumer(kafka, null);
    reader
        .partitionsFor(kafka.topics().deadLetters())
        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
  }

  /** Distinct fed prompts dead-lettered so far; safe to read from any thread. */
  public long count() {
    return count;
  }

  /** Distinct fed prompts dead-lettered because their group was not scored. */
  public long unscoredCount() {
    return unscoredCount;
  }

  /** Reads the letters committed since the last call, waiting up to {@code timeout} for some. */
  void poll(Duration timeout) {
    for (ConsumerRecord<String, byte[]> r : reader.poll(timeout)) {
      accept(r.value());
    }
    count = prompts.size();
    unscoredCount = unscored.size();
  }

  /** Reads to the topic's end as of now (the last stable offsets, for read_committed). */
  public void catchUp(Duration limit) {
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
    unscoredCount = unscored.size();
  }

  private void accept(byte[] value) {
    DeadLetter letter;
    try {
      letter = MessageCodec.decode(value, DeadLetter.class);
    } catch (RuntimeException e) {
      return; // not a letter in Tributary's format, so not about one of the feeder's prompts
    }
    if (letter.sourceKind() != DeadLetter.SourceKind.TOPIC) {
      return;
    }
    if (letter.source().equals(promptsTopic)) {
      InputOrigin origin = InputOrigin.topic(promptsTopic, letter.partition(), letter.position());
      prompts.add(origin);
      if (isUnscoredGroup(letter.payload())) {
        unscored.add(origin);
      }
    } else if (letter.source().equals(scoredRolloutsTopic)) {
      // a record that does not decode may still name its group: its prompt is given up all the same
      groupIdIn(letter.payload())
          .flatMap(id -> InputOrigin.topicOfGroupId(id, promptsTopic))
          .ifPresent(
              origin -> {
                prompts.add(origin);
                if (isUnscoredGroup(letter.payload())) {
                  unscored.add(origin);
                }
              });
    }
  }

  /** The {@code groupId} text of a JSON object payload, whether or not it is a valid group. */
  private static Optional<String> groupIdIn(String payload) {
    try {
      JsonNode id = Json.mapper().readTree(payload).get("groupId");
      return id != null && id.isTextual() ? Optional.of(id.textValue()) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty(); // not JSON: names no prompt
    }
  }

  /** True when a letter's payload is a scored group with a member that has no total. */
  private static boolean isUnscoredGroup(String payload) {
    try {
      return !MessageCodec.decode(payload, ScoredGroup.class).isScored();
    } catch (RuntimeException e) {
      return false; // a rejected prompt's raw record
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
