package io.tributary.stream;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.json.Json;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaSettings;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.ScoredRollout;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardSpec;
import io.tributary.reward.RewardsConfig;
import io.tributary.tokenizer.CharTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./tributary bench pipeline}: scored rollouts and generated tokens per second through the
 * whole job (file source, MiniCluster, exactly-once Kafka sink on an in-process broker) beside the
 * same generation and scoring in a plain loop on as many threads, for parallelism 1 and 2. Both
 * sample the same prompts with the same seeds, so they generate the same tokens.
 *
 * <p>Rates are steady-state rates, the same way on both sides: rollouts completed between the
 * moments the first 10% and the first 90% had completed, over that time. This leaves out what is
 * not throughput: model loading and MiniCluster start-up, the ramp while the first micro-batches
 * fill, and the tail where one subtask finishes its last batch alone (a hash partition of N prompts
 * is uneven by about sqrt(N), a round-robin split in the plain loop is not). The whole-run rate
 * (first generation call to last rollout) and the job's wall time are printed beside it. A warm-up
 * of each side runs first; then rounds of the two sides in turn, and each side's median round.
 */
public final class PipelineBenchmark {
  /** What to measure. */
  public record Settings(
      Path modelConfig, int prompts, int groupSize, int maxNewTokens, int batchSize, int rounds) {}

