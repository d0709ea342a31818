package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tributary.grpo.Advantages;
import io.tributary.grpo.GrpoConfig;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.Message;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PolicyVersionEvent;
import io.tributary.messages.ScoredGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job under a failure with restarts on, and under a policy hot reload; one broker. */
class RolloutJobRecoveryTest {
  static final int G = 3;
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

  /**
   * Prompts come from a topic in two halves. Only once the first half's rollouts are committed (so
   * a checkpoint has completed and its transactions are committed) is the failure armed; it fires
   * on the first rollout of the second half, with that half's transaction open. The job must
   * restart from the completed checkpoint and still deliver every rollout exactly once.
   */
  @Test
  void aFailureAfterACompletedCheckpointRestartsFromItAndStillYieldsExactlyNTimesG()
      throws Exception {
    int n = 24;
    String run = "fail";
    KafkaConfig kafka = StreamFixtures.kafka(broker.bootstrapServers(), run);
    TopicAdmin.ensureTopics(kafka);
    Path policy = StreamFixtures.tinyPolicy(dir, "policy.ckpt", 1, 0);
    RolloutsConfig config = StreamFixtures.config(policy, kafka, 2, "fail-run");
    Configuration flink = RolloutJob.flinkConfiguration(config);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
    RolloutJob.configure(env, config);
    RolloutJob.Outputs outputs =
        RolloutJob.build(
            RolloutJob.Plan.of(config),
            RolloutJob.kafkaInput(
                env,
                KafkaIo.source(kafka, kafka.topics().prompts(), "fail-prompts", true, false),
                "prompts"),
            RolloutJob.kafkaInput(
                env,
                KafkaIo.source(kafka, kafka.topics().policyVersions(), "fail-policy", true, false),
                "policy-versions"));
    DataStream<ScoredGroup> failing =
        outputs.groups().map(new FailOnceWhenArmed(run)).name("fail-once").uid("fail-once");
    new RolloutJob.Outputs(failing, outputs.deadLetters())
        .sinkTo(
            KafkaIo.sink(kafka, kafka.topics().scoredRollouts(), Delivery.EXACTLY_ONCE, "fail-r"),
            KafkaIo.sink(kafka, kafka.topics().deadLetters(), Delivery.EXACTLY_ONCE, "fail-d"));
    JobClient job = env.executeAsync("rollouts with an injected failure");
    List<ScoredGroup> rollouts;
    try (KafkaProducer<String, Message> producer = KafkaClients.producer(kafka)) {
      send(producer, kafka, 0, n / 2);
      assertThat(read(kafka, n / 2)).as("first half, committed").hasSize(n / 2);
      FailOnceWhenArmed.arm(run);
      send(producer, kafka, n / 2, n);
      // after the last one, long enough for several more checkpoints: duplicates would show
      rollouts =
          StreamFixtures.readCommitted(
                  kafka,
                  kafka.topics().scoredRollouts(),
                  n,
                  Duration.ofSeconds(60),
                  Duration.ofSeconds(2))
              .stream()
              .map(r -> MessageCodec.decode(r.value(), ScoredGroup.class))
              .toList();
    } finally {
      job.cancel().get();
    }

    FailOnceWhenArmed.Events events = FailOnceWhenArmed.events(run);
    assertThat(events.failures).as("failures injected").hasValue(1);
    long checkpointBeforeFailure = events.lastCompletedCheckpointAtFailure.get();
    assertThat(checkpointBeforeFailure).as("checkpoint completed before the failure").isPositive();
    assertThat(events.restoredInstances).as("task instances restored").hasPositiveValue();
    assertThat(events.restoredFromCheckpoint.get())
        .as("checkpoint restored from")
        .isGreaterThanOrEqualTo(checkpointBeforeFailure);
    assertThat(rollouts).as("one record per prompt, none twice").hasSize(n);
    assertThat(rollouts.stream().map(ScoredGroup::groupId).distinct()).hasSize(n);
    assertThat(rollouts)
        .allSatisfy(
            group -> {
              assertThat(group.members()).hasSize(G);
              assertThat(Arrays.stream(Advantages.forGroup(group, GrpoConfig.defaults())).sum())
                  .isCloseTo(0, within(1e-9));
            });
  }

