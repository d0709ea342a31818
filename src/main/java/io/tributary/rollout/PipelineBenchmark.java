package io.tributary.rollout;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.json.Json;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PromptMessage;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.process.ChildJvm;
import io.tributary.rollout.PipelineBenchSide.Side;
import io.tributary.rollout.PipelineBenchSide.Spec;
import io.tributary.tokenizer.CharTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.io.file.PathUtils;

/**
 * {@code ./tributary bench pipeline}: scored rollouts and generated tokens per second through the
 * whole job (file source, MiniCluster, exactly-once Kafka sink to a broker in this JVM) beside the
 * same generation and scoring in a plain loop on as many threads, for parallelism 1 and 2, with as
 * many prompts per worker at either. Both sides sample the same prompts with the same seeds, so
 * they generate the same tokens.
 *
 * <p>Each side runs in a JVM of its own ({@link PipelineBenchSide}), started with this JVM's
 * options and warmed up by unmeasured runs; then rounds of the two sides in turn, and each side's
 * median round. Rates are steady-state rates ({@link BenchRate}); the whole-run rate (first
 * generation call to last rollout) and the job's wall time are printed beside them.
 */
public final class PipelineBenchmark {
  /** What to measure. */
  public record Settings(
      Path modelConfig,
      int promptsPerWorker,
      int groupSize,
      int maxNewTokens,
      int batchSize,
      int warmUps,
      int rounds) {}

  private PipelineBenchmark() {}

  public static void run(Settings settings, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("tributary-bench-pipeline-");
    try {
      measure(settings, dir, out);
    } finally {
      PathUtils.deleteDirectory(dir);
    }
  }

