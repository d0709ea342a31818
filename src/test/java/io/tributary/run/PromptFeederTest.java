package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.Message;
import io.tributary.messages.PromptMessage;
import io.tributary.rollout.InputOrigin;
import io.tributary.tasks.TaskPrompt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feeder's in-flight bound against a real broker. */
class PromptFeederTest {
  static final int MAX_IN_FLIGHT = 4;
  static final Duration WAIT = Duration.ofMillis(100);
  static EmbeddedKafka broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aPromptTheRolloutJobDeadLetteredFreesItsInFlightSlotOnceAlsoForAResumedFeeder()
      throws Exception {
    KafkaConfig kafka = settings();
    List<TaskPrompt> train = arithmetic(20);
    List<InputOrigin> fed;
    try (PromptFeeder feeder = new PromptFeeder(kafka, train, 7, MAX_IN_FLIGHT, () -> 0)) {
      assertThat(feeder.feedWhatFits(WAIT)).isEqualTo(MAX_IN_FLIGHT);
      assertThat(feeder.feedWhatFits(WAIT)).as("the bound is reached").isZero();
      fed = fedPrompts(kafka);
      assertThat(fed).hasSize(MAX_IN_FLIGHT);

      // the job rejects the first prompt, and the second one's group times out twice (a late
      // member opens it again); a letter about a policy event at the third prompt's position
      // is about another input and frees nothing
      send(
          kafka,
          letter(fed.get(0), "prompt too long"),
          letter(fed.get(1), "group timeout"),
          letter(fed.get(1), "group timeout"),
          letter(
              InputOrigin.topic(
                  kafka.topics().policyVersions(), fed.get(2).partition(), fed.get(2).position()),
              "malformed policy event"));

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (feeder.fed() < MAX_IN_FLIGHT + 2 && System.nanoTime() < deadline) {
        feeder.feedWhatFits(WAIT);
      }
      assertThat(feeder.fed()).as("two slots freed: two more prompts fed").isEqualTo(6);
    }

    // a resumed feeder counts the letters of earlier runs before it feeds
    try (PromptFeeder resumed = new PromptFeeder(kafka, train, 7, MAX_IN_FLIGHT, () -> 0)) {
      assertThat(resumed.fed()).isEqualTo(6);
      assertThat(resumed.inFlight()).isEqualTo(MAX_IN_FLIGHT);
      assertThat(resumed.feedWhatFits(WAIT)).isZero();
    }
    // and groups the learner consumed free theirs as well
    try (PromptFeeder resumed = new PromptFeeder(kafka, train, 7, MAX_IN_FLIGHT, () -> 1)) {
      assertThat(resumed.inFlight()).isEqualTo(MAX_IN_FLIGHT - 1);
      assertThat(resumed.feedWhatFits(WAIT)).isEqualTo(1);
    }
  }

  private static KafkaConfig settings() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics topics = new KafkaTopics("p-" + run, "r-" + run, "v-" + run, "d-" + run);
    KafkaConfig s = new KafkaConfig(broker.bootstrapServers(), topics, 2, null, null);
    TopicAdmin.ensureTopics(s);
    return s;
  }

  private static List<TaskPrompt> arithmetic(int n) {
    List<TaskPrompt> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new TaskPrompt("t" + i, i + "+1=", String.valueOf(i + 1), "arithmetic", Map.of()));
    }
    return out;
  }

  private static DeadLetter letter(InputOrigin origin, String reason) {
    return origin.deadLetter("{}", reason, System.currentTimeMillis());
  }

  private static void send(KafkaConfig kafka, DeadLetter... letters) throws Exception {
    try (KafkaProducer<String, Message> producer = KafkaClients.producer(kafka)) {
      for (DeadLetter l : letters) {
        producer.send(new ProducerRecord<>(kafka.topics().deadLetters(), l.key(), l)).get();
      }
    }
  }

  /** Where each committed prompt lies in the prompts topic, as the rollout job names it. */
  private static List<InputOrigin> fedPrompts(KafkaConfig kafka) {
    List<InputOrigin> out = new ArrayList<>();
    try (KafkaConsumer<String, PromptMessage> reader =
        KafkaClients.consumer(kafka, null, PromptMessage.class)) {
      List<TopicPartition> partitions = new ArrayList<>();
      reader
          .partitionsFor(kafka.topics().prompts())
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = reader.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, PromptMessage> r : reader.poll(Duration.ofMillis(200))) {
          out.add(InputOrigin.topic(r.topic(), r.partition(), r.offset()));
        }
      }
    }
    return out;
  }
}