  @Test
  void aPolicyVersionEventMidStreamMakesLaterRolloutsCarryTheNewVersion() throws Exception {
    KafkaConfig kafka = StreamFixtures.kafka(broker.bootstrapServers(), "reload");
    TopicAdmin.ensureTopics(kafka);
    Path policy = StreamFixtures.tinyPolicy(dir, "v0.ckpt", 1, 0);
    RolloutsConfig config = StreamFixtures.config(policy, kafka, 2, "reload-run");
    Configuration flink = RolloutJob.flinkConfiguration(config);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
    RolloutJob.configure(env, config);
    RolloutJob.build(
            RolloutJob.Plan.of(config),
            RolloutJob.kafkaInput(
                env,
                KafkaIo.source(kafka, kafka.topics().prompts(), "reload-prompts", false, false),
                "prompts"),
            RolloutJob.kafkaInput(
                env,
                KafkaIo.source(
                    kafka, kafka.topics().policyVersions(), "reload-policy", true, false),
                "policy-versions"))
        .sinkTo(
            KafkaIo.sink(kafka, kafka.topics().scoredRollouts(), Delivery.EXACTLY_ONCE, "rl-r"),
            KafkaIo.sink(kafka, kafka.topics().deadLetters(), Delivery.EXACTLY_ONCE, "rl-d"));
    JobClient job = env.executeAsync("rollouts with a hot reload");
    try (KafkaProducer<String, Message> producer = KafkaClients.producer(kafka)) {
      send(producer, kafka, 0, 6);
      List<ScoredGroup> before = read(kafka, 6);
      assertThat(before).hasSize(6).allSatisfy(g -> assertThat(g.policyVersion()).isZero());

      Path v1 = StreamFixtures.tinyPolicy(dir, "v1.ckpt", 2, 1);
      PolicyVersionEvent event =
          new PolicyVersionEvent(
              1,
              v1.toString(),
              io.tributary.checkpoint.Checkpoint.sha256(v1),
              1,
              Map.of(),
              System.currentTimeMillis());
      producer
          .send(new ProducerRecord<>(kafka.topics().policyVersions(), event.key(), event))
          .get();
      awaitCommittedOffset(kafka, "reload-policy", kafka.topics().policyVersions());

      send(producer, kafka, 6, 12);
      List<ScoredGroup> all = read(kafka, 12);
      assertThat(all).hasSize(12);
      assertThat(all)
          .allSatisfy(
              g ->
                  assertThat(g.members())
                      .extracting(ScoredGroup.Member::policyVersion)
                      .as("a group is sampled by one version")
                      .containsOnly(g.policyVersion()));
      Map<Long, List<String>> promptsByVersion =
          all.stream()
              .collect(
                  Collectors.groupingBy(
                      ScoredGroup::policyVersion,
                      Collectors.mapping(ScoredGroup::promptId, Collectors.toList())));
      assertThat(promptsByVersion.keySet()).containsExactlyInAnyOrder(0L, 1L);
      assertThat(promptsByVersion.get(1L))
          .hasSize(6)
          .allSatisfy(
              id -> assertThat(Integer.parseInt(id.substring(1))).isGreaterThanOrEqualTo(6));
    } finally {
      job.cancel().get();
    }
  }

  private static void send(
      KafkaProducer<String, Message> producer, KafkaConfig kafka, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      var p = StreamFixtures.prompt(i);
      producer.send(new ProducerRecord<>(kafka.topics().prompts(), p.key(), p)).get();
    }
  }

  private static List<ScoredGroup> read(KafkaConfig kafka, int expected) {
    return StreamFixtures.readCommitted(
            kafka, kafka.topics().scoredRollouts(), expected, Duration.ofSeconds(60))
        .stream()
        .map(r -> MessageCodec.decode(r.value(), ScoredGroup.class))
        .toList();
  }

  /**
   * The policy source commits its offsets when a checkpoint completes; a checkpoint completes only
   * after its barrier passed every generation subtask, behind the event (aligned checkpoints). So
   * once the event's offset is committed, every subtask holds the event and loads it before its
   * next batch.
   */
  private static void awaitCommittedOffset(KafkaConfig kafka, String group, String topic)
      throws Exception {
    try (Admin admin = KafkaClients.admin(kafka)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        long committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .entrySet()
                .stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
        if (committed >= 1) {
          return;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("the policy event's offset was never committed");
    }
  }
}
