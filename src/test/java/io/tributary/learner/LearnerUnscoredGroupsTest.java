package io.tributary.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.Message;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.PolicyModel;
import io.tributary.policy.PolicyStore;
import io.tributary.run.DeadLetteredPrompts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner against a real broker when a group on the scored-rollouts topic has a member without
 * a total (a reward function failed on it; the rollout job never publishes one, another producer
 * might): the group is dead-lettered with the function and its error, never trained, counted, and
 * its prompt's slot freed; the update reports carry no KL, as beta = 0 computes none.
 */
class LearnerUnscoredGroupsTest {
  static final int G = LearnerServiceTest.G;
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

  /** {@code g} as {@code groupId}, with member {@code failed} scored by no function. */
  static ScoredGroup withFailedMember(ScoredGroup g, String groupId, int failed, String error) {
    List<ScoredGroup.Member> members = new ArrayList<>(g.members());
    ScoredGroup.Member m = members.get(failed);
    Map<String, Double> rewards = new HashMap<>(m.rewards());
    rewards.put("digits", null);
    members.set(
        failed,
        new ScoredGroup.Member(
            m.completion(),
            m.completionTokenIds(),
            m.behaviourLogProbs(),
            m.finishReason(),
            m.policyVersion(),
            rewards,
            Map.of("digits", error),
            Double.NaN));
    return new ScoredGroup(
        g.schemaVersion(),
        groupId,
        g.promptId(),
        g.task(),
        g.prompt(),
        g.promptTokenIds(),
        g.answer(),
        g.fields(),
        g.sampling(),
        members,
        g.createdAtMillis(),
        g.scoredAtMillis());
  }

  @Test
  void aGroupWithAnUnscoredMemberIsDeadLetteredCountedAndNeverTrained() throws Exception {
    KafkaConfig kafka = settings();
    LearnerConfig config = new LearnerConfig(null, 100, null, null, 10, 50, null);
    List<Map<String, Object>> updates = new ArrayList<>();
    List<String> trained = new ArrayList<>();
    List<ScoredGroup> sampled;
    try (PolicyModel source = PolicyModel.create(LearnerServiceTest.tiny(), 1)) {
      sampled = LearnerServiceTest.groups(source, 5, 0, "q");
    }
    PublishedGroups.produce(kafka, sampled.subList(0, 2));
    ScoredGroup unscored =
        withFailedMember(
            sampled.get(2), "q2@p0o12", 1, "TimeoutException: timed out after 2000 ms");
    PublishedGroups.produce(kafka, List.of(unscored));
    PublishedGroups.produce(kafka, sampled.subList(3, 5));

    try (PolicyModel policy = PolicyModel.create(LearnerServiceTest.tiny(), 1);
        LearnerService learner =
            LearnerServiceTest.learner(
                    kafka, new PolicyStore(dir.resolve("policies"), 10), policy, config, updates)
                .beforeSave((version, ids) -> trained.addAll(ids))) {
      learner.start(0);
      LearnerServiceTest.pollUntil(learner, () -> learner.version() >= 2);

      assertThat(learner.version()).isEqualTo(2);
      assertThat(learner.counter("unscored_groups")).isEqualTo(1);
      assertThat(learner.counter("dead_lettered_groups")).isEqualTo(1);
      assertThat(trained).hasSize(4 * G).noneMatch(id -> id.startsWith("q2@"));
    }
    assertThat(updates)
        .hasSize(2)
        .allSatisfy(u -> assertThat(u).doesNotContainKey("kl").containsKey("loss"))
        .allSatisfy(u -> assertThat(u).containsEntry("unscored_groups", 1L));

    List<DeadLetter> letters = LearnerBadRecordsTest.deadLetters(kafka);
    assertThat(letters)
        .as("one letter for the group's one record")
        .hasSize(1)
        .allSatisfy(
            l ->
                assertThat(l.reason())
                    .contains(
                        "group q2@p0o12: not scored",
                        "member 1: reward 'digits': TimeoutException: timed out after 2000 ms",
                        "not trained"));

    // the rollout job's own letter about a group it could not score, and a rejected prompt
    ScoredGroup payload = withFailedMember(sampled.get(0), "q9@p0o20", 0, "boom");
    send(
        kafka,
        new DeadLetter(
            DeadLetter.SourceKind.TOPIC,
            kafka.topics().prompts(),
            0,
            20,
            MessageCodec.encodeToString(payload),
            "group q9@p0o20: not scored",
            1));
    send(
        kafka,
        new DeadLetter(
            DeadLetter.SourceKind.TOPIC,
            kafka.topics().prompts(),
            0,
            21,
            "{\"promptId\": \"q10\"}",
            "field 'prompt': missing",
            1));
    try (DeadLetteredPrompts prompts = new DeadLetteredPrompts(kafka)) {
      prompts.catchUp(Duration.ofSeconds(30));
      assertThat(prompts.count()).as("each given-up prompt frees its slot once").isEqualTo(3);
      assertThat(prompts.unscoredCount()).isEqualTo(2);
    }
  }

  static KafkaConfig settings() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics topics = new KafkaTopics("p-" + run, "r-" + run, "v-" + run, "d-" + run);
    KafkaConfig s = new KafkaConfig(broker.bootstrapServers(), topics, 1, null, null);
    TopicAdmin.ensureTopics(s);
    return s;
  }

  static void send(KafkaConfig kafka, DeadLetter letter) throws Exception {
    try (KafkaProducer<String, Message> producer = KafkaClients.producer(kafka)) {
      producer.send(new ProducerRecord<>(kafka.topics().deadLetters(), letter.key(), letter)).get();
    }
  }
}
