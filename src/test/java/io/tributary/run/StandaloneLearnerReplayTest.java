package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.ConfigException;
import io.tributary.json.Json;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.TopicAdmin;
import io.tributary.learner.PublishedGroups;
import io.tributary.learner.TrainedGroupsLog;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.PolicyModel;
import io.tributary.tokenizer.CharTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone learner's store is a run directory: a learner fed scored groups on a real broker,
 * stopped after two versions and resumed to four, is replayed from the store bit for bit, and a
 * variant of it is evaluated beside the run's own checkpoints although the learner evaluated
 * nothing.
 */
class StandaloneLearnerReplayTest {
  static final CharTokenizer TOKENIZER = new CharTokenizer();
  static EmbeddedKafka broker;
  @TempDir static Path dir;
  static Path store;
  static Path model;

  @BeforeAll
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  static void learnTwoVersionsThenResumeToFour() throws Exception {
    broker = EmbeddedKafka.startTemporary();
    model = RunFixtures.tinyModel(dir);
    store = dir.resolve("store");
    RunConfig first = config(2, "1.0e-3");
    KafkaConfig kafka = first.kafka().withBootstrapServers(broker.bootstrapServers());
    TopicAdmin.ensureTopics(kafka);
    Path init = dir.resolve("init.ckpt");
    try (PolicyModel policy = PolicyModel.create(first.validate(), 5)) {
      Checkpoint.save(init, policy, TOKENIZER.spec(), 0, 0, Map.of("stage", "sft"));
      // promptsPerStep 2: two versions from the first four groups, two more after the resume
      PublishedGroups.produce(kafka, groups(policy, first.grpo().sampling(), 4, "a"));
      StandaloneLearner.run(first, broker.bootstrapServers(), store, init, System.out);
      PublishedGroups.produce(kafka, groups(policy, first.grpo().sampling(), 4, "b"));
    }
    // a resume passes no --init: the store holds the run's first checkpoint
    StandaloneLearner.run(config(4, "1.0e-3"), broker.bootstrapServers(), store, null, System.out);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** The tiny run's config, its Kafka servers left for the learner's --bootstrap to give. */
  static RunConfig config(int versions, String learningRate) {
    String yaml =
        RunFixtures.tinyRun(model, RunFixtures.kafkaSection("localhost:1", "standalone"), versions)
            .replace("learningRate: 1.0e-3,", "learningRate: " + learningRate + ",")
            // a KL term: the resumed learner's reference must be the first policy, as the replay's
            .replace("promptsPerStep: 2", "promptsPerStep: 2\n  beta: 0.05");
    return RunConfig.parse(yaml, "standalone.yaml");
  }

  @Test
  void theStoreRecordsEveryVersionAndTheConfigAndFirstCheckpointItRanWith() {
    List<TrainedGroupsLog.TrainedVersion> records =
        TrainedGroupsLog.read(store.resolve(TrainedGroupsLog.FILE));

    assertThat(records)
        .extracting(TrainedGroupsLog.TrainedVersion::version)
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(records)
        .as("a fresh trainer after the resume")
        .extracting(TrainedGroupsLog.TrainedVersion::trainerUpdate)
        .containsExactly(0L, 1L, 0L, 1L);
    assertThat(records).allSatisfy(r -> assertThat(r.groups()).hasSize(2));
    RunConfig saved = RunConfig.read(store.resolve(RunLoop.CONFIG_FILE));
    assertThat(saved.kafka().bootstrapServers())
        .as("the servers the learner read from, not the config file's")
        .isEqualTo(broker.bootstrapServers());
    assertThat(saved.budget().versions()).as("the newest budget").isEqualTo(4);
    assertThat(store.resolve(RunLoop.SFT_CHECKPOINT)).isRegularFile();
  }

  @Test
  void aReplayOfTheStoreReproducesEveryVersionBitForBit() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    RunReplay.Outcome outcome =
        RunReplay.replay(
            store, null, List.of(), new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(outcome.versionsTotal()).isEqualTo(4);
    assertThat(outcome.versionsBitExact()).contains(4);
    // learner.keepCheckpoints 3: versions 2 to 4 are still in the store, beside the log
    assertThat(outcome.versionsCheckedAgainstCheckpoints()).contains(3);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("version 4: 2 groups, weights bit-exact");
  }

  @Test
  void aVariantIsEvaluatedBesideTheRunsCheckpointsThoughTheLearnerEvaluatedNothing()
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    RunReplay.Outcome outcome =
        RunReplay.replay(
            store,
            null,
            List.of("grpo.aggregation=gspo"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("the run recorded no held-out evaluations");
    Map<String, Object> json =
        Json.mapper()
            .readValue(
                outcome.outputDir().resolve(ReplayComparison.JSON).toFile(),
                new TypeReference<Map<String, Object>>() {});
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("versions");
    // evalEveryVersions 2 and the last version; the run's versions 2 and 4 are in the store
    assertThat(rows)
        .extracting(r -> ((Number) r.get("version")).longValue())
        .containsExactly(0L, 2L, 4L);
    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat(r)
                    .containsKeys(
                        "run_pass_at_1",
                        "run_pass_at_k",
                        "variant_pass_at_1",
                        "variant_pass_at_k"));
    assertThat(rows.get(0).get("variant_pass_at_1")).isEqualTo(rows.get(0).get("run_pass_at_1"));
  }

  @Test
  void aLearnerResumedWithOtherGrpoSettingsIsRefusedNamingThem() {
    assertThatThrownBy(
            () ->
                StandaloneLearner.run(
                    config(6, "2.0e-3"), broker.bootstrapServers(), store, null, System.out))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("grpo")
        .hasMessageContaining(RunLoop.CONFIG_FILE);
  }

  /** Groups sampled from {@code policy} and scored, as the rollout job would publish them. */
  static List<ScoredGroup> groups(PolicyModel policy, SamplingConfig spec, int count, String tag) {
    return PublishedGroups.sampledAndScored(
        policy, TOKENIZER, spec, PublishedGroups.sums(tag, count, 3), 0, 7, "");
  }
}
