package io.tributary.rollout;

import io.tributary.json.Json;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.reward.RewardConfig;
import io.tributary.reward.RewardScorer;
import io.tributary.reward.RewardsConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * One side of {@code bench pipeline} in a JVM of its own: the rollout job or the plain loop, at one
 * parallelism. Alternating the two in one JVM made each pay for the other: the code cache's sweeper
 * flushed the job's Flink and Kafka code while the plain loop ran, and every job compiled it again
 * (about 2 s of an 8 s job). A deployed job has its JVM to itself, so each side gets one.
 *
 * <p>Protocol on standard input and output: the side warms up (unmeasured runs) and prints {@value
 * #READY}; for each line {@code N} read it runs round N and prints {@value #RESULT} and the rate as
 * JSON; it exits when its input closes (so it cannot outlive the benchmark). Other output is the
 * side's own logging.
 */
public final class PipelineBenchSide {
  static final String READY = "BENCH-SIDE-READY";
  static final String RESULT = "BENCH-SIDE-RESULT ";
  static final String FAILED = "BENCH-SIDE-FAILED ";

  /** What one side runs. */
  enum Side {
    PLAIN,
    PIPELINE
  }

  /** Everything a side needs, written by the benchmark to a JSON file. */
  record Spec(
      Side side,
      int parallelism,
      String policy,
      String prompts,
      String workDir,
      String bootstrapServers,
      int groupSize,
      int maxNewTokens,
      int batchSize,
      int warmUps) {

    /** The job's config for one run: its own topics, the same prompts and seeds every run. */
    RolloutsConfig config(String tag) {
      String run = "bench-p" + parallelism + "-" + tag;
      KafkaConfig kafka =
          new KafkaConfig(
              bootstrapServers,
              new KafkaTopics(run + ".prompts", run + ".rollouts", run + ".policy", run + ".dead"),
              parallelism,
              null,
              null);
      RewardsConfig rewards =
          new RewardsConfig(
              List.of(
                  RewardConfig.of("accuracy", 1.0),
                  RewardConfig.of("format", 0.2),
                  new RewardConfig("overlong", 1.0, Map.of("maxLength", 32, "buffer", 16), null)),
              1);
      return new RolloutsConfig(
          policy,
          null,
          kafka,
          rewards,
          new SamplingConfig(groupSize, 1.0, 1.0, null, maxNewTokens, null),
          null,
          new MicroBatchConfig(batchSize, 100L),
          parallelism,
          null, // the job's default checkpoint interval: exactly-once commits at that pace
          Delivery.EXACTLY_ONCE,
          run,
          PromptsConfig.file(prompts),
          0,
          workDir,
          0L,
          null /* recordRouting: default */);
    }
  }

  private PipelineBenchSide() {}

  /** {@code PipelineBenchSide SPEC.json}: see the class comment for the protocol. */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    try {
      Spec spec = Json.mapper().readValue(Path.of(args[0]).toFile(), Spec.class);
      // unmeasured runs first: the JIT, DJL's first use, the allocator (a deployed job runs for
      // hours; one warm-up job left the JIT still busy with Flink's data path in the next)
      for (int w = 1; w <= spec.warmUps(); w++) {
        run(spec, "w" + w);
      }
      out.println(READY);
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        BenchRate rate = run(spec, "r" + Integer.parseInt(line.strip()));
        out.println(RESULT + Json.write(rate));
        out.flush();
      }
    } catch (Throwable e) {
      e.printStackTrace();
      out.println(FAILED + causes(e));
      out.flush();
      System.exit(1);
    }
    System.exit(0); // Flink and Kafka leave non-daemon threads behind
  }

  /** The failure and its causes on one line: the protocol's {@value #FAILED} line. */
  private static String causes(Throwable e) {
    StringBuilder line = new StringBuilder(String.valueOf(e));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      line.append(", caused by ").append(cause);
    }
    return line.toString().replace('\n', ' ');
  }

  static BenchRate run(Spec spec, String tag) throws Exception {
    RolloutsConfig config = spec.config(tag);
    return switch (spec.side()) {
      case PLAIN -> plainLoop(config);
      case PIPELINE -> pipeline(config);
    };
  }

  /** The whole job: file source, MiniCluster, exactly-once sink; rates from the read-back. */
  private static BenchRate pipeline(RolloutsConfig config) throws Exception {
    TopicAdmin.ensureTopics(config.kafka());
    Configuration flink = RolloutJob.flinkConfiguration(config);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), flink);
    RolloutJob.configure(env, config);
    RolloutsRunner.wire(env, RolloutJob.Plan.of(config));
    long start = System.nanoTime();
    env.execute("bench pipeline p" + config.parallelism());
    double wall = (System.nanoTime() - start) / 1e9;
    List<ScoredGroup> groups = readAll(config.kafka());
    int rollouts = groups.stream().mapToInt(ScoredGroup::size).sum();
    long[] ends = new long[rollouts];
    int[] tokens = new int[rollouts];
    long first = Long.MAX_VALUE;
    int i = 0;
    for (ScoredGroup g : groups) {
      first = Math.min(first, g.createdAtMillis());
      for (ScoredGroup.Member m : g.members()) {
        ends[i] = g.scoredAtMillis();
        tokens[i++] = m.length();
      }
    }
    return BenchRate.of(ends, tokens, first, wall);
  }

  private static List<ScoredGroup> readAll(KafkaConfig kafka) {
    String topic = kafka.topics().scoredRollouts();
    List<ScoredGroup> out = new ArrayList<>();
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
        records.forEach(r -> out.add(MessageCodec.decode(r.value(), ScoredGroup.class)));
      }
    }
    return out;
  }

  /** The same work without Flink or Kafka: one generator and scorer per thread. */
  private static BenchRate plainLoop(RolloutsConfig config) throws Exception {
    int threads = config.parallelism();
    List<RawInput> inputs = JsonlInput.read(Path.of(config.prompts().file()));
    List<List<long[]>> done = new ArrayList<>(); // per thread: {completed at ms, tokens}
    long[] firstStart = new long[threads];
    CyclicBarrier ready = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
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
                            config.samplingThreads(),
                            config.seed());
                    RolloutScoring scoring =
                        new RolloutScoring(RewardScorer.fromConfig(config.rewards()))) {
                  PromptValidator validator =
                      new PromptValidator(generator.tokenizer(), generator.maxSeqLen());
                  List<ValidPrompt> prompts = new ArrayList<>();
                  for (int i = id; i < inputs.size(); i += threads) {
                    Validation verdict = validator.validate(inputs.get(i), 0);
                    if (verdict instanceof Validation.Rejected rejected) {
                      throw new IllegalArgumentException(
                          "prompt " + (i + 1) + " rejected: " + rejected.letter().reason());
                    }
                    prompts.add(((Validation.Accepted) verdict).prompt());
                  }
                  ready.await();
                  firstStart[id] = System.currentTimeMillis();
                  int size = config.microBatch().size();
                  for (int from = 0; from < prompts.size(); from += size) {
                    List<ValidPrompt> batch =
                        prompts.subList(from, Math.min(prompts.size(), from + size));
                    for (SampledGroup group : generator.generate(batch, 0)) {
                      long now = System.currentTimeMillis();
                      if (!(scoring.score(group, config.sampling(), now)
                          instanceof ScoringOutcome.Scored scored)) {
                        continue; // the job dead-letters it: no group reaches the topic
                      }
                      for (ScoredGroup.Member m : scored.group().members()) {
                        mine.add(new long[] {now, m.length()});
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
    return BenchRate.of(ends, tokens, first, 0);
  }
}
