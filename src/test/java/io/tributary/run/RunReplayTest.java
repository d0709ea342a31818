package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tributary.config.ConfigException;
import io.tributary.json.Json;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.learner.TrainedGroupsLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run, then replayed from its Kafka log: every version's weights bit for bit, a
 * variant of the learner on the same stream beside the run, and a record that disagrees with the
 * log named.
 */
class RunReplayTest {
  static final int VERSIONS = 2;
  static EmbeddedKafka broker;
  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void runTheLoop() throws Exception {
    broker = EmbeddedKafka.startTemporary();
    String yaml =
        RunFixtures.tinyRun(
            RunFixtures.tinyModel(dir),
            RunFixtures.kafkaSection(broker.bootstrapServers(), "replay"),
            VERSIONS);
    run = dir.resolve("run");
    // half the versions, then resumed to the rest: the resumed learner starts a fresh trainer
    RunLoop.start(RunConfig.parse(yaml, "replay.yaml"), run, System.out);
    Path saved = run.resolve(RunLoop.CONFIG_FILE);
    String config = Files.readString(saved);
    String longer =
        config.replaceFirst(
            "(budget:\\n  seconds: 240\\n  versions:) " + VERSIONS, "$1 " + 2 * VERSIONS);
    assertThat(longer).as("the budget is raised").isNotEqualTo(config);
    Files.writeString(saved, longer);
    RunLoop.resume(run, System.out);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void theRunRecordsEveryVersionsGroupsInOrder() {
    List<TrainedGroupsLog.TrainedVersion> records =
        TrainedGroupsLog.read(run.resolve(TrainedGroupsLog.FILE));

    assertThat(records)
        .extracting(TrainedGroupsLog.TrainedVersion::version)
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(records)
        .as("the position of each update in its trainer's life: fresh after the resume")
        .extracting(TrainedGroupsLog.TrainedVersion::trainerUpdate)
        .containsExactly(0L, 1L, 0L, 1L);
    // maxStaleness 100: every version trained both of its groups, at full weight
    assertThat(records)
        .allSatisfy(r -> assertThat(r.groups()).hasSize(2).allMatch(g -> g.weight() == 1.0));
    List<String> recordedIds =
        records.stream().flatMap(r -> r.groups().stream()).map(g -> g.groupId()).toList();
    List<String> auditedGroups =
        new RunLog(run)
            .trainedRolloutIds().stream()
                .map(id -> id.substring(0, id.lastIndexOf('/')))
                .distinct()
                .toList();
    assertThat(recordedIds).isEqualTo(auditedGroups);
  }

  @Test
  void theRunsTopicsKeepEveryRecordForTheRunsLife() throws Exception {
    KafkaConfig kafka = RunConfig.read(run.resolve(RunLoop.CONFIG_FILE)).kafka();
    try (Admin admin = KafkaClients.admin(kafka)) {
      for (String name :
          List.of(kafka.topics().scoredRollouts(), kafka.topics().policyVersions())) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertThat(config.get("retention.ms").value()).as(name).isEqualTo("-1");
        assertThat(config.get("retention.bytes").value()).as(name).isEqualTo("-1");
      }
    }
  }

  @Test
  void aReplayReproducesEveryVersionBitForBit() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    RunReplay.Outcome outcome =
        RunReplay.replay(
            run, null, List.of(), new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(outcome.versionsTotal()).isEqualTo(4);
    assertThat(outcome.versionsBitExact()).contains(4);
    Map<String, Object> summary =
        Json.mapper().readValue(outcome.summaryJson(), new TypeReference<Map<String, Object>>() {});
    assertThat(summary)
        .containsEntry("versions_total", 4)
        .containsEntry("versions_bit_exact", 4)
        // learner.keepCheckpoints 3: versions 2 to 4 are still in the store
        .containsEntry("versions_checked_against_announced_checkpoints", 3)
        .containsKeys("replay_seconds", "original_learner_seconds");
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("version 4: 2 groups, weights bit-exact");
    System.out.println("replay: " + outcome.summaryJson());
  }

