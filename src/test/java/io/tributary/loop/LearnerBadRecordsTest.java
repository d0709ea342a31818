package io.tributary.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaSettings;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredRollout;
import io.tributary.model.PolicyModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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
    KafkaSettings kafka = settings();
    TopicPartition rollouts = new TopicPartition(kafka.topics().scoredRollouts(), 0);
    LearnerConfig config = new LearnerConfig(null, 100, null, null, 10, 50, TIMEOUT_MS, null);
    PolicyStore store = new PolicyStore(dir.resolve("policies"), 10);
    List<Map<String, Object>> updates = new ArrayList<>();
    AtomicLong clock = new AtomicLong();
    List<List<ScoredRollout>> sampled;
    try (PolicyModel source = PolicyModel.create(LearnerServiceTest.tiny(), 1)) {
      sampled = LearnerServiceTest.groups(source, 7, 0, "q");
    }
    // one partition, in this order: 2 good groups, 2 undecodable records, 3 broken groups, 2 good
    LearnerServiceTest.produceInterleaved(kafka, sampled.subList(0, 2));
    long notJson =
        send(kafka, "{\"schemaVersion\": 1, \"rolloutId\": ".getBytes(StandardCharsets.UTF_8));
    long newerSchema = send(kafka, "{\"schemaVersion\": 9}".getBytes(StandardCharsets.UTF_8));
    List<ScoredRollout> q2 = sampled.get(2);
    long incomplete = send(kafka, member(q2.get(0), "q2@p0o12", 0, G));
    send(kafka, member(q2.get(1), "q2@p0o12", 1, G));
    List<ScoredRollout> q3 = sampled.get(3);
    send(kafka, member(q3.get(0), "q3@p0o13", 0, G));
    send(kafka, member(q3.get(1), "q3@p0o13", 1, G));
    send(kafka, member(q3.get(2), "q3@p0o13", 1, G)); // sample index 1 again
    List<ScoredRollout> q4 = sampled.get(4);
    send(kafka, member(q4.get(0), "q4@p0o14", 0, G));
    send(kafka, member(q4.get(1), "q4@p0o14", 1, G - 1)); // another group size
    LearnerServiceTest.produceInterleaved(kafka, sampled.subList(5, 7));

    try (PolicyModel policy = PolicyModel.create(LearnerServiceTest.tiny(), 1);
        LearnerService learner = learner(kafka, store, policy, config, updates, clock)) {
      learner.start(0);
      LearnerServiceTest.pollUntil(learner, () -> learner.version() >= 2);
      assertThat(learner.version()).isEqualTo(2);
      assertThat(learner.counter("trained_rollouts")).isEqualTo(4L * G);
      assertThat(learner.counter("malformed_records")).isEqualTo(2);
      assertThat(learner.counter("dead_lettered_groups"))
          .as("the conflicting groups, at once; the incomplete one waits for its timeout")
          .isEqualTo(2);
      assertThat(committed(kafka, rollouts))
          .as("held back by the open group")
          .isEqualTo(incomplete);
    }

    // resumed: the letters already written are not written again; the open group is read again
    try (PolicyModel policy = PolicyModel.create(LearnerServiceTest.tiny(), 5);
        LearnerService learner = learner(kafka, store, policy, config, updates, clock)) {
      learner.start(0);
      LearnerServiceTest.pollUntil(
          learner, () -> learner.counter("skipped_already_trained") >= 2L * G);
      assertThat(learner.counter("skipped_already_dead_lettered")).isEqualTo(5);
      assertThat(learner.counter("dead_lettered_groups")).isEqualTo(2);

      clock.addAndGet(TIMEOUT_MS);
      learner.pollOnce();
      assertThat(learner.counter("dead_lettered_groups")).isEqualTo(3);
      assertThat(learner.version()).isEqualTo(2);

      try (PolicyModel source = PolicyModel.create(LearnerServiceTest.tiny(), 1)) {
        LearnerServiceTest.produceInterleaved(kafka, LearnerServiceTest.groups(source, 2, 0, "r"));
      }
      LearnerServiceTest.pollUntil(learner, () -> learner.version() >= 3);
      assertThat(learner.version()).isEqualTo(3);
      assertThat(learner.counter("trained_rollouts")).isEqualTo(6L * G);
      assertThat(committed(kafka, rollouts)).as("past every record").isEqualTo(endOffset(kafka));
    }

    // restarted at the end: nothing is read again
    try (PolicyModel policy = PolicyModel.create(LearnerServiceTest.tiny(), 5);
        LearnerService learner = learner(kafka, store, policy, config, updates, clock)) {
      learner.start(0);
      for (int i = 0; i < 10; i++) {
        learner.pollOnce();
      }
      assertThat(learner.version()).isEqualTo(3);
      assertThat(learner.counter("skipped_already_trained")).isEqualTo(2L * G);
      assertThat(learner.counter("skipped_already_dead_lettered")).isEqualTo(5);
    }

    List<DeadLetter> letters = deadLetters(kafka);
    assertThat(letters).hasSize(9);
    assertThat(letters).allMatch(l -> l.source().equals(kafka.topics().scoredRollouts()));
    assertThat(letters)
        .extracting(DeadLetter::position)
        .as("each bad record once")
        .doesNotHaveDuplicates();
    assertThat(letterAt(letters, notJson).reason()).contains("not valid JSON");
    assertThat(letterAt(letters, newerSchema).reason()).contains("field 'schemaVersion': got 9");
    assertThat(reasonsOf(letters, "q2@p0o12"))
        .hasSize(2)
        .allMatch(r -> r.contains("group q2@p0o12") && r.contains("2 of 4 members"))
        .allMatch(r -> r.contains("learner.groupTimeoutMs"));
    assertThat(reasonsOf(letters, "q3@p0o13"))
        .hasSize(3)
        .allMatch(r -> r.contains("sample index 1 twice") && r.contains("3 of 4 members"));
    assertThat(reasonsOf(letters, "q4@p0o14"))
        .hasSize(2)
        .allMatch(r -> r.contains("disagree on the group size") && r.contains("2 of 4 members"));

    // the feeder frees the in-flight slot of each given-up prompt once, whatever its letters
    try (DeadLetteredPrompts prompts = new DeadLetteredPrompts(kafka)) {
      prompts.catchUp(Duration.ofSeconds(30));
      assertThat(prompts.count()).isEqualTo(3);
    }
  }

  static KafkaSettings settings() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics topics = new KafkaTopics("p-" + run, "r-" + run, "v-" + run, "d-" + run);
    KafkaSettings s = new KafkaSettings(broker.bootstrapServers(), topics, 1, null, null);
    TopicAdmin.ensureTopics(s);
    return s;
  }

  static LearnerService learner(
      KafkaSettings kafka,
      PolicyStore store,
      PolicyModel policy,
      LearnerConfig config,
      List<Map<String, Object>> updates,
      AtomicLong clock) {
    return LearnerServiceTest.learner(kafka, store, policy, config, updates).clock(clock::get);
  }

  /** {@code r} as member {@code index} of {@code groupId}, which claims {@code groupSize}. */
  static byte[] member(ScoredRollout r, String groupId, int index, int groupSize) {
    ScoredRollout m =
        new ScoredRollout(
            r.schemaVersion(),
            groupId + "/" + index + "-" + r.rolloutId(),
            r.promptId(),
            groupId,
            index,
            groupSize,
            r.prompt(),
            r.completion(),
            r.completionTokenIds(),
            r.behaviourLogProbs(),
            r.finishReason(),
            r.policyVersion(),
            r.rewards(),
            r.rewardErrors(),
            r.totalReward(),
            r.advantage(),
            r.task(),
            r.answer(),
            r.fields(),
            r.createdAtMillis(),
            r.scoredAtMillis());
    return MessageCodec.encode(m);
  }

  /** Writes raw bytes to the scored-rollouts topic; returns their offset. */
  static long send(KafkaSettings kafka, byte[] value) throws Exception {
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

  static long committed(KafkaSettings kafka, TopicPartition tp) {
    try (KafkaConsumer<String, byte[]> c =
        KafkaClients.bytesConsumer(kafka, LearnerConfig.defaults().consumerGroup())) {
      return c.committed(Set.of(tp)).get(tp).offset();
    }
  }

  static long endOffset(KafkaSettings kafka) {
    TopicPartition tp = new TopicPartition(kafka.topics().scoredRollouts(), 0);
    try (KafkaConsumer<String, byte[]> c = KafkaClients.bytesConsumer(kafka, null)) {
      return c.endOffsets(List.of(tp)).get(tp);
    }
  }

  /** Every dead letter written so far. */
  static List<DeadLetter> deadLetters(KafkaSettings kafka) {
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

  static String groupIdOf(DeadLetter letter) {
    try {
      return MessageCodec.decode(letter.payload(), ScoredRollout.class).groupId();
    } catch (RuntimeException e) {
      return ""; // not a scored rollout
    }
  }

  static List<String> reasonsOf(List<DeadLetter> letters, String groupId) {
    return letters.stream()
        .filter(l -> groupIdOf(l).equals(groupId))
        .map(DeadLetter::reason)
        .toList();
  }
}
