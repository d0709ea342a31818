package io.tributary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
      assertThat(awaitMetricNames(job, generate, "rolloutsPerSecond"))
          .as("Tributary's metrics in the JobManager's REST API")
          .anyMatch(name -> name.endsWith("generate.rolloutsPerSecond"))
          .anyMatch(name -> name.endsWith("generate.policyVersion"));
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
   * A new policy version announced on the policy topic (as the learner announces it, the checkpoint
   * in the store both TaskManagers read) reaches the generation subtask on each TaskManager: each
   * reports the version through its metric in the JobManager's REST API.
   */
  @Test
  void aPolicyVersionAnnouncedWhileTheJobRunsReachesTheSubtaskOnEveryTaskManager()
      throws Exception {
    KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "reload");
    TopicAdmin.ensureTopics(kafka);
    ClusterFixtures.publishPrompts(kafka, 0, 40);
    RolloutsConfig config =
        ClusterFixtures.config(policy, kafka, 2, "reload", PromptsConfig.kafka(), 12);
    FlinkRestClient rest = cluster.rest();
    String job =
        new RolloutJobSubmitter(rest)
            .run(jarId, ClusterFixtures.write(dir, "reload.yaml", config), null, null, null);
    try {
      awaitSomeCommitted(kafka, Duration.ofSeconds(90));
      String generate = rest.vertexId(job, "generate").orElseThrow();
      assertThat(taskManagersOf(job, generate)).hasSize(2);
      Path v1 = ClusterFixtures.tinyPolicy(policy.getParent(), 2, 1);
      ClusterFixtures.announce(kafka, v1, 1);

      // a subtask loads a new version before its next micro-batch: keep prompts coming
      List<String> gauges =
          awaitMetricNames(job, generate, "policyVersion").stream()
              .filter(name -> name.endsWith("generate.policyVersion"))
              .toList();
      assertThat(gauges).hasSize(2);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Map<String, String> versions = Map.of();
      for (int next = 40; System.nanoTime() < deadline; next += 8) {
        ClusterFixtures.publishPrompts(kafka, next, next + 8);
        versions = metricValues(job, generate, gauges);
        if (versions.values().stream().allMatch("1"::equals)) {
          break;
        }
        FlinkRestClient.sleep(Duration.ofSeconds(1));
      }
      assertThat(versions).as("policy version per generation subtask").hasSize(2);
      assertThat(versions.values()).containsOnly("1");
    } finally {
      rest.cancel(job);
    }
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
    ProcessBuilder builder =
        new ProcessBuilder("bash", "pipeline/submit.sh", config.toString(), bootstrap, policy)
            .redirectErrorStream(true);
    builder.environment().put("FLINK_REST", cluster.restAddress());
    builder.environment().put("JOB_JAR", jobJar.toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor()).as("submit.sh: %s", out).isZero();
    assertThat(out).as("submit.sh prints the job id").matches("[0-9a-f]{32}");
    return out;
  }

  /**
   * Stop with a savepoint while the job at parallelism 1 generates, resume from it at parallelism
   * 2: the savepoint holds the prompts' offsets, the buffered micro-batches (redistributed by key
   * group) and the sink's committed transactions, so every prompt is sampled once.
   */
  @Test
  void aSavepointAtParallelismOneResumesAtTwoWithNoPromptLostOrSampledTwice() throws Exception {
    int n = 240;
    int first40 = 40;
    KafkaConfig kafka = ClusterFixtures.kafka(broker.bootstrapServers(), "rescale");
    TopicAdmin.ensureTopics(kafka);
    ClusterFixtures.publishPrompts(kafka, 0, first40);
    RolloutsConfig atOne =
        ClusterFixtures.config(policy, kafka, 1, "rescale", PromptsConfig.kafka(), 40);
    FlinkRestClient rest = cluster.rest();
    RolloutJobSubmitter submitter = new RolloutJobSubmitter(rest);
    String first =
        submitter.run(jarId, ClusterFixtures.write(dir, "rescale-1.yaml", atOne), null, null, null);
    awaitSomeCommitted(kafka, Duration.ofSeconds(90));
    // the rest arrive over about 12 s, the savepoint is taken meanwhile: prompts are in flight
    // in the job and still unread in the topic when it stops
    CompletableFuture<Void> feeding = feed(kafka, first40, n);
    String savepoint =
        rest.stopWithSavepoint(
            first, dir.resolve("savepoints").toUri().toString(), Duration.ofSeconds(60));
    rest.awaitJobState(first, "FINISHED", Duration.ofSeconds(30));
    int atStop = ScoredTopic.committedRolloutIds(kafka, Duration.ofSeconds(1)).size();
    feeding.join();
    assertThat(atStop).as("stopped mid-stream").isLessThan(n * ClusterFixtures.G);

    Path atTwo = ClusterFixtures.write(dir, "rescale-2.yaml", atOne.withParallelism(2));
    String second = submitter.run(jarId, atTwo, null, null, savepoint);
    try {
      List<String> ids =
          ScoredTopic.awaitRolloutIds(
              kafka, n * ClusterFixtures.G, Duration.ofSeconds(120), Duration.ofSeconds(2));
      assertThat(ids).hasSize(n * ClusterFixtures.G).doesNotHaveDuplicates();
      Map<String, Long> perPrompt =
          ScoredTopic.committedPromptIds(kafka, Duration.ofSeconds(1)).stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(perPrompt).hasSize(n).allSatisfy((p, g) -> assertThat(g).isEqualTo(3L));
      String generate = rest.vertexId(second, "generate").orElseThrow();
      assertThat(taskManagersOf(second, generate)).hasSize(2);
      System.out.printf(
          "rescale: %d of %d rollouts committed at the savepoint, the rest at parallelism 2%n",
          atStop, n * ClusterFixtures.G);
    } finally {
      rest.cancel(second);
    }
  }

  /** The REST API answers metric queries from a cache the JobManager refreshes every second. */
  private static List<String> awaitMetricNames(String job, String vertex, String part) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<String> names = cluster.rest().vertexMetricNames(job, vertex);
    while (names.stream().noneMatch(n -> n.contains(part)) && System.nanoTime() < deadline) {
      FlinkRestClient.sleep(Duration.ofMillis(500));
      names = cluster.rest().vertexMetricNames(job, vertex);
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
