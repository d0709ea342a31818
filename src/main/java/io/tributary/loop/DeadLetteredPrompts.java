package io.tributary.loop;

import io.tributary.json.Json;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaSettings;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredRollout;
import io.tributary.messages.UnscoredGroup;
import io.tributary.stream.InputOrigin;
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
 * The fed prompts that the rollout job or the learner gave up on, read read_committed from the
 * dead-letters topic since its beginning. Such a prompt is never trained on, so the feeder counts
 * it as done here; otherwise it would hold a slot of the in-flight bound forever, and enough of
 * them would stall the loop. A prompt is named by its partition and offset in the prompts topic:
 * the job's letters (a rejected prompt, a group timed out incomplete) carry that origin; the
 * learner's letters about a group that cannot complete carry a scored rollout whose group id ends
 * in it ({@code <promptId>@p<partition>o<offset>}, see pipeline/README.md). So a prompt
 * dead-lettered several times (a late member's group timing out again, each of a group's G members)
 * counts once, and letters about other inputs (policy-version events, records that are not scored
 * rollouts) count not at all. Of those prompts it also counts the ones whose group was not scored
 * (a reward function failed on a member): the job's letter then carries an {@link UnscoredGroup},
 * the learner's a member with reward errors or no total.
 */
final class DeadLetteredPrompts implements AutoCloseable {
  private final String promptsTopic;
  private final String scoredRolloutsTopic;
  private final KafkaConsumer<String, byte[]> reader;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Set<InputOrigin> prompts = new HashSet<>();
  private final Set<InputOrigin> unscored = new HashSet<>();
  private volatile long count;
  private volatile long unscoredCount;

  DeadLetteredPrompts(KafkaSettings kafka) {
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
  long count() {
    return count;
  }

  /** Distinct fed prompts dead-lettered because their group was not scored. */
  long unscoredCount() {
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
      ScoredRollout member;
      try {
        member = MessageCodec.decode(letter.payload(), ScoredRollout.class);
      } catch (RuntimeException e) {
        return; // a record that was not a scored rollout names no prompt
      }
      var origin = InputOrigin.topicOfGroupId(member.groupId(), promptsTopic);
      origin.ifPresent(prompts::add);
      if (!member.rewardErrors().isEmpty() || !Double.isFinite(member.totalReward())) {
        origin.ifPresent(unscored::add);
      }
    }
  }

  /** True when a prompt letter's payload is the job's record of a group it could not score. */
  private static boolean isUnscoredGroup(String payload) {
    try {
      Json.mapper().readValue(payload, UnscoredGroup.class);
      return true;
    } catch (Exception e) {
      return false; // a rejected prompt's raw record, or a timed-out group's summary
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