  /**
   * @param rollouts rollouts completed inside the steady-state window
   * @param tokens their completion tokens
   * @param seconds the window: from 10% to 90% of the rollouts completed
   * @param wholeRunRate all rollouts over first generation call to last completion
   * @param wallSeconds the job's wall time, start-up included (0 for the plain loop)
   * @param allTokens completion tokens of all rollouts, to check both sides generated the same
   */
  private record Rate(
      long rollouts,
      long tokens,
      double seconds,
      double wholeRunRate,
      double wallSeconds,
      long allTokens) {
    double rolloutsPerSecond() {
      return rollouts / seconds;
    }

    double tokensPerSecond() {
      return tokens / seconds;
    }

    /**
     * Rollouts that completed at {@code ends} (ms) with {@code tokens} each; work began at {@code
     * firstStart}.
     */
    static Rate of(long[] ends, int[] tokens, long firstStart, double wallSeconds) {
      int n = ends.length;
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> ends[i]));
      int from = n / 10;
      int to = n - n / 10 - 1;
      long windowTokens = 0;
      for (int k = from + 1; k <= to; k++) {
        windowTokens += tokens[order[k]];
      }
      double window = Math.max(1, ends[order[to]] - ends[order[from]]) / 1000.0;
      double whole = Math.max(1, ends[order[n - 1]] - firstStart) / 1000.0;
      long allTokens = 0;
      for (int t : tokens) {
        allTokens += t;
      }
      return new Rate(to - from, windowTokens, window, n / whole, wallSeconds, allTokens);
    }
  }

  private PipelineBenchmark() {}

  public static void run(Settings settings, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("tributary-bench-pipeline-");
    Path policy = dir.resolve("policy.ckpt");
    try (PolicyModel model = PolicyModel.create(ModelConfig.load(settings.modelConfig()), 1)) {
      Checkpoint.save(policy, model, new CharTokenizer().spec(), 0, 0, Map.of());
    }
    Path prompts = dir.resolve("prompts.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < settings.prompts(); i++) {
      int a = 3 + (i * 7) % 47;
      int b = 2 + (i * 5) % 31;
      lines.add(
          MessageCodec.encodeToString(
              new PromptMessage(
                  "b" + i, a + "*" + b + "=", "arithmetic", "" + a * b, Map.of(), 0)));
    }
    Files.write(prompts, lines);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "pipeline");
    json.put("prompts", settings.prompts());
    json.put("group_size", settings.groupSize());
    json.put("max_new_tokens", settings.maxNewTokens());
    json.put("micro_batch", settings.batchSize());
    json.put("rounds", settings.rounds());
    json.put("model", settings.modelConfig().toString());
    double worst = Double.POSITIVE_INFINITY;
    out.printf(
        "%-11s %-9s %12s %12s %9s %15s %9s%n",
        "parallelism", "path", "rollouts/s", "tokens/s", "window_s", "whole_run_r/s", "wall_s");
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      for (int parallelism : new int[] {1, 2}) {
        // warm-up of both sides at this parallelism, not measured: JIT (C2 compiled for half a
        // minute into the first parallelism-2 job otherwise), DJL's first use, the allocator
        RolloutsConfig warmUp = config(settings, policy, prompts, parallelism, broker, dir, 0);
        plainLoop(warmUp, prompts);
        pipeline(warmUp);
        // rounds of (plain, pipeline) in turn, each side's median: the machine is shared and its
        // load moves, so a single pair of runs can differ by 20% either way
        List<Rate> plains = new ArrayList<>();
        List<Rate> pipelines = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
          RolloutsConfig config =
              config(settings, policy, prompts, parallelism, broker, dir, round);
          plains.add(plainLoop(config, prompts));
          pipelines.add(pipeline(config));
          out.printf(
              "  parallelism %d round %d: plain %.1f, pipeline %.1f rollouts/s%n",
              parallelism,
              round,
              plains.get(round - 1).rolloutsPerSecond(),
              pipelines.get(round - 1).rolloutsPerSecond());
        }
        Rate plain = median(plains);
        Rate pipeline = median(pipelines);
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
        json.put(p + "same_tokens", plain.allTokens() == pipeline.allTokens());
        json.put(p + "pipeline_over_plain_ratio", round(ratio));
      }
    }
    json.put("pipeline_over_plain_ratio", round(worst));
    out.println(Json.write(json));
  }

  private static RolloutsConfig config(
      Settings s,
      Path policy,
      Path prompts,
      int parallelism,
      EmbeddedKafka broker,
      Path dir,
      int repeat) {
    String run = "bench-p" + parallelism + "-r" + repeat;
    KafkaSettings kafka =
        new KafkaSettings(
            broker.bootstrapServers(),
            new KafkaTopics(run + ".prompts", run + ".rollouts", run + ".policy", run + ".dead"),
            parallelism,
            null,
            null);
    TopicAdmin.ensureTopics(kafka);
    RewardsConfig rewards =
        new RewardsConfig(
            List.of(
                RewardSpec.of("accuracy", 1.0),
                RewardSpec.of("format", 0.2),
                new RewardSpec("overlong", 1.0, Map.of("maxLength", 32, "buffer", 16), null)),
            1);
    return new RolloutsConfig(
        policy.toString(),
        null,
        kafka,
        rewards,
        s.groupSize(),
        new MicroBatchConfig(s.batchSize(), 100L),
        new SamplingConfig(1.0, 1.0, s.maxNewTokens(), null),
        parallelism,
        1000L,
        Delivery.EXACTLY_ONCE,
        run,
        600_000L,
        PromptsConfig.file(prompts.toString()),
        0,
        dir.toString(),
        0L);
  }

  private static Rate pipeline(RolloutsConfig config) throws Exception {
    Configuration flink = RolloutJob.flinkConfiguration(config);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flink);
    RolloutJob.configure(env, config);
    RolloutsRunner.wire(env, RolloutJob.Plan.of(config));
    long start = System.nanoTime();
    env.execute("bench pipeline p" + config.parallelism());
    double wall = (System.nanoTime() - start) / 1e9;
    List<ScoredRollout> rollouts = readAll(config.kafka());
    long[] ends = new long[rollouts.size()];
    int[] tokens = new int[rollouts.size()];
    long first = Long.MAX_VALUE;
    for (int i = 0; i < ends.length; i++) {
      ScoredRollout r = rollouts.get(i);
      first = Math.min(first, r.createdAtMillis());
      ends[i] = r.scoredAtMillis();
      tokens[i] = r.completionLength();
    }
    return Rate.of(ends, tokens, first, wall);
  }

  private static List<ScoredRollout> readAll(KafkaSettings kafka) {
    String topic = kafka.topics().scoredRollouts();
    List<ScoredRollout> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.bytesConsumer(kafka, null)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int empty = 0;
      while (empty < 3) {
        var records = consumer.poll(Duration.ofMillis(500));
        empty = records.isEmpty() ? empty + 1 : 0;
        records.forEach(r -> out.add(MessageCodec.decode(r.value(), ScoredRollout.class)));
      }
    }
    return out;
  }

  /** The same work without Flink or Kafka: one generator and scorer per thread. */
  private static Rate plainLoop(RolloutsConfig config, Path promptsFile) throws Exception {
    int threads = config.parallelism();
    List<RawInput> inputs = JsonlInput.read(promptsFile);
    List<List<long[]>> done = new ArrayList<>(); // per thread: {completed at ms, tokens}
    long[] firstStart = new long[threads];
    CyclicBarrier ready = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      List<long[]> mine = new ArrayList<>();
      done.add(mine);
      Thread worker =
          new Thread(
              () -> {
                try (RolloutGenerator generator =
                        RolloutGenerator.open(
                            Path.of(config.policyCheckpoint()),
                            config.sampling(),
                            config.groupSize(),
                            config.seed());
                    RolloutScoring scoring =
                        new RolloutScoring(RewardScorer.fromConfig(config.rewards()))) {
                  PromptValidator validator =
                      new PromptValidator(generator.tokenizer(), generator.maxSeqLen());
                  List<ValidPrompt> prompts = new ArrayList<>();
                  for (int i = id; i < inputs.size(); i += threads) {
                    prompts.add(
                        ((Validation.Accepted) validator.validate(inputs.get(i), 0)).prompt());
                  }
                  ready.await();
                  firstStart[id] = System.currentTimeMillis();
                  int size = config.microBatch().size();
                  for (int from = 0; from < prompts.size(); from += size) {
                    List<ValidPrompt> batch =
                        prompts.subList(from, Math.min(prompts.size(), from + size));
                    for (SampledGroup group : generator.generate(batch, 0)) {
                      List<ScoredRollout> members = new ArrayList<>();
                      for (ScoredMember m : scoring.score(group, 0)) {
                        members.add(m.rollout());
                      }
                      long now = System.currentTimeMillis();
                      for (ScoredRollout r : GroupAssembler.complete(members, now)) {
                        mine.add(new long[] {now, r.completionLength()});
                      }
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "plain-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("plain loop failed", failures.get(0));
    }
    List<long[]> all = new ArrayList<>();
    done.forEach(all::addAll);
    long[] ends = new long[all.size()];
    int[] tokens = new int[all.size()];
    for (int i = 0; i < ends.length; i++) {
      ends[i] = all.get(i)[0];
      tokens[i] = (int) all.get(i)[1];
    }
    long first = Long.MAX_VALUE;
    for (long f : firstStart) {
      first = Math.min(first, f);
    }
    return Rate.of(ends, tokens, first, 0);
  }

  private static Rate median(List<Rate> rates) {
    List<Rate> sorted = new ArrayList<>(rates);
    sorted.sort(java.util.Comparator.comparingDouble(Rate::rolloutsPerSecond));
    return sorted.get(sorted.size() / 2);
  }

  private static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }
}
