package io.tributary.run;

import io.tributary.grpo.PromptStream;
import io.tributary.json.Json;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.Message;
import io.tributary.messages.PromptMessage;
import io.tributary.tasks.TaskPrompt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes the training prompts to the prompts topic in a seeded shuffled order, epoch after epoch,
 * in Kafka transactions, while fewer than {@code maxInFlight} fed prompts are still in flight:
 * neither consumed by the learner nor given up on by the rollout job or the learner ({@link
 * DeadLetteredPrompts}). The bound keeps rollouts from running ahead of the policy, i.e. bounds
 * staleness. Every prompt id starts with its sequence number in that order, so a resumed feeder
 * reads the topic (read_committed) for the highest committed number and continues after it: no
 * prompt is lost or fed twice across a crash, and the fixed transactional id fences a killed
 * feeder's open transaction (Kafka's transactional producer, KIP-98).
 */
public final class PromptFeeder implements AutoCloseable {
  static final String TRANSACTIONAL_ID = "tributary-run-prompt-feeder";
  private static final Pattern SEQUENCE = Pattern.compile("(\\d{9})-.*");
  private static final int CHUNK = 8;

  private final KafkaConfig kafka;
  private final PromptStream stream;
  private final int maxInFlight;
  private final LongSupplier consumedGroups;
  private final KafkaProducer<String, Message> producer;
  private final DeadLetteredPrompts deadLettered;
  private volatile long fed;

  /**
   * @param consumedGroups groups the learner has consumed (trained or dropped as stale)
   */
  public PromptFeeder(
      KafkaConfig kafka,
      List<TaskPrompt> train,
      long seed,
      int maxInFlight,
      LongSupplier consumedGroups) {
    this.kafka = kafka;
    this.stream = new PromptStream(train, seed);
    this.maxInFlight = maxInFlight;
    this.consumedGroups = consumedGroups;
    // one feeder per prompts topic: its id fences only a predecessor feeding the same topic
    this.producer =
        KafkaClients.transactionalProducer(
            kafka, TRANSACTIONAL_ID + "-" + kafka.topics().prompts());
    // aborts what a killed predecessor left open, before the topic is read for its end
    producer.initTransactions();
    long next = nextSequence(kafka);
    if (next > 0) {
      stream.take(Math.toIntExact(next)); // the same seeded order, fast-forwarded
    }
    this.fed = next;
    this.deadLettered = new DeadLetteredPrompts(kafka);
    deadLettered.catchUp(Duration.ofSeconds(60)); // a resumed feeder counts earlier runs' letters
  }

  /** Prompts fed so far, over all runs of this run directory. */
  public long fed() {
    return fed;
  }

  /** Fed prompts neither consumed by the learner nor dead-lettered (by the job or the learner). */
  public long inFlight() {
    return fed - consumedGroups.getAsLong() - deadLettered.count();
  }

  /**
   * Fed prompts whose group went to the dead letters because a reward function failed on a member
   * (by the job, or by the learner), over all runs of this run directory.
   */
  public long unscoredGroups() {
    return deadLettered.unscoredCount();
  }

  public int epoch() {
    return stream.epoch();
  }

  /** Feeds until {@code stop} says so, waiting while the in-flight bound is reached. */
  public void run(BooleanSupplier stop) {
    while (!stop.getAsBoolean()) {
      feedWhatFits(Duration.ofMillis(50));
    }
  }

  /**
   * Reads new dead letters (waiting up to {@code wait} for them while the bound is reached), then
   * feeds one transaction of prompts if there is room. Returns how many it fed.
   */
  int feedWhatFits(Duration wait) {
    deadLettered.poll(inFlight() < maxInFlight ? Duration.ZERO : wait);
    long room = maxInFlight - inFlight();
    if (room <= 0) {
      return 0;
    }
    int n = (int) Math.min(room, CHUNK);
    feed(n);
    return n;
  }

  /** One transaction of {@code n} prompts. */
  void feed(int n) {
    List<TaskPrompt> prompts = stream.take(n);
    producer.beginTransaction();
    long sequence = fed;
    for (TaskPrompt p : prompts) {
      PromptMessage message =
          new PromptMessage(
              promptId(sequence++, p.id()),
              p.prompt(),
              p.task(),
              p.answer(),
              fields(p.extra()),
              System.currentTimeMillis());
      producer.send(new ProducerRecord<>(kafka.topics().prompts(), message.key(), message));
    }
    producer.commitTransaction();
    fed = sequence;
  }

  static String promptId(long sequence, String taskId) {
    return String.format("%09d-%s", sequence, taskId);
  }

  static OptionalLong sequenceOf(String promptId) {
    Matcher m = SEQUENCE.matcher(promptId);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /** One more than the highest sequence number committed to the prompts topic; 0 when none. */
  static long nextSequence(KafkaConfig kafka) {
    long next = 0;
    try (KafkaConsumer<String, PromptMessage> reader =
        KafkaClients.consumer(kafka, null, PromptMessage.class)) {
      List<TopicPartition> partitions = new ArrayList<>();
      reader
          .partitionsFor(kafka.topics().prompts())
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      // read_committed end offsets are the last stable offsets: committed data ends there
      Map<TopicPartition, Long> end = reader.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "prompts topic " + kafka.topics().prompts() + ": could not read to its end in 60 s");
        }
        for (ConsumerRecord<String, PromptMessage> r : reader.poll(Duration.ofMillis(200))) {
          OptionalLong sequence = sequenceOf(r.value().promptId());
          if (sequence.isPresent()) {
            next = Math.max(next, sequence.getAsLong() + 1);
          }
        }
      }
    }
    return next;
  }

  private static Map<String, String> fields(Map<String, Object> extra) {
    Map<String, String> out = new LinkedHashMap<>();
    extra.forEach((k, v) -> out.put(k, v instanceof String s ? s : Json.write(v)));
    return out;
  }

  @Override
  public void close() {
    try (deadLettered) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
