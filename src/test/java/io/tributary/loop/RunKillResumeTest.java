package io.tributary.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.messages.ScoredRollout;
import io.tributary.stream.EmbeddedRolloutJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM runs the loop and is killed with SIGKILL right after its first policy version; the
 * run is resumed here. Read read_committed, the scored-rollouts topic then holds no rollout id
 * twice, and no rollout id was trained on twice over both processes.
 */
class RunKillResumeTest {
  static final int VERSIONS = 10;
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
  void aRunKilledMidWayAndResumedTrainsOnNoRolloutTwiceAndCommitsNoRolloutTwice() throws Exception {
    Path config = dir.resolve("run.yaml");
    Files.writeString(
        config,
        RunFixtures.tinyRun(
            RunFixtures.tinyModel(dir),
            RunFixtures.kafkaSection(broker.bootstrapServers(), "kill"),
            VERSIONS));
    Path run = dir.resolve("run");
    RunLog log = new RunLog(run);

    Process child = startChild(config, run, dir.resolve("child.log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (log.read(RunLog.METRICS).isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    child.destroyForcibly(); // SIGKILL
    child.waitFor();
    List<Map<String, Object>> before = log.read(RunLog.METRICS);
    assertThat(before).as("versions written before the kill (see child.log)").isNotEmpty();
    assertThat(before.size()).as("killed mid-way").isLessThan(VERSIONS);
    System.out.printf(
        "killed after version %s; newest Flink checkpoint: %s%n",
        before.get(before.size() - 1).get("version"),
        EmbeddedRolloutJob.latestCheckpoint(run.resolve(RunLoop.FLINK_CHECKPOINTS)));

    RunLoop.Result resumed = RunLoop.resume(run, System.out);

    assertThat(resumed.version()).isEqualTo(VERSIONS);
    List<String> trained = log.trainedRolloutIds();
    // no group is stale under maxStaleness 100: every version trained 2 groups of 3
    assertThat(trained).hasSize(VERSIONS * 2 * 3).doesNotHaveDuplicates();
    List<ScoredRollout> committed =
        RunLoopTest.committedRollouts(RunConfig.read(run.resolve(RunLoop.CONFIG_FILE)).kafka());
    List<String> ids = committed.stream().map(ScoredRollout::rolloutId).toList();
    assertThat(ids).doesNotHaveDuplicates();
    Set<String> committedIds = Set.copyOf(ids);
    assertThat(trained).allSatisfy(id -> assertThat(committedIds).contains(id));
    List<Long> versions = new ArrayList<>();
    log.read(RunLog.METRICS).forEach(m -> versions.add(((Number) m.get("version")).longValue()));
    assertThat(versions).doesNotHaveDuplicates().isSorted().endsWith((long) VERSIONS);
    // every prompt fed went in once: its rollouts' prompt ids are distinct per group
    Map<String, Long> membersPerGroup =
        committed.stream()
            .collect(Collectors.groupingBy(ScoredRollout::groupId, Collectors.counting()));
    assertThat(membersPerGroup.values()).allSatisfy(n -> assertThat(n).isEqualTo(3L));
  }

  private static Process startChild(Path config, Path run, Path output) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-cp",
            System.getProperty("java.class.path"),
            "io.tributary.cli.TributaryCli",
            "run",
            "--config",
            config.toString(),
            "--run-dir",
            run.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return builder.start();
  }
}