  @Test
  void aReplayStopsAtTheVersionAsked() throws Exception {
    RunReplay.Outcome outcome = RunReplay.replay(run, 2L, List.of(), System.out);

    assertThat(outcome.versionsTotal()).isEqualTo(2);
    assertThat(outcome.versionsBitExact()).contains(2);
  }

  @Test
  void aVariantIsTrainedOnTheSameStreamAndEvaluatedBesideTheRun() throws Exception {
    RunReplay.Outcome outcome =
        RunReplay.replay(run, null, List.of("grpo.aggregation=gspo"), System.out);

    Path dirOfVariant = run.resolve(RunReplay.REPLAYS).resolve("grpo.aggregation-gspo");
    assertThat(outcome.outputDir()).isEqualTo(dirOfVariant);
    assertThat(outcome.versionsBitExact()).isEmpty();
    String table = Files.readString(dirOfVariant.resolve(ReplayComparison.MARKDOWN));
    assertThat(table).contains("| version | run pass@1 | variant pass@1 | run pass@2 |");
    Map<String, Object> json =
        Json.mapper()
            .readValue(
                dirOfVariant.resolve(ReplayComparison.JSON).toFile(),
                new TypeReference<Map<String, Object>>() {});
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("versions");
    assertThat(rows)
        .extracting(r -> ((Number) r.get("version")).longValue())
        .containsExactly(0L, 2L, 4L);
    assertThat(rows)
        .allSatisfy(r -> assertThat(r).containsKeys("variant_pass_at_1", "variant_pass_at_k"));
    // version 0 is the same policy on both sides, so the evaluation is the same one
    assertThat(rows.get(0).get("variant_pass_at_1")).isEqualTo(rows.get(0).get("run_pass_at_1"));
    assertThat(rows.get(0).get("variant_pass_at_k")).isEqualTo(rows.get(0).get("run_pass_at_k"));
  }

  @Test
  void aSettingOutsideTheLearnerIsRefusedNamingIt() {
    assertThatThrownBy(() -> RunReplay.replay(run, null, List.of("seed=4"), System.out))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--set seed");
  }

  @Test
  void aRecordWhoseOffsetHoldsAnotherGroupIsNamed() throws Exception {
    Path copy = copyOfTheRun("tampered");
    Path file = copy.resolve(TrainedGroupsLog.FILE);
    List<TrainedGroupsLog.TrainedVersion> records = TrainedGroupsLog.read(file);
    TrainedGroupsLog.TrainedGroup first = records.get(0).groups().get(0);
    TrainedGroupsLog.TrainedGroup other =
        records.get(1).groups().stream()
            .filter(g -> g.partition() == first.partition())
            .findFirst()
            .orElse(records.get(1).groups().get(0));
    // version 1's first group pointed at the record of a group trained later
    String text =
        Files.readString(file)
            .replaceFirst(
                "\"partition\":" + first.partition() + ",\"offset\":" + first.offset() + ",",
                "\"partition\":" + other.partition() + ",\"offset\":" + other.offset() + ",");
    Files.writeString(file, text);

    assertThatThrownBy(() -> RunReplay.replay(copy, null, List.of(), System.out))
        .hasMessageContaining("trained-groups.jsonl version 1: group " + first.groupId())
        .hasMessageContaining("offset " + other.offset())
        .hasMessageContaining("is group " + other.groupId());
  }

  @Test
  void aRecordedWeightsHashThatIsNotTheAnnouncedCheckpointsIsNamed() throws Exception {
    Path copy = copyOfTheRun("forged");
    Path file = copy.resolve(TrainedGroupsLog.FILE);
    String recorded = TrainedGroupsLog.read(file).get(3).weightsSha256();
    Files.writeString(file, Files.readString(file).replace(recorded, "0".repeat(64)));

    assertThatThrownBy(() -> RunReplay.replay(copy, null, List.of(), System.out))
        .hasMessageContaining(
            "trained-groups.jsonl version 4: recorded weights SHA-256 " + "0".repeat(64))
        .hasMessageContaining("the announced checkpoint holds " + recorded);
  }

  private static Path copyOfTheRun(String name) throws IOException {
    Path copy = dir.resolve(name);
    try (Stream<Path> files = Files.walk(run)) {
      for (Path f : files.toList()) {
        Path target = copy.resolve(run.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return copy;
  }
}
