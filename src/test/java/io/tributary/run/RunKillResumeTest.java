package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.messages.ScoredGroup;
import io.tributary.policy.PolicyStore;
import io.tributary.rollout.EmbeddedRolloutJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run, killed with SIGKILL in four phases and resumed after each: a child JVM runs the loop
 * until the chosen moment, the next child resumes it (so three of the kills hit a resumed run), and
 * at last the run is resumed here to its budget. Read read_committed, the scored-rollouts topic
 * then holds no rollout id twice, and no rollout id was trained on twice over all the processes.
 */
class RunKillResumeTest {
  static final int VERSIONS = 10;
  static final Duration MOMENT_TIMEOUT = Duration.ofSeconds(180);
  static EmbeddedKafka broker;
  @TempDir Path dir;
  Path run;
  RunLog log;
  PolicyStore store;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aRunKilledInEveryPhaseAndResumedTrainsOnNoRolloutTwiceAndCommitsNoRolloutTwice()
      throws Exception {
    Path config = dir.resolve("run.yaml");
    Files.writeString(
        config,
        RunFixtures.tinyRun(
            RunFixtures.tinyModel(dir),
            RunFixtures.kafkaSection(broker.bootstrapServers(), "kill"),
            VERSIONS));
    run = dir.resolve("run");
    log = new RunLog(run);
    store = new PolicyStore(run.resolve(RunLoop.POLICIES), 3);
    List<String> start = List.of("--config", config.toString(), "--run-dir", run.toString());
    List<String> resume = List.of("--resume", run.toString());

    killChildWhen(
        "during the cold start (the task data written, no policy yet)",
        start,
        () -> Files.isDirectory(run.resolve("data")));
    killChildWhen(
        "before the first version (the resumed rollout job's first Flink checkpoint is written)",
        resume,
        () ->
            EmbeddedRolloutJob.latestCheckpoint(run.resolve(RunLoop.FLINK_CHECKPOINTS))
                .isPresent());
    long newestBefore = newest(store);
    killChildWhen(
        "as a new policy version is saved (around its offset commit and metrics line)",
        resume,
        () -> newest(store) > newestBefore);
    killChildWhen(
        "mid-way, right after a metrics line of version " + VERSIONS / 2 + " or later",
        resume,
        () -> lastMetricsVersion(log) >= VERSIONS / 2);

    RunLoop.Result resumed = RunLoop.resume(run, System.out);

    assertThat(resumed.version()).isEqualTo(VERSIONS);
    List<String> trained = log.trainedRolloutIds();
    // no group is stale under maxStaleness 100: every version trained 2 groups of 3
    assertThat(trained).hasSize(VERSIONS * 2 * 3).doesNotHaveDuplicates();
    List<ScoredGroup> committed =
        RunLoopTest.committedGroups(RunConfig.read(run.resolve(RunLoop.CONFIG_FILE)).kafka());
    List<String> ids =
        committed.stream()
            .flatMap(g -> IntStream.range(0, g.size()).mapToObj(i -> g.groupId() + "/" + i))
            .toList();
    assertThat(ids).doesNotHaveDuplicates();
    Set<String> committedIds = Set.copyOf(ids);
    assertThat(trained).allSatisfy(id -> assertThat(committedIds).contains(id));
    List<Long> versions = metricsVersions(log);
    assertThat(versions).doesNotHaveDuplicates().isSorted().endsWith((long) VERSIONS);
    // every prompt fed went in once: one group record per prompt, each with its G members
    assertThat(committed.stream().map(ScoredGroup::groupId)).doesNotHaveDuplicates();
    assertThat(committed).allSatisfy(g -> assertThat(g.members()).hasSize(3));

    // resumed once more (as after a kill past its last version), it trains nothing more
    RunLoop.Result again = RunLoop.resume(run, System.out);
    assertThat(again.version()).isEqualTo(VERSIONS);
    assertThat(metricsVersions(log)).isEqualTo(versions);
    assertThat(log.trainedRolloutIds()).isEqualTo(trained);
  }

  /** Runs the CLI in a child JVM until {@code moment} holds, then kills it with SIGKILL. */
  private void killChildWhen(String phase, List<String> args, BooleanSupplier moment)
      throws Exception {
    Path output = Files.createTempFile(dir, "child-", ".log");
    Process child = startChild(args, output);
    try {
      long deadline = System.nanoTime() + MOMENT_TIMEOUT.toNanos();
      while (!moment.getAsBoolean()) {
        if (!child.isAlive()) {
          fail(
              "killing %s: the child ended first (exit %d):%n%s",
              phase, child.exitValue(), tail(output));
        }
        if (System.nanoTime() > deadline) {
          fail("killing %s: not reached in %s:%n%s", phase, MOMENT_TIMEOUT, tail(output));
        }
        Thread.sleep(5);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL
      child.waitFor();
    }
    System.out.printf(
        "killed %s: metrics of versions %s; newest policy v%d%n",
        phase, metricsVersions(log), newest(store));
  }

  private static long newest(PolicyStore store) {
    List<Long> versions = store.versions();
    return versions.isEmpty() ? -1 : versions.get(versions.size() - 1);
  }

  private static long lastMetricsVersion(RunLog log) {
    List<Long> versions = metricsVersions(log);
    return versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
  }

  private static List<Long> metricsVersions(RunLog log) {
    List<Long> versions = new ArrayList<>();
    log.read(RunLog.METRICS).forEach(m -> versions.add(((Number) m.get("version")).longValue()));
    return versions;
  }

  private static String tail(Path output) {
    try {
      String text = Files.readString(output);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Process startChild(List<String> args, Path output) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.tributary.cli.TributaryCli",
                "run"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return builder.start();
  }
}
