package io.tributary.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.TopicAdmin;
import io.tributary.rollout.PromptsConfig;
import io.tributary.rollout.RolloutsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rollout job on a real session cluster: a JobManager and two TaskManagers (one slot each) as
 * separate JVMs built from Flink's Maven Central jars, a real broker, and the shaded job jar
 * uploaded through the REST API as users submit it. Tagged {@code cluster}: {@code mvn test
 * -DexcludedGroups=cluster} runs the fast suite without it.
 */
@Tag("cluster")
class SessionClusterTest {
  static final int TASK_MANAGERS = 2;

  /** Kept after the run (cleared at the next): the processes' logs tell what failed. */
  static Path dir = Path.of("target", "cluster-test", "session").toAbsolutePath();

  static EmbeddedKafka broker;
  static StandaloneCluster cluster;
  static Path jobJar;
  static String jarId;
  static Path policy;

  @BeforeAll
  static void startBrokerAndCluster() throws Exception {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    broker = EmbeddedKafka.startTemporary();
    Path store = Files.createDirectories(dir.resolve("policy-store"));
    policy = ClusterFixtures.tinyPolicy(store);
    // the jar is assembled while the cluster starts: neither needs the other
    CompletableFuture<Path> jar = CompletableFuture.supplyAsync(ShadedJobJar::get);
    long t0 = System.nanoTime();
    cluster =
        StandaloneCluster.start(
                new ClusterLayout(dir.resolve("cluster")),
                ClusterConfig.of(TASK_MANAGERS, 1),
                Duration.ofSeconds(150))
            .stopOnClose();
    long t1 = System.nanoTime();
    jobJar = jar.join();
    long t2 = System.nanoTime();
    jarId = new RolloutJobSubmitter(cluster.rest()).upload(jobJar);
    System.out.printf(
        "cluster up in %.1f s; job jar (%d MB) ready %.1f s later, uploaded in %.1f s%n",
        (t1 - t0) / 1e9, Files.size(jobJar) >> 20, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
  }

  @AfterAll
  static void stopAll() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    if (broker != null) {
      broker.close();
    }
    // the logs stay; the uploaded jars, blob caches and checkpoints (gigabytes) go
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        if (!p.getParent().getFileName().toString().equals("log")) {
          Files.delete(p);
        }
      }
    }
  }

  @BeforeEach
  void everySlotIsFree() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    ClusterStatus status = ClusterStatus.of(cluster.rest());
    while (status.slotsFree() < TASK_MANAGERS && System.nanoTime() < deadline) {
      FlinkRestClient.sleep(Duration.ofMillis(500));
      status = ClusterStatus.of(cluster.rest());
    }
    assertThat(status.slotsFree()).as("free slots: %s", status).isEqualTo(TASK_MANAGERS);
  }

  @Test
  void theClusterClassPathHasFlinkAndDjlButNotTheJob() throws Exception {
    String command = Files.readString(cluster.layout().taskManager(0).root().resolve("command"));
    assertThat(command)
        .contains("org.apache.flink.runtime.taskexecutor.TaskManagerRunner")
        .contains("flink-runtime-2.2.1.jar")
        .contains("pytorch-engine")
        .contains("--add-opens=java.base/java.util=ALL-UNNAMED")
        .doesNotContain("target/classes")
        .doesNotContain("flink-connector-kafka")
        .doesNotContain("kafka-clients");
    ClusterStatus status = ClusterStatus.of(cluster.rest());
    assertThat(status.taskManagers()).hasSize(TASK_MANAGERS);
    assertThat(status.slotsTotal()).isEqualTo(TASK_MANAGERS);
    assertThat(status.toJsonLine()).startsWith("{\"rest\":\"http://127.0.0.1:");
  }

  /**
   * Each submission gets a new user-code class loader on each TaskManager; libtorch's natives can
   * belong to one class loader per JVM, so DJL must come from the cluster's own class path. Two
   * jobs in a row, each with a generation subtask on both TaskManagers, both complete.
   */
  @Test
  void theJobJarSubmittedTwiceThroughRestRunsBothTimesOnEveryTaskManager() throws Exception {
    int n = 16;
    Path prompts = ClusterFixtures.promptsFile(dir, n);
    for (int round = 1; round <= 2; round++) {
      KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "twice" + round);
      TopicAdmin.ensureTopics(kafka);
      RolloutsConfig config =
          ClusterFixtures.config(
              policy, kafka, 2, "twice" + round, PromptsConfig.file(prompts.toString()), 12);
      Path file = ClusterFixtures.write(dir, "twice" + round + ".yaml", config);

      long t0 = System.nanoTime();
      // the first as a Java client submits it, the second as pipeline/submit.sh does (curl)
      String job =
          round == 1
              ? new RolloutJobSubmitter(cluster.rest()).submit(jobJar, file, null, null, null)
              : submitScript(file, kafka.bootstrapServers(), policy.toString());
      cluster.rest().awaitJobState(job, "FINISHED", Duration.ofSeconds(90));
      System.out.printf(
          "round %d: job finished %.1f s after its submission%n",
          round, (System.nanoTime() - t0) / 1e9);

      String generate = cluster.rest().vertexId(job, "generate").orElseThrow();
      assertThat(taskManagersOf(job, generate))
          .as("round %d: generation subtasks ran on", round)
          .containsExactlyInAnyOrder("taskmanager-0", "taskmanager-1");
      List<String> ids =
          ScoredTopic.awaitRolloutIds(
              kafka, n * ClusterFixtures.G, Duration.ofSeconds(30), Duration.ofSeconds(1));
      assertThat(ids).hasSize(n * ClusterFixtures.G).doesNotHaveDuplicates();
    }
  }

  /**
   * SIGKILL on the TaskManager that generates, once a checkpoint has committed rollouts and while
   * prompts remain: the JobManager notices the lost TaskManager, restarts the job from its last
   * completed checkpoint in the other TaskManager's slot, and the topic read read_committed holds
   * every prompt's G rollouts once.
   */
  @Test
  void aTaskManagerKilledWhileTheJobGeneratesLeavesExactlyNTimesGRollouts() throws Exception {
    int n = 240;
    KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "kill");
    TopicAdmin.ensureTopics(kafka);
    ClusterFixtures.publishPrompts(kafka, 0, 40);
    RolloutsConfig config =
        ClusterFixtures.config(policy, kafka, 1, "kill", PromptsConfig.kafka(), 40);
    Path file = ClusterFixtures.write(dir, "kill.yaml", config);
    FlinkRestClient rest = cluster.rest();
    String job = new RolloutJobSubmitter(rest).run(jarId, file, null, null, null);
    try {
      awaitSomeCommitted(kafka, Duration.ofSeconds(90));
      String generate = rest.vertexId(job, "generate").orElseThrow();
      assertThat(
              awaitMetricNames(
                  job, generate, 1, "generate.rolloutsPerSecond", "generate.policyVersion"))
          .as("Tributary's metrics in the JobManager's REST API")
          .containsExactly("0.generate.policyVersion", "0.generate.rolloutsPerSecond");
      String victim = taskManagersOf(job, generate).iterator().next();
      int index = Integer.parseInt(victim.substring("taskmanager-".length()));

      // the other prompts arrive over several seconds: the kill falls while the job generates
      CompletableFuture<Void> feeding = feed(kafka, 40, n);
      FlinkRestClient.sleep(Duration.ofSeconds(1));
      long killedAt = System.currentTimeMillis();
      cluster.killTaskManager(index);
      assertThat(feeding).as("killed while prompts still arrive").isNotDone();
      int before = ScoredTopic.committedRolloutIds(kafka, Duration.ofMillis(500)).size();
      feeding.join();

      List<String> ids =
          ScoredTopic.awaitRolloutIds(
              kafka, n * ClusterFixtures.G, Duration.ofSeconds(120), Duration.ofSeconds(2));
      long doneAt = System.currentTimeMillis();
      assertThat(ids).hasSize(n * ClusterFixtures.G).doesNotHaveDuplicates();
      Map<String, Long> perPrompt =
          ScoredTopic.committedPromptIds(kafka, Duration.ofSeconds(1)).stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(perPrompt).hasSize(n).allSatisfy((p, g) -> assertThat(g).isEqualTo(3L));

      JsonNode restored = rest.checkpoints(job).path("latest").path("restored");
      assertThat(restored.isObject()).as("restored from a checkpoint: %s", restored).isTrue();
      assertThat(taskManagersOf(job, generate)).doesNotContain(victim);
      System.out.printf(
          "cluster kill: %d of %d rollouts committed just after the kill; restored checkpoint %d %d ms"
              + " after it; all %d committed %d ms after it%n",
          before,
          n * ClusterFixtures.G,
          restored.path("id").asLong(),
          restored.path("restore_timestamp").asLong() - killedAt,
          n * ClusterFixtures.G,
          doneAt - killedAt);
    } finally {
      rest.cancel(job);
      for (int i = 0; i < TASK_MANAGERS; i++) {
        if (!StandaloneCluster.alive(cluster.layout().taskManager(i))) {
          cluster.startTaskManager(i);
        }
      }
      cluster.awaitTaskManagers(TASK_MANAGERS, Duration.ofSeconds(90));
    }
  }

  /**
   * {@code ./tributary learner} as its own JVM, beside the cluster: it trains on the job's scored
   * groups, writes each version into the store the TaskManagers read and announces it; every
   * generation subtask, one on each TaskManager, loads the last one. The bytes each TaskManager's
   * generation thread read meanwhile are what the reloads cost it (the broadcast event itself is a
   * few hundred bytes).
   */
  @Test
  void theLearnerProcessBesideTheClusterTrainsVersionsThatReachEverySubtaskOnEveryTaskManager()
      throws Exception {
    int versions = 3;
    KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "learner");
    TopicAdmin.ensureTopics(kafka);
    ClusterFixtures.publishPrompts(kafka, 0, 24);
    RolloutsConfig config =
        ClusterFixtures.config(policy, kafka, 2, "learner", PromptsConfig.kafka(), 12);
    Path learnerConfig =
        LearnerProcess.config(dir, "learner.yaml", kafka, config.sampling(), versions);
    Path store = Files.createDirectories(dir.resolve("learner-store"));
    FlinkRestClient rest = cluster.rest();
    // the learner's own config checks the job at submission: the two sample alike
    String job =
        new RolloutJobSubmitter(rest)
            .checkedAgainst(learnerConfig)
            .run(jarId, ClusterFixtures.write(dir, "learner-job.yaml", config), null, null, null);
    try {
      awaitSomeCommitted(kafka, Duration.ofSeconds(90));
      String generate = rest.vertexId(job, "generate").orElseThrow();
      assertThat(taskManagersOf(job, generate)).hasSize(2);
      List<String> gauges =
          awaitMetricNames(
              job, generate, TASK_MANAGERS, "generate.policyVersion", "generate.policyLoads");
      assertThat(gauges).hasSize(2 * TASK_MANAGERS);
      long[] readBefore = generationThreadReads();

      long t0 = System.nanoTime();
      Map<String, String> values = Map.of();
      try (LearnerProcess learner =
          LearnerProcess.start(
              learnerConfig, kafka.bootstrapServers(), store, policy, dir.resolve("learner.out"))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        // a subtask loads a new version before its next micro-batch: keep prompts coming
        for (int next = 24; System.nanoTime() < deadline; next += 4) {
          ClusterFixtures.publishPrompts(kafka, next, next + 4);
          values = metricValues(job, generate, gauges);
          if (versionsOf(values).size() == 2
              && versionsOf(values).stream().allMatch(v -> v.equals("" + versions))) {
            break;
          }
          FlinkRestClient.sleep(Duration.ofMillis(500));
        }
        assertThat(learner.awaitExit(Duration.ofSeconds(30)))
            .as("the learner stops at its budget of %d versions: %s", versions, learner.output())
            .isEqualTo(0);
        assertThat(learner.output()).contains("version " + versions + ": reward");
      }
      assertThat(versionsOf(values))
          .as("policy version per generation subtask: %s", values)
          .hasSize(2)
          .containsOnly("" + versions);
      long[] readAfter = generationThreadReads();
      long checkpointBytes =
          Files.size(store.resolve(String.format("policy-v%08d.ckpt", versions)));
      Map<String, Integer> subtaskOn = subtasksByTaskManager(job, generate);
      StringBuilder figures = new StringBuilder();
      for (int i = 0; i < TASK_MANAGERS; i++) {
        String loaded = values.get(subtaskOn.get("taskmanager-" + i) + ".generate.policyLoads");
        assertThat(loaded).as("policy loads on taskmanager-%d: %s", i, values).isNotNull();
        long loads = Long.parseLong(loaded);
        long read = readAfter[i] - readBefore[i];
        // each load reads the checkpoint at least once (its checksum, then its tensors)
        assertThat(read)
            .as("bytes read on taskmanager-%d", i)
            .isGreaterThanOrEqualTo(loads * checkpointBytes);
        figures.append(
            String.format(
                "; taskmanager-%d: %d loads, %d bytes read, %.2f checkpoints per load",
                i, loads, read, (double) read / loads / checkpointBytes));
      }
      System.out.printf(
          "learner process: version %d on both subtasks %.1f s after the learner started;"
              + " checkpoint %d bytes%s%n",
          versions, (System.nanoTime() - t0) / 1e9, checkpointBytes, figures);
    } finally {
      rest.cancel(job);
    }
  }

  /**
   * The learner's config names another G than the job's: the job's main, run by the JobManager at
   * submission, refuses it with both values, whether the Java client or {@code pipeline/submit.sh}
   * submits it; no job is created.
   */
  @Test
  void aJobThatSamplesOtherwiseThanTheLearnerIsRefusedAtSubmissionNamingBothValues()
      throws Exception {
    KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "mismatch");
    RolloutsConfig config =
        ClusterFixtures.config(policy, kafka, 1, "mismatch", PromptsConfig.kafka(), 12);
    Path job = ClusterFixtures.write(dir, "mismatch.yaml", config);
    Path learner =
        LearnerProcess.config(
            dir, "mismatch-learner.yaml", kafka, config.sampling().withGroupSize(4), 1);
    FlinkRestClient rest = cluster.rest();
    int jobs = rest.jobs().path("jobs").size();
    String message =
        "sampling.groupSize: the learner ("
            + learner
            + ": grpo.sampling) has 4, the rollout job ("
            + job
            + ": sampling) has 3";

    assertThatThrownBy(
            () ->
                new RolloutJobSubmitter(rest)
                    .checkedAgainst(learner)
                    .run(jarId, job, null, null, null))
        .hasMessageContaining(message);
    Script script = submitScript(job, kafka.bootstrapServers(), policy.toString(), learner);
    assertThat(script.exitCode()).as("submit.sh: %s", script.output()).isNotZero();
    assertThat(script.output()).contains(message);
    assertThat(rest.jobs().path("jobs")).as("jobs on the cluster").hasSize(jobs);
  }

  /** The generation threads' bytes read so far, per TaskManager. */
  private static long[] generationThreadReads() throws IOException {
    long[] reads = new long[TASK_MANAGERS];
    for (int i = 0; i < TASK_MANAGERS; i++) {
      long pid = StandaloneCluster.process(cluster.layout().taskManager(i)).orElseThrow().pid();
      reads[i] = ThreadReads.of(pid, "generate");
    }
    return reads;
  }

  private static List<String> versionsOf(Map<String, String> metrics) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().endsWith("policyVersion"))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** The subtask of {@code vertex} on each TaskManager (one slot each: one subtask). */
  private static Map<String, Integer> subtasksByTaskManager(String job, String vertex) {
    Map<String, Integer> on = new java.util.TreeMap<>();
    for (JsonNode subtask : cluster.rest().vertex(job, vertex).path("subtasks")) {
      on.put(subtask.path("taskmanager-id").asText(), subtask.path("subtask").asInt());
    }
    return on;
  }

  private static Map<String, String> metricValues(String job, String vertex, List<String> names) {
    Map<String, String> values = new java.util.TreeMap<>();
    for (JsonNode m : cluster.rest().vertexMetrics(job, vertex, names)) {
      values.put(m.path("id").asText(), m.path("value").asText());
    }
    return values;
  }

  /** Publishes prompts {@code from} to {@code to - 1}, five every 300 ms or more. */
  private static CompletableFuture<Void> feed(KafkaConfig kafka, int from, int to) {
    return CompletableFuture.runAsync(
        () -> {
          for (int i = from; i < to; i += 5) {
            ClusterFixtures.publishPrompts(kafka, i, Math.min(to, i + 5));
            FlinkRestClient.sleep(Duration.ofMillis(300));
          }
        });
  }

  /** Waits for the first committed rollouts, i.e. the first completed checkpoint's. */
  private static int awaitSomeCommitted(KafkaConfig kafka, Duration timeout) {
    int committed = ScoredTopic.awaitRolloutIds(kafka, 1, timeout, Duration.ZERO).size();
    if (committed == 0) {
      throw new AssertionError("no rollout committed after " + timeout.toSeconds() + " s");
    }
    return committed;
  }

  /** {@code pipeline/submit.sh CONFIG BOOTSTRAP POLICY} against this cluster; the job id. */
  private static String submitScript(Path config, String bootstrap, String policy)
      throws Exception {
    Script run = submitScript(config, bootstrap, policy, null);
    assertThat(run.exitCode()).as("submit.sh: %s", run.output()).isZero();
    assertThat(run.output()).as("submit.sh prints the job id").matches("[0-9a-f]{32}");
    return run.output();
  }

  private record Script(int exitCode, String output) {}

  /** The same, checked against {@code learnerConfig} (LEARNER_CONFIG) unless it is null. */
  private static Script submitScript(
      Path config, String bootstrap, String policy, Path learnerConfig) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "pipeline/submit.sh", config.toString(), bootstrap, policy)
            .redirectErrorStream(true);
    builder.environment().put("FLINK_REST", cluster.restAddress());
    builder.environment().put("JOB_JAR", jobJar.toString());
    if (learnerConfig != null) {
      builder.environment().put("LEARNER_CONFIG", learnerConfig.toString());
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    return new Script(process.waitFor(), out);
  }

  /**
   * Stop with a savepoint while the job at parallelism 1 generates, resume from it at parallelism
   * 2, and back: stop at 2 while it generates, resume at 1. The savepoints hold the prompts'
   * offsets, the buffered micro-batches (redistributed by key group) and the sink's committed
   * transactions, so every prompt is sampled once across both rescales.
   */
  @Test
  void savepointsRescaleTheJobFromOneToTwoAndBackWithNoPromptLostOrSampledTwice() throws Exception {
    int n = 240;
    int half = 140;
    KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "rescale");
    TopicAdmin.ensureTopics(kafka);
    ClusterFixtures.publishPrompts(kafka, 0, 40);
    RolloutsConfig atOne =
        ClusterFixtures.config(policy, kafka, 1, "rescale", PromptsConfig.kafka(), 40);
    Path one = ClusterFixtures.write(dir, "rescale-1.yaml", atOne);
    Path two = ClusterFixtures.write(dir, "rescale-2.yaml", atOne.withParallelism(2));
    FlinkRestClient rest = cluster.rest();
    RolloutJobSubmitter submitter = new RolloutJobSubmitter(rest);
    String first = submitter.run(jarId, one, null, null, null);
    awaitSomeCommitted(kafka, Duration.ofSeconds(90));
    // the next prompts arrive over about 6 s, the savepoint is taken meanwhile: prompts are in
    // flight in the job and still unread in the topic when it stops
    Stop firstStop = stopWhileFed(first, kafka, 40, half);
    int atFirstStop = firstStop.committed();
    assertThat(atFirstStop).as("stopped at 1 mid-stream").isLessThan(half * ClusterFixtures.G);

    String second = submitter.run(jarId, two, null, null, firstStop.savepoint());
    String third = null;
    try {
      // at 2 until it committed past the first stop, then stopped while the last prompts arrive
      ScoredTopic.awaitRolloutIds(
          kafka, atFirstStop + ClusterFixtures.G, Duration.ofSeconds(90), Duration.ZERO);
      String generate = rest.vertexId(second, "generate").orElseThrow();
      assertThat(taskManagersOf(second, generate)).hasSize(2);
      Stop secondStop = stopWhileFed(second, kafka, half, n);
      int atSecondStop = secondStop.committed();
      assertThat(atSecondStop).as("stopped at 2 mid-stream").isLessThan(n * ClusterFixtures.G);

      third = submitter.run(jarId, one, null, null, secondStop.savepoint());
      List<String> ids =
          ScoredTopic.awaitRolloutIds(
              kafka, n * ClusterFixtures.G, Duration.ofSeconds(120), Duration.ofSeconds(2));
      assertThat(ids).hasSize(n * ClusterFixtures.G).doesNotHaveDuplicates();
      Map<String, Long> perPrompt =
          ScoredTopic.committedPromptIds(kafka, Duration.ofSeconds(1)).stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(perPrompt).hasSize(n).allSatisfy((p, g) -> assertThat(g).isEqualTo(3L));
      assertThat(taskManagersOf(third, rest.vertexId(third, "generate").orElseThrow())).hasSize(1);
      System.out.printf(
          "rescale: %d of %d rollouts committed at the savepoint at 1, %d at the one at 2, the"
              + " rest at 1 again%n",
          atFirstStop, n * ClusterFixtures.G, atSecondStop);
    } finally {
      if (third != null) {
        rest.cancel(third);
      } else if ("RUNNING".equals(rest.jobState(second))) {
        rest.cancel(second);
      }
    }
  }

  /** Where a job stopped: its savepoint, and the rollouts committed by then. */
  private record Stop(String savepoint, int committed) {}

  /**
   * Publishes prompts {@code from} to {@code to - 1} over a few seconds and stops {@code job} with
   * a savepoint meanwhile.
   */
  private Stop stopWhileFed(String job, KafkaConfig kafka, int from, int to) {
    CompletableFuture<Void> feeding = feed(kafka, from, to);
    String savepoint =
        cluster
            .rest()
            .stopWithSavepoint(
                job, dir.resolve("savepoints").toUri().toString(), Duration.ofSeconds(60));
    cluster.rest().awaitJobState(job, "FINISHED", Duration.ofSeconds(30));
    int committed = ScoredTopic.committedRolloutIds(kafka, Duration.ofSeconds(1)).size();
    feeding.join();
    return new Stop(savepoint, committed);
  }

  /**
   * The vertex's metric names that end with one of {@code suffixes}, once each subtask of {@code
   * subtasks} lists them all: the REST API answers from a cache the JobManager refreshes every
   * second, one subtask's metrics at a time.
   */
  private static List<String> awaitMetricNames(
      String job, String vertex, int subtasks, String... suffixes) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> names = List.of();
    while (System.nanoTime() < deadline) {
      names =
          cluster.rest().vertexMetricNames(job, vertex).stream()
              .filter(n -> Stream.of(suffixes).anyMatch(n::endsWith))
              .sorted()
              .toList();
      if (names.size() == subtasks * suffixes.length) {
        break;
      }
      FlinkRestClient.sleep(Duration.ofMillis(500));
    }
    return names;
  }

  private Set<String> taskManagersOf(String job, String vertex) {
    Set<String> ids = new HashSet<>();
    for (JsonNode tm : cluster.rest().vertexTaskManagers(job, vertex).path("taskmanagers")) {
      ids.add(tm.path("taskmanager-id").asText());
    }
    return ids;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
