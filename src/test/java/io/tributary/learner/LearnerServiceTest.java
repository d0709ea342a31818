package io.tributary.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.grpo.AdvantageScaling;
import io.tributary.grpo.GrpoConfig;
import io.tributary.grpo.GrpoTrainer;
import io.tributary.grpo.LossAggregation;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.model.SamplingParams;
import io.tributary.model.TinyModels;
import io.tributary.policy.PolicyStore;
import io.tributary.tokenizer.CharTokenizer;
import io.tributary.train.OptimizerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerServiceTest {
  static final CharTokenizer TOKENIZER = new CharTokenizer();
  static final int G = 4;
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

  static KafkaConfig settings() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics topics = new KafkaTopics("p-" + run, "r-" + run, "v-" + run, "d-" + run);
    // one partition, so a resumed learner's position lies below groups it read but did not train
    KafkaConfig s = new KafkaConfig(broker.bootstrapServers(), topics, 1, null, null);
    TopicAdmin.ensureTopics(s);
    return s;
  }

  static ModelConfig tiny() {
    return TinyModels.forCharTokenizer();
  }

  static GrpoConfig grpo() {
    return new GrpoConfig(
        spec(),
        2,
        0.2,
        0.28,
        0.0,
        LossAggregation.DAPO,
        AdvantageScaling.GROUP,
        1,
        1,
        false,
        1,
        false,
        0,
        null,
        new OptimizerConfig(1e-3, 1e-3, 0, 100, null, null, null, 0.0, 1.0),
        1L);
  }

  /** The sampling spec of the learner and of every group these tests publish. */
  static SamplingConfig spec() {
    return new SamplingConfig(G, 1.0, 1.0, 0, 10, List.of());
  }

  static SamplingParams sampling() {
    return spec().params(TOKENIZER);
  }

  /** Real sampled groups, as the rollout job would publish them. */
  static List<ScoredGroup> groups(PolicyModel policy, int count, long version, String tag) {
    return PublishedGroups.sampledAndScored(
        policy, TOKENIZER, spec(), PublishedGroups.sums(tag, count, 1), version, 3, "l");
  }

  static LearnerService learner(
      KafkaConfig settings,
      PolicyStore store,
      PolicyModel policy,
      LearnerConfig config,
      List<Map<String, Object>> updates) {
    GrpoTrainer trainer = new GrpoTrainer(policy, null, grpo(), sampling(), TOKENIZER.pad());
    return new LearnerService(
        config, settings, store, policy, TOKENIZER, trainer, r -> updates.add(r.toMap()));
  }

  static void pollUntil(LearnerService learner, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      learner.pollOnce();
    }
  }

  @Test
  void trainsOnEachFullBatchAnnouncesVersionsAndAfterAResumeNeverTrainsTwiceOnARollout() {
    KafkaConfig settings = settings();
    PolicyStore store = new PolicyStore(dir.resolve("policies"), 10);
    List<Map<String, Object>> updates = new ArrayList<>();
    try (PolicyModel source = PolicyModel.create(tiny(), 1)) {
      PublishedGroups.produce(settings, groups(source, 6, 0, "q"));
    }
    try (PolicyModel policy = PolicyModel.create(tiny(), 1);
        LearnerService first =
            learner(settings, store, policy, LearnerConfig.defaults(), updates)) {
      first.start(0);
      pollUntil(first, () -> first.version() >= 2);
      assertThat(first.version()).isEqualTo(2);
      assertThat(first.counter("trained_rollouts")).isEqualTo(4L * G);
    } // stops here with the third batch's groups read but not trained on
    try (PolicyModel policy = PolicyModel.create(tiny(), 99);
        LearnerService resumed =
            learner(settings, store, policy, LearnerConfig.defaults(), updates)) {
      resumed.start(0);
      assertThat(resumed.version()).isEqualTo(2); // loaded from the store
      pollUntil(resumed, () -> resumed.version() >= 3);
      for (int i = 0; i < 20; i++) {
        resumed.pollOnce(); // nothing more may arrive, and nothing is trained again
      }
      assertThat(resumed.version()).isEqualTo(3);
      assertThat(resumed.counter("trained_rollouts")).isEqualTo(6L * G);
    }
    assertThat(store.versions()).containsExactly(0L, 1L, 2L, 3L);
    assertThat(updates).hasSize(3);
    List<Long> announced = new ArrayList<>();
    try (KafkaConsumer<String, PolicyVersionEvent> reader =
        KafkaClients.consumer(settings, null, PolicyVersionEvent.class)) {
      var partition =
          new org.apache.kafka.common.TopicPartition(settings.topics().policyVersions(), 0);
      reader.assign(List.of(partition));
      reader.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (announced.size() < 5 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, PolicyVersionEvent> r : reader.poll(Duration.ofMillis(200))) {
          announced.add(r.value().version());
          assertThat(r.value().checksumSha256())
              .isEqualTo(
                  io.tributary.checkpoint.Checkpoint.sha256(Path.of(r.value().checkpointPath())));
        }
      }
    }
    // v0 at the first start, v1 and v2, v2 again at the resume, then v3
    assertThat(announced).containsExactly(0L, 1L, 2L, 2L, 3L);
  }

  @Test
  void aGroupSampledWithAnotherSpecStopsTheLearnerNamingBothValues() {
    KafkaConfig settings = settings();
    PolicyStore store = new PolicyStore(dir.resolve("policies"), 10);
    try (PolicyModel policy = PolicyModel.create(tiny(), 1)) {
      ScoredGroup g = groups(policy, 1, 0, "w").get(0);
      ScoredGroup hotter =
          new ScoredGroup(
              g.schemaVersion(),
              g.groupId(),
              g.promptId(),
              g.task(),
              g.prompt(),
              g.promptTokenIds(),
              g.answer(),
              g.fields(),
              new SamplingConfig(G, 0.7, 1.0, 0, 10, List.of()),
              g.members(),
              g.createdAtMillis(),
              g.scoredAtMillis());
      PublishedGroups.produce(settings, List.of(hotter));
      try (LearnerService learner =
          learner(settings, store, policy, LearnerConfig.defaults(), new ArrayList<>())) {
        learner.start(0);
        assertThatThrownBy(() -> pollUntil(learner, () -> false))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(
                "sampling.temperature: the learner (grpo.sampling) has 1.0, group " + g.groupId())
            .hasMessageContaining("has 0.7");
        assertThat(learner.version()).isZero();
      }
    }
  }

  @Test
  void groupsOlderThanTheStalenessBoundAreCountedAndNotTrainedOn() {
    KafkaConfig settings = settings();
    PolicyStore store = new PolicyStore(dir.resolve("policies"), 10);
    List<Map<String, Object>> updates = new ArrayList<>();
    try (PolicyModel policy = PolicyModel.create(tiny(), 1)) {
      store.save(policy, TOKENIZER.spec(), 5, 5, Map.of()); // the learner is at version 5
      List<ScoredGroup> stale = groups(policy, 2, 1, "old"); // age 4 > 2
      List<ScoredGroup> fresh = groups(policy, 2, 4, "new"); // age 1
      // interleaved, so that some batch holds both a dropped and a trained group
      PublishedGroups.produce(
          settings, List.of(stale.get(0), fresh.get(0), stale.get(1), fresh.get(1)));
      try (LearnerService learner =
          learner(settings, store, policy, LearnerConfig.defaults(), updates)) {
        learner.start(0);
        pollUntil(learner, () -> learner.version() >= 7);
        for (int i = 0; i < 10; i++) {
          learner.pollOnce();
        }
        assertThat(learner.counter("stale_dropped")).isEqualTo(2L * G);
        assertThat(learner.counter("trained_rollouts")).isEqualTo(2L * G);
        assertThat(learner.version()).isEqualTo(7); // one trained group per batch of two
        // the reported maximum age is that of what was trained: within the bound of 2, though
        // each batch also read a group of age 4 or 5 that was dropped
        assertThat(updates).extracting(u -> u.get("max_age")).containsExactly(1L, 2L);
      }
    }
  }
}
