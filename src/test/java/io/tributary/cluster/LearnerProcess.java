package io.tributary.cluster;

import io.tributary.cli.TributaryCli;
import io.tributary.config.Yaml;
import io.tributary.kafka.KafkaConfig;
import io.tributary.messages.SamplingConfig;
import io.tributary.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./tributary learner} as its own JVM beside the cluster, as an operator starts it: the same
 * CLI entry point, reading the job's scored topic and writing policy versions into a store the
 * TaskManagers read.
 */
final class LearnerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private LearnerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * A learner's run config for the cluster fixtures' tiny policy: its {@code grpo.sampling} is
   * {@code sampling}, two prompts a step, training stops at version {@code versions}.
   */
  static Path config(
      Path dir, String name, KafkaConfig kafka, SamplingConfig sampling, int versions)
      throws IOException {
    Path model = dir.resolve("tiny-model.yaml");
    Files.writeString(
        model,
        """
        vocabSize: 112
        dim: 16
        layers: 2
        heads: 2
        routedExperts: 4
        topK: 2
        expertHidden: 16
        denseHidden: 32
        denseLayers: 1
        maxSeqLen: 64
        device: cpu
        """);
    var mapper = Yaml.mapper();
    Map<String, Object> grpo = new LinkedHashMap<>();
    grpo.put("sampling", mapper.valueToTree(sampling));
    grpo.put("promptsPerStep", 2);
    grpo.put(
        "optimizer",
        Map.of("learningRate", 1e-3, "minLearningRate", 1e-3, "warmupSteps", 0, "totalSteps", 100));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("model", model.toString());
    run.put("rewards", Map.of("rewards", List.of(Map.of("name", "accuracy", "weight", 1.0))));
    run.put("grpo", grpo);
    run.put(
        "learner",
        Map.of("maxStaleness", 100, "keepCheckpoints", 5, "pollMillis", 100, "threads", 1));
    run.put("kafka", mapper.valueToTree(kafka));
    run.put("budget", Map.of("versions", versions));
    Path file = dir.resolve(name);
    Files.writeString(file, Yaml.write(run));
    return file;
  }

  /** Starts {@code tributary learner --config C --bootstrap B --policy-store S --init P}. */
  static LearnerProcess start(Path config, String bootstrap, Path store, Path init, Path log) {
    List<String> options = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC"));
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("ai.djl."))
        .sorted()
        .forEach(name -> options.add("-D" + name + "=" + System.getProperty(name)));
    List<String> command =
        ChildJvm.command(
            options,
            TributaryCli.class,
            List.of(
                "learner",
                "--config",
                config.toString(),
                "--bootstrap",
                bootstrap,
                "--policy-store",
                store.toString(),
                "--init",
                init.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // as the launcher sets them: idle OpenMP workers give the core back; two malloc arenas
    builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    try {
      return new LearnerProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the learner", e);
    }
  }

  /** Waits for the learner to stop by itself (its budget spent); its exit code, or null. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** SIGTERM (the learner's shutdown hook stops it after its current step), then SIGKILL. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
