package io.tributary.learner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicyStore;
import io.tributary.run.DeadLetteredPrompts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner against a real broker when the scored-rollouts topic holds what it cannot train on:
 * the good groups are trained, the bad records are dead-lettered with their reasons, and the
 * committed offset moves past all of them, also across a restart.
 */
class LearnerBadRecordsTest {
  static final int G = LearnerServiceTest.G;
  static final long TIMEOUT_MS = 60_000;
  static EmbeddedKafka broker;
  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void badRecordsAreDeadLetteredWithTheirReasonsWhileGoodGroupsTrainAndOffsetsMovePastThem()
      throws Exception {
    KafkaConfig kafka = settings();
    TopicPartition rollouts = new TopicPartition(kafka.topics().scoredRollouts(), 0);
    LearnerConfig config = new LearnerConfig(null, 100, null, null, 10, 50, null);
    PolicyStore store = new PolicyStore(dir.resolve("policies"), 10);
    List<Map<String, Object>> updates = new ArrayList<>();
    List<ScoredGroup> sampled;
    try (PolicyModel source = PolicyModel.create(LearnerServiceTest.tiny(), 1)) {
      sampled = LearnerServiceTest.groups(source, 7, 0, "q");
    }
    // one partition, in this order: 2 good groups, 2 undecodable records, 3 broken groups, 2 good
    PublishedGroups.produce(kafka, sampled.subList(0, 2));
    long notJson =
        send(kafka, "{\"schemaVersion\": 1, \"groupId\": ".getBytes(StandardCharsets.UTF_8));
    long newerSchema = send(kafka, "{\"schemaVersion\": 9}".getBytes(StandardCharsets.UTF_8));
    long tooFew =
        send(kafka, broken(sampled.get(2), "q2@p0o12", o -> o.withArray("members").remove(0)));
    long textToken =
        send(
            kafka,
            broken(
                sampled.get(3),
                "q3@p0o13",
                o -> member(o, 1).withArray("completionTokenIds").set(0, "x")));
    long noFinish =
        send(kafka, broken(sampled.get(4), "q4@p0o14", o -> member(o, 2).remove("finishReason")));
    PublishedGroups.produce(kafka, sampled.subList(5, 7));

    try (PolicyModel policy = PolicyModel.create(LearnerServiceTest.tiny(), 1);
        LearnerService learner = learner(kafka, store, policy, config, updates)) {
      learner.start(0);
      LearnerServiceTest.pollUntil(learner, () -> learner.version() >= 2);
      assertThat(learner.version()).isEqualTo(2);
      assertThat(learner.counter("trained_rollouts")).isEqualTo(4L * G);
      assertThat(learner.counter("malformed_records")).isEqualTo(5);
      assertThat(committed(kafka, rollouts))
          .as("past every record: a bad record holds nothing back")
          .isEqualTo(endOffset(kafka));
    }

    // restarted at the end: nothing is read, trained or dead-lettered again
    try (PolicyModel policy = PolicyModel.create(LearnerServiceTest.tiny(), 5);
        LearnerService learner = learner(kafka, store, policy, config, updates)) {
      learner.start(0);
      for (int i = 0; i < 10; i++) {
        learner.pollOnce();
      }
      assertThat(learner.version()).isEqualTo(2);
      assertThat(learner.counter("trained_rollouts")).isEqualTo(4L * G);
      assertThat(learner.counter("malformed_records")).isEqualTo(5);
    }

    List<DeadLetter> letters = deadLetters(kafka);
    assertThat(letters).hasSize(5);
    assertThat(letters).allMatch(l -> l.source().equals(kafka.topics().scoredRollouts()));
    assertThat(letters)
        .extracting(DeadLetter::position)
        .as("each bad record once")
        .containsExactlyInAnyOrder(notJson, newerSchema, tooFew, textToken, noFinish);
    assertThat(letterAt(letters, notJson).reason()).contains("not valid JSON");
    assertThat(letterAt(letters, newerSchema).reason()).contains("field 'schemaVersion': got 9");
    assertThat(letterAt(letters, tooFew).reason())
        .contains("field 'members': got 3 members, expected sampling.groupSize=4");
    assertThat(letterAt(letters, textToken).reason())
        .contains("field 'members[1].completionTokenIds[0]'");
    assertThat(letterAt(letters, noFinish).reason())
        .contains("field 'members[2].finishReason': missing");

    // the feeder frees the in-flight slot of each given-up prompt its letter names
    try (DeadLetteredPrompts prompts = new DeadLetteredPrompts(kafka)) {
      prompts.catchUp(Duration.ofSeconds(30));
      assertThat(prompts.count()).isEqualTo(3);
    }
  }

  static KafkaConfig settings() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics topics = new KafkaTopics("p-" + run, "r-" + run, "v-" + run, "d-" + run);
    KafkaConfig s = new KafkaConfig(broker.bootstrapServers(), topics, 1, null, null);
    TopicAdmin.ensureTopics(s);
    return s;
  }

  static LearnerService learner(
      KafkaConfig kafka,
      PolicyStore store,
      PolicyModel policy,
      LearnerConfig config,
      List<Map<String, Object>> updates) {
    return LearnerServiceTest.learner(kafka, store, policy, config, updates);
  }

  /** {@code group} as {@code groupId}, broken by {@code breakIt}, as JSON bytes. */
  static byte[] broken(ScoredGroup group, String groupId, Consumer<ObjectNode> breakIt) {
    ObjectNode json = Json.mapper().valueToTree(group);
    json.put("groupId", groupId);
    breakIt.accept(json);
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  static ObjectNode member(ObjectNode group, int index) {
    return (ObjectNode) group.withArray("members").get(index);
  }

  /** Writes raw bytes to the scored-rollouts topic; returns their offset. */
  static long send(KafkaConfig kafka, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producerProperties(kafka),
            new StringSerializer(),
            new ByteArraySerializer())) {
      return producer
          .send(new ProducerRecord<>(kafka.topics().scoredRollouts(), "k", value))
          .get()
          .offset();
    }
  }

  static long committed(KafkaConfig kafka, TopicPartition tp) {
    try (KafkaConsumer<String, byte[]> c =
        KafkaClients.bytesConsumer(kafka, LearnerConfig.defaults().consumerGroup())) {
      return c.committed(Set.of(tp)).get(tp).offset();
    }
  }

  static long endOffset(KafkaConfig kafka) {
    TopicPartition tp = new TopicPartition(kafka.topics().scoredRollouts(), 0);
    try (KafkaConsumer<String, byte[]> c = KafkaClients.bytesConsumer(kafka, null)) {
      return c.endOffsets(List.of(tp)).get(tp);
    }
  }

  /** Every dead letter written so far. */
  static List<DeadLetter> deadLetters(KafkaConfig kafka) {
    List<DeadLetter> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(kafka.topics().deadLetters(), 0);
    try (KafkaConsumer<String, byte[]> reader = KafkaClients.bytesConsumer(kafka, null)) {
      reader.assign(List.of(tp));
      reader.seekToBeginning(List.of(tp));
      long end = reader.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (reader.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
          out.add(MessageCodec.decode(r.value(), DeadLetter.class));
        }
      }
    }
    return out;
  }

  static DeadLetter letterAt(List<DeadLetter> letters, long offset) {
    return letters.stream().filter(l -> l.position() == offset).findFirst().orElseThrow();
  }
}
