package io.tributary.kafka;

import io.tributary.json.Json;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.SamplingConfig;
import io.tributary.messages.ScoredGroup;
import io.tributary.model.FinishReason;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the Kafka side costs: broker start time and memory (in this JVM and as a child JVM), and the
 * rate of scored rollouts through a transactional producer and a read_committed consumer, encoding
 * and decoding included.
 *
 * <p>Usage: {@code java -cp target/classes:$(cat target/classpath.txt)
 * io.tributary.kafka.KafkaBenchmark [records] [completionTokens]}
 */
public final class KafkaBenchmark {
  /** Records per transaction: about what one Flink checkpoint interval carries. */
  private static final int TRANSACTION_SIZE = 1000;

  public record Figures(
      double inProcessStartSeconds,
      long inProcessRssDeltaMb,
      double childStartSeconds,
      long childRssMb,
      int records,
      int messageBytes,
      double produceRecordsPerSecond,
      double produceMbPerSecond,
      double consumeRecordsPerSecond,
      double encodeRecordsPerSecond,
      double decodeRecordsPerSecond) {}

  private KafkaBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    Figures figures = run(records, tokens, System.out);
    System.out.println(Json.write(figures));
  }

  public static Figures run(int records, int completionTokens, PrintStream out) throws Exception {
    Path childDir = Files.createTempDirectory("tributary-kafka-bench-child-");
    long childStart = System.nanoTime();
    double childSeconds;
    long childRss;
    try (ChildKafka child = ChildKafka.start(childDir, 0, Duration.ofSeconds(120))) {
      childSeconds = seconds(childStart);
      TopicAdmin.ensureTopics(KafkaConfig.forBootstrap(child.bootstrapServers()));
      childRss = rssKb(child.pid()) / 1024;
    } finally {
      PathUtils.deleteDirectory(childDir);
    }
    out.printf("child JVM broker: ready in %.2f s, RSS %d MB%n", childSeconds, childRss);

    System.gc();
    long rssBefore = rssKb(ProcessHandle.current().pid());
    long start = System.nanoTime();
    try (EmbeddedKafka broker = EmbeddedKafka.startTemporary()) {
      double inProcessSeconds = seconds(start);
      KafkaConfig settings = KafkaConfig.forBootstrap(broker.bootstrapServers());
      TopicAdmin.ensureTopics(settings);
      long rssDelta = (rssKb(ProcessHandle.current().pid()) - rssBefore) / 1024;
      out.printf("in-process broker: ready in %.2f s, RSS +%d MB%n", inProcessSeconds, rssDelta);

      String topic = settings.topics().scoredRollouts();
      List<ScoredGroup> rollouts = sampleGroups(250, 8, completionTokens);
      int bytes = MessageCodec.encode(rollouts.get(0)).length;
      double[] codecRates = codecRates(rollouts, records);
      produce(settings, topic, rollouts, 5_000); // warm-up: JIT and the transaction coordinator
      long t0 = System.nanoTime();
      produce(settings, topic, rollouts, records);
      double produceSeconds = seconds(t0);
      long t1 = System.nanoTime();
      int consumed = consume(settings, topic, records + 5_000);
      double consumeSeconds = seconds(t1);
      Figures figures =
          new Figures(
              inProcessSeconds,
              rssDelta,
              childSeconds,
              childRss,
              records,
              bytes,
              records / produceSeconds,
              (double) records * bytes / produceSeconds / 1e6,
              consumed / consumeSeconds,
              codecRates[0],
              codecRates[1]);
      out.printf(
          "scored groups (8 x %d tokens, %d bytes of JSON): produce %.0f rec/s (%.1f MB/s,"
              + " transactions of %d), consume read_committed %.0f rec/s (%d records)%n",
          completionTokens,
          bytes,
          figures.produceRecordsPerSecond(),
          figures.produceMbPerSecond(),
          TRANSACTION_SIZE,
          figures.consumeRecordsPerSecond(),
          consumed);
      out.printf(
          "codec alone, one thread: encode %.0f rec/s, decode %.0f rec/s%n",
          codecRates[0], codecRates[1]);
      return figures;
    }
  }

  /** Encode and decode rates without Kafka: what the JSON itself costs. */
  private static double[] codecRates(List<ScoredGroup> rollouts, int count) {
    List<byte[]> encoded = rollouts.stream().map(MessageCodec::encode).toList();
    for (int i = 0; i < 5_000; i++) { // warm-up
      MessageCodec.decode(
          MessageCodec.encode(rollouts.get(i % rollouts.size())), ScoredGroup.class);
    }
    long t0 = System.nanoTime();
    long sink = 0;
    for (int i = 0; i < count; i++) {
      sink += MessageCodec.encode(rollouts.get(i % rollouts.size())).length;
    }
    double encode = count / seconds(t0);
    long t1 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      sink += MessageCodec.decode(encoded.get(i % encoded.size()), ScoredGroup.class).size();
    }
    double decode = count / seconds(t1);
    return sink == 0 ? new double[] {0, 0} : new double[] {encode, decode};
  }

  private static void produce(
      KafkaConfig settings, String topic, List<ScoredGroup> rollouts, int count) {
    try (KafkaProducer<String, ScoredGroup> producer =
        KafkaClients.transactionalProducer(settings, "bench-" + System.nanoTime())) {
      producer.initTransactions();
      for (int i = 0; i < count; i += TRANSACTION_SIZE) {
        producer.beginTransaction();
        for (int j = i; j < Math.min(count, i + TRANSACTION_SIZE); j++) {
          ScoredGroup r = rollouts.get(j % rollouts.size());
          producer.send(new ProducerRecord<>(topic, r.key(), r));
        }
        producer.commitTransaction();
      }
    }
  }

  /** Reads and decodes every committed record, as the learner would. */
  private static int consume(KafkaConfig settings, String topic, int expected) {
    int read = 0;
    try (KafkaConsumer<String, ScoredGroup> consumer =
        KafkaClients.consumer(settings, "bench-reader", ScoredGroup.class)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (read < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ScoredGroup> r : consumer.poll(Duration.ofMillis(100))) {
          read += r.value().size() > 0 ? 1 : 0;
        }
      }
    }
    return read;
  }

  /**
   * Groups shaped like real ones: G completions of {@code tokens} tokens each, ids from a 32k-token
   * vocabulary, a few characters of text per token, three rewards.
   */
  public static List<ScoredGroup> sampleGroups(int count, int groupSize, int tokens) {
    Random random = new Random(42);
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(
            g -> {
              List<ScoredGroup.Member> members = new java.util.ArrayList<>();
              for (int i = 0; i < groupSize; i++) {
                int[] ids = new int[tokens];
                float[] logProbs = new float[tokens];
                StringBuilder text = new StringBuilder();
                for (int t = 0; t < tokens; t++) {
                  ids[t] = random.nextInt(32_000);
                  logProbs[t] = -random.nextFloat() * 4;
                  text.append("tok").append(t % 10).append(' ');
                }
                Map<String, Double> rewards = new LinkedHashMap<>();
                rewards.put("accuracy", (double) random.nextInt(2));
                rewards.put("format", 0.5);
                rewards.put("length", null);
                members.add(
                    new ScoredGroup.Member(
                        text.toString(),
                        ids,
                        logProbs,
                        FinishReason.STOP,
                        1,
                        rewards,
                        Map.of(),
                        rewards.get("accuracy") + 0.5));
              }
              String promptId = "p" + g;
              String prompt = "Solve: " + g + " + 17 = ?";
              return new ScoredGroup(
                  ScoredGroup.SCHEMA_VERSION,
                  promptId + "@p0o" + g,
                  promptId,
                  "bench",
                  prompt,
                  random.ints(prompt.length() + 1, 0, 32_000).toArray(),
                  "42",
                  Map.of(),
                  SamplingConfig.defaults().withGroupSize(groupSize).withMaxNewTokens(tokens),
                  members,
                  1L,
                  2L);
            })
        .toList();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