  private static void measure(Settings settings, Path dir, PrintStream out) throws Exception {
    Path policy = dir.resolve("policy.ckpt");
    try (PolicyModel model = PolicyModel.create(ModelConfig.load(settings.modelConfig()), 1)) {
      Checkpoint.save(policy, model, new CharTokenizer().spec(), 0, 0, Map.of());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "pipeline");
    json.put("prompts_per_worker", settings.promptsPerWorker());
    json.put("group_size", settings.groupSize());
    json.put("max_new_tokens", settings.maxNewTokens());
    json.put("micro_batch", settings.batchSize());
    json.put("warm_ups", settings.warmUps());
    json.put("rounds", settings.rounds());
    json.put("model", settings.modelConfig().toString());
    json.put("jvm_per_side", true);
    json.put("malloc_arena_max", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "glibc default"));
    double worst = Double.POSITIVE_INFINITY;
    out.printf(
        "%-11s %-9s %12s %12s %9s %15s %9s%n",
        "parallelism", "path", "rollouts/s", "tokens/s", "window_s", "whole_run_r/s", "wall_s");
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      for (int parallelism : new int[] {1, 2}) {
        // as many prompts per worker at either parallelism, so that jobs last as long: a job's
        // start (a new MiniCluster, the JIT's work on it) weighs the same in both
        Path prompts = writePrompts(dir, settings.promptsPerWorker() * parallelism);
        List<BenchRate> plains = new ArrayList<>();
        List<BenchRate> pipelines = new ArrayList<>();
        Spec plainSpec = spec(Side.PLAIN, parallelism, settings, policy, prompts, dir, broker);
        Spec jobSpec = spec(Side.PIPELINE, parallelism, settings, policy, prompts, dir, broker);
        json.putIfAbsent("checkpoint_interval_ms", jobSpec.config("r1").checkpointIntervalMs());
        try (SideJvm plainSide = SideJvm.start(plainSpec);
            SideJvm pipelineSide = SideJvm.start(jobSpec)) {
          // rounds of (plain, pipeline) in turn, each side's median: the machine is shared and
          // its load moves, so a single pair of runs says little
          for (int round = 1; round <= settings.rounds(); round++) {
            plains.add(plainSide.run(round));
            pipelines.add(pipelineSide.run(round));
            out.printf(
                "  parallelism %d round %d: plain %.1f, pipeline %.1f rollouts/s%n",
                parallelism,
                round,
                plains.get(round - 1).rolloutsPerSecond(),
                pipelines.get(round - 1).rolloutsPerSecond());
          }
        }
        BenchRate plain = median(plains);
        BenchRate pipeline = median(pipelines);
        out.printf(
            "%-11d %-9s %12.1f %12.1f %9.2f %15.1f %9s%n",
            parallelism,
            "plain",
            plain.rolloutsPerSecond(),
            plain.tokensPerSecond(),
            plain.seconds(),
            plain.wholeRunRate(),
            "-");
        out.printf(
            "%-11d %-9s %12.1f %12.1f %9.2f %15.1f %9.2f%n",
            parallelism,
            "pipeline",
            pipeline.rolloutsPerSecond(),
            pipeline.tokensPerSecond(),
            pipeline.seconds(),
            pipeline.wholeRunRate(),
            pipeline.wallSeconds());
        double ratio = pipeline.rolloutsPerSecond() / plain.rolloutsPerSecond();
        worst = Math.min(worst, ratio);
        String p = "p" + parallelism + "_";
        json.put(p + "pipeline_rollouts_per_s", round(pipeline.rolloutsPerSecond()));
        json.put(p + "pipeline_tokens_per_s", round(pipeline.tokensPerSecond()));
        json.put(p + "pipeline_wall_s", round(pipeline.wallSeconds()));
        json.put(p + "pipeline_whole_run_rollouts_per_s", round(pipeline.wholeRunRate()));
        json.put(p + "plain_rollouts_per_s", round(plain.rolloutsPerSecond()));
        json.put(p + "plain_whole_run_rollouts_per_s", round(plain.wholeRunRate()));
        json.put(p + "plain_tokens_per_s", round(plain.tokensPerSecond()));
        json.put(p + "same_tokens", allSame(plains, pipelines));
        json.put(p + "pipeline_over_plain_ratio", round(ratio));
      }
    }
    json.put("pipeline_over_plain_ratio", round(worst));
    out.println(Json.write(json));
  }

  /** {@code count} multiplication prompts, the same first ones whatever the count. */
  private static Path writePrompts(Path dir, int count) throws IOException {
    Path file = dir.resolve("prompts-" + count + ".jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int a = 3 + (i * 7) % 47;
      int b = 2 + (i * 5) % 31;
      lines.add(
          MessageCodec.encodeToString(
              new PromptMessage(
                  "b" + i, a + "*" + b + "=", "arithmetic", "" + a * b, Map.of(), 0)));
    }
    return Files.write(file, lines);
  }

  private static Spec spec(
      Side side,
      int parallelism,
      Settings s,
      Path policy,
      Path prompts,
      Path dir,
      EmbeddedKafka broker) {
    return new Spec(
        side,
        parallelism,
        policy.toString(),
        prompts.toString(),
        dir.toString(),
        broker.bootstrapServers(),
        s.groupSize(),
        s.maxNewTokens(),
        s.batchSize(),
        s.warmUps());
  }

  /** Every round of both sides generated the same number of tokens (same prompts and seeds). */
  private static boolean allSame(List<BenchRate> plains, List<BenchRate> pipelines) {
    long tokens = plains.get(0).allTokens();
    return plains.stream().allMatch(r -> r.allTokens() == tokens)
        && pipelines.stream().allMatch(r -> r.allTokens() == tokens);
  }

  private static BenchRate median(List<BenchRate> rates) {
    List<BenchRate> sorted = new ArrayList<>(rates);
    sorted.sort(Comparator.comparingDouble(BenchRate::rolloutsPerSecond));
    return sorted.get(sorted.size() / 2);
  }

  private static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  /** A {@link PipelineBenchSide} child JVM: started warm, driven one round at a time. */
  private static final class SideJvm implements AutoCloseable {
    private final Side side;
    private final Process process;
    private final BufferedReader stdout;
    private final Writer stdin;

    private SideJvm(Side side, Process process) {
      this.side = side;
      this.process = process;
      this.stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts the side with this JVM's options and classpath and waits until it is warm. */
    static SideJvm start(Spec spec) throws IOException {
      Path specFile =
          Path.of(spec.workDir())
              .resolve(
                  "side-"
                      + spec.side().name().toLowerCase(Locale.ROOT)
                      + "-p"
                      + spec.parallelism());
      Files.writeString(specFile, Json.write(spec));
      List<String> options = new ArrayList<>();
      for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        // a profiler or debugger attached to the benchmark stays with it
        if (!option.startsWith("-agent") && !option.startsWith("-javaagent")) {
          options.add(option);
        }
      }
      List<String> command =
          ChildJvm.command(options, PipelineBenchSide.class, List.of(specFile.toString()));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      SideJvm jvm = new SideJvm(spec.side(), process);
      try {
        jvm.await(PipelineBenchSide.READY);
      } catch (RuntimeException | IOException e) {
        jvm.close();
        throw e;
      }
      return jvm;
    }

    BenchRate run(int round) throws IOException {
      stdin.write(round + "\n");
      stdin.flush();
      String result = await(PipelineBenchSide.RESULT);
      return Json.mapper()
          .readValue(result.substring(PipelineBenchSide.RESULT.length()), BenchRate.class);
    }

    /** Reads the side's output up to a line starting with {@code prefix}; passes its log on. */
    private String await(String prefix) throws IOException {
      String line;
      while ((line = stdout.readLine()) != null) {
        if (line.startsWith(prefix)) {
          return line;
        }
        if (line.startsWith(PipelineBenchSide.FAILED)) {
          throw new IllegalStateException(
              "bench pipeline: the "
                  + side
                  + " side failed: "
                  + line.substring(PipelineBenchSide.FAILED.length()));
        }
        System.err.println(line);
      }
      throw new IllegalStateException(
          "bench pipeline: the " + side + " side exited before " + prefix.strip());
    }

    /** Closes the side's input (its signal to exit) and waits for it. */
    @Override
    public void close() {
      ChildJvm.stop(process, Duration.ofSeconds(60));
    }
  }
}
