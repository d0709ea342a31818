package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.ScoredGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The closed loop end to end on a tiny config: broker, rollout job, learner, report. */
class RunLoopTest {
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

  /** Every scored group committed to the topic so far, read read_committed. */
  static List<ScoredGroup> committedGroups(KafkaConfig kafka) {
    List<ScoredGroup> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> reader = KafkaClients.bytesConsumer(kafka, null)) {
      List<TopicPartition> partitions = new ArrayList<>();
      reader
          .partitionsFor(kafka.topics().scoredRollouts())
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = reader.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
          out.add(MessageCodec.decode(r.value(), ScoredGroup.class));
        }
      }
    }
    return out;
  }

  @Test
  void aShortRunAdvancesPolicyVersionsThatReachTheRolloutsAndWritesAReport() throws Exception {
    String yaml =
        RunFixtures.tinyRun(
            RunFixtures.tinyModel(dir),
            RunFixtures.kafkaSection(broker.bootstrapServers(), "e2e"),
            4);
    RunConfig config = RunConfig.parse(yaml, "e2e.yaml");
    Path run = dir.resolve("run");

    RunLoop.Result result = RunLoop.start(config, run, System.out);

    assertThat(result.version()).isEqualTo(4);
    RunLog log = new RunLog(run);
    List<Map<String, Object>> metrics = log.read(RunLog.METRICS);
    assertThat(metrics)
        .extracting(m -> ((Number) m.get("version")).longValue())
        .containsExactly(1L, 2L, 3L, 4L);
    // the rollout job hot-reloaded a version the learner wrote, and the learner trained on it
    assertThat(metrics)
        .anySatisfy(
            m -> assertThat(((Number) m.get("sampled_version_max")).longValue()).isPositive());
    List<ScoredGroup> groups = committedGroups(config.kafka());
    assertThat(groups).isNotEmpty();
    assertThat(groups).allSatisfy(g -> assertThat(g.policyVersion()).isBetween(0L, 4L));
    assertThat(groups)
        .allSatisfy(g -> assertThat(g.sampling()).isEqualTo(config.grpo().sampling()));
    assertThat(groups.stream().map(ScoredGroup::groupId).distinct()).hasSize(groups.size());
    List<String> trained = log.trainedRolloutIds();
    assertThat(trained).hasSize(4 * 2 * 3).doesNotHaveDuplicates();
    assertThat(log.read(RunLog.EVAL))
        .extracting(m -> ((Number) m.get("version")).longValue())
        .containsExactly(0L, 2L, 4L);
    assertThat(result.report()).exists();
    String report = Files.readString(result.report());
    assertThat(report).contains("heldout_accuracy.png", "| version | prompt |");
    for (String plot :
        List.of("reward", "entropy", "length", "staleness", "expert_load", "throughput")) {
      assertThat(run.resolve(plot + ".png")).isNotEmptyFile();
      assertThat(report).contains("(" + plot + ".png)");
    }
    // beta = 0: no KL was computed, so none is written, plotted or shown as 0
    assertThat(metrics).allSatisfy(m -> assertThat(m).doesNotContainKey("kl"));
    assertThat(metrics).allSatisfy(m -> assertThat(m).containsEntry("unscored_groups", 0));
    assertThat(run.resolve("kl.png")).doesNotExist();
    assertThat(report).contains("KL to the reference (k3): not computed in this run");
    // the workers recorded the MoE policy's routing, so the learner measured the mismatch
    assertThat(groups).allSatisfy(g -> assertThat(g.hasRouting()).isTrue());
    assertThat(metrics).allSatisfy(m -> assertThat(m.get("routing_mismatch")).isNotNull());
    assertThat(metrics)
        .allSatisfy(
            m ->
                assertThat(m.keySet())
                    .anySatisfy(
                        k -> assertThat(k).startsWith("mismatch/s").endsWith("/routing_diff")));
  }

  @Test
  void withRoutingReplayTheLearnerRoutesEveryTokenAsTheSamplerDid() throws Exception {
    String yaml =
        RunFixtures.tinyRun(
                RunFixtures.tinyModel(dir),
                RunFixtures.kafkaSection(broker.bootstrapServers(), "replay"),
                2)
            .replace("promptsPerStep: 2", "promptsPerStep: 2\n  routingReplay: replay")
            .replace("evalEveryVersions: 2", "evalEveryVersions: 10");
    Path run = dir.resolve("replay");

    RunLoop.Result result = RunLoop.start(RunConfig.parse(yaml, "replay.yaml"), run, System.out);

    assertThat(result.version()).isEqualTo(2);
    List<Map<String, Object>> metrics = new RunLog(run).read(RunLog.METRICS);
    assertThat(metrics).hasSize(2);
    // version 1 trains on groups version 0 sampled: staleness 0
    assertThat(metrics.get(0)).containsEntry("mismatch/s0/routing_diff", 0.0);
    for (Map<String, Object> m : metrics) {
      assertThat(m).containsEntry("routing_mismatch", 0.0);
      m.forEach(
          (key, value) -> {
            if (key.endsWith("/routing_diff")) {
              assertThat(((Number) value).doubleValue()).as(key).isZero();
            }
          });
    }
  }
}
