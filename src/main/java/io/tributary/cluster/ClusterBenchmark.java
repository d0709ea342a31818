package io.tributary.cluster;

import io.tributary.checkpoint.Checkpoint;
import io.tributary.config.Yaml;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaClients;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.KafkaTopics;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.PromptMessage;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import io.tributary.reward.RewardConfig;
import io.tributary.reward.RewardsConfig;
import io.tributary.rollout.Delivery;
import io.tributary.rollout.MicroBatchConfig;
import io.tributary.rollout.PromptsConfig;
import io.tributary.rollout.RolloutJob;
import io.tributary.rollout.RolloutsConfig;
import io.tributary.rollout.RolloutsRunner;
import io.tributary.tokenizer.CharTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Scored rollouts/s of the rollout job on a session cluster of two TaskManagers (one slot each)
 * beside the same job on an in-process MiniCluster, at parallelism 1 and 2, in one run: same
 * policy, prompts and config; the job jar submitted through the REST API.
 *
 * <p>Usage: {@code java -cp target/classes:$(cat target/classpath.txt)
 * io.tributary.cluster.ClusterBenchmark JOB_JAR DIR [PROMPTS_PER_WORKER]}
 *
 * <p>The rate is the steady state: the rollouts committed between the moments 10% and 90% of them
 * had been produced (the Kafka record's create time, stamped as the sink sends it), over that time.
 * Start-up and the first checkpoint are left out on both sides.
 */
public final class ClusterBenchmark {
  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path dir = Path.of(args[1]).toAbsolutePath();
    int perWorker = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    run(jar, dir, perWorker, System.out);
  }

  static void run(Path jar, Path dir, int perWorker, PrintStream out) throws Exception {
    Files.createDirectories(dir);
    Path policy = dir.resolve("policy-v0.ckpt");
    try (PolicyModel model =
        PolicyModel.create(ModelConfig.load(Path.of("configs/model/small.yaml")), 0)) {
      Checkpoint.save(policy, model, new CharTokenizer().spec(), 0, 0, Map.of());
    }
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary();
        StandaloneCluster cluster =
            StandaloneCluster.start(
                    new ClusterLayout(dir.resolve("cluster")),
                    ClusterConfig.of(2, 1),
                    Duration.ofSeconds(180))
                .stopOnClose()) {
      RolloutJobSubmitter submitter = new RolloutJobSubmitter(cluster.rest());
      String jarId = submitter.upload(jar);
      List<String> rows = new ArrayList<>();
      for (int p = 1; p <= 2; p++) {
        Path prompts = writePrompts(dir, perWorker * p);
        for (String side : List.of("minicluster", "cluster")) {
          String run = "bench-" + side + "-p" + p;
          KafkaConfig kafka =
              new KafkaConfig(
                  broker.bootstrapServers(),
                  new KafkaTopics(
                      run + ".prompts", run + ".rollouts", run + ".policy", run + ".dl"),
                  2,
                  null,
                  null);
          TopicAdmin.ensureTopics(kafka);
          RolloutsConfig config = config(policy, kafka, p, run, prompts);
          long start = System.currentTimeMillis();
          if (side.equals("cluster")) {
            Path file = dir.resolve(run + ".yaml");
            Files.writeString(file, Yaml.write(config));
            String job = submitter.run(jarId, file, null, null, null);
            cluster.rest().awaitJobState(job, "FINISHED", Duration.ofMinutes(10));
          } else {
            StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                    p, RolloutJob.flinkConfiguration(config));
            RolloutJob.configure(env, config);
            RolloutsRunner.wire(env, RolloutJob.Plan.of(config));
            env.execute(run);
          }
          double wall = (System.currentTimeMillis() - start) / 1000.0;
          long[] times = createTimes(kafka);
          String row =
              String.format(
                  Locale.ROOT,
                  "%s p%d: %d rollouts, steady %.1f rollouts/s, wall %.1f s",
                  side,
                  p,
                  times.length,
                  steadyRate(times),
                  wall);
          out.println(row);
          rows.add(row);
        }
      }
      out.println(String.join(" | ", rows));
    }
  }

  static RolloutsConfig config(
      Path policy, KafkaConfig kafka, int parallelism, String run, Path prompts) {
    return new RolloutsConfig(
        policy.toString(),
        null,
        kafka,
        new RewardsConfig(List.of(RewardConfig.of("accuracy", 1.0)), 1),
        new SamplingConfig(4, 1.0, 1.0, 0, 32, List.of()),
        1,
        new MicroBatchConfig(8, 200L),
        parallelism,
        2000L,
        Delivery.EXACTLY_ONCE,
        run,
        PromptsConfig.file(prompts.toString()),
        0,
        null,
        0L,
        null /* recordRouting: default */);
  }

  private static Path writePrompts(Path dir, int count) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      int a = i % 50;
      int b = (i * 7) % 50;
      PromptMessage p =
          new PromptMessage(
              "b" + i, a + "+" + b + "=", "arithmetic", Integer.toString(a + b), Map.of(), 1);
      lines.append(MessageCodec.encodeToString(p)).append('\n');
    }
    Path file = dir.resolve("prompts-" + count + ".jsonl");
    Files.writeString(file, lines);
    return file;
  }

  /**
   * The create times of every committed record of the scored topic, sorted; one record is one
   * rollout (were a record a whole group, each would count G times).
   */
  private static long[] createTimes(KafkaConfig kafka) {
    String topic = kafka.topics().scoredRollouts();
    List<Long> times = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = KafkaClients.bytesConsumer(kafka, null)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int empty = 0;
      while (empty < 5) {
        int before = times.size();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          // one record is a scored group: each of its members is a rollout published at that time
          int members = MessageCodec.decode(r.value(), ScoredGroup.class).members().size();
          for (int i = 0; i < members; i++) {
            times.add(r.timestamp());
          }
        }
        empty = times.size() == before ? empty + 1 : 0;
      }
    }
    return times.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /** Records between the 10% and 90% marks over the time between them. */
  static double steadyRate(long[] sortedTimes) {
    int n = sortedTimes.length;
    if (n < 10) {
      return Double.NaN;
    }
    int from = n / 10;
    int to = n - n / 10 - 1;
    double seconds = Math.max(1, sortedTimes[to] - sortedTimes[from]) / 1000.0;
    return (to - from) / seconds;
  }
}
