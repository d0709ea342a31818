package io.tributary.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tributary.json.Json;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.MessageFixtures;
import io.tributary.messages.SchemaFiles;
import io.tributary.messages.ScoredGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against one real broker in this JVM, shared by the class; each test has its own topics. */
class EmbeddedKafkaTest {
  private static EmbeddedKafka broker;
  private static final AtomicInteger RUN = new AtomicInteger();

  @BeforeAll
  static void startBroker() {
    long start = System.nanoTime();
    broker = EmbeddedKafka.startTemporary();
    System.out.printf(
        "in-process broker ready in %.2f s at %s%n",
        (System.nanoTime() - start) / 1e9, broker.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** Settings with four fresh topics, created, so that tests cannot see each other's records. */
  private static KafkaConfig freshTopics(int partitions) {
    String p = "t" + RUN.incrementAndGet() + ".";
    KafkaConfig settings =
        new KafkaConfig(
            broker.bootstrapServers(),
            new KafkaTopics(p + "prompts", p + "rollouts", p + "versions", p + "dead"),
            partitions,
            null,
            null);
    TopicAdmin.ensureTopics(settings);
    return settings;
  }

  @Test
  void topicsAreCreatedOnceAndCreatingThemAgainChangesNothing() {
    KafkaConfig settings =
        new KafkaConfig(
            broker.bootstrapServers(),
            new KafkaTopics("a.prompts", "a.rollouts", "a.versions", "a.dead"),
            3,
            null,
            null);

    var first = TopicAdmin.ensureTopics(settings);
    var second = TopicAdmin.ensureTopics(settings);

    assertThat(first)
        .extracting(TopicAdmin.TopicState::name, TopicAdmin.TopicState::created)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a.prompts", true),
            org.assertj.core.groups.Tuple.tuple("a.rollouts", true),
            org.assertj.core.groups.Tuple.tuple("a.versions", true),
            org.assertj.core.groups.Tuple.tuple("a.dead", true));
    assertThat(second).allSatisfy(t -> assertThat(t.created()).isFalse());
    assertThat(second).allSatisfy(t -> assertThat(t.partitions()).isEqualTo(3));
  }

  @Test
  void withBootstrapServersASessionStartsNoBrokerAndCreatesTheConfiguredTopics() {
    KafkaConfig settings =
        new KafkaConfig(
            broker.bootstrapServers(),
            new KafkaTopics("s.prompts", "s.rollouts", "s.versions", "s.dead"),
            2,
            null,
            null);

    try (KafkaSession session = KafkaSession.open(settings, Path.of("unused-run-dir"))) {
      assertThat(session.broker()).isEmpty();
      assertThat(session.settings()).isEqualTo(settings);
      assertThat(session.topics()).allSatisfy(t -> assertThat(t.partitions()).isEqualTo(2));
    }
    assertThat(Path.of("unused-run-dir")).doesNotExist();
  }

  @Test
  void readCommittedReadersSeeCommittedTransactionsAndNeverAbortedOnes() throws Exception {
    KafkaConfig settings = freshTopics(2);
    String topic = settings.topics().scoredRollouts();
    try (KafkaProducer<String, ScoredGroup> producer =
        KafkaClients.transactionalProducer(settings, "test-tx")) {
      producer.initTransactions();
      sendGroup(producer, topic, "committed-1", true);
      sendGroup(producer, topic, "aborted", false);
      sendGroup(producer, topic, "committed-2", true);
    }

    List<ScoredGroup> committed = readAll(settings, topic, 2);

    assertThat(committed)
        .extracting(ScoredGroup::promptId)
        .containsOnly("committed-1", "committed-2")
        .hasSize(2);
    assertThat(committed).doesNotHaveDuplicates();
    // the same topic read_uncommitted does hold the aborted records: the test can tell
    assertThat(readUncommittedCount(settings, topic, 3)).isEqualTo(3);
  }

  @Test
  void allGroupsOfAPromptLandInOnePartition() throws Exception {
    KafkaConfig settings = freshTopics(4);
    String topic = settings.topics().scoredRollouts();
    List<RecordMetadata> sent = new ArrayList<>();
    try (KafkaProducer<String, ScoredGroup> producer = KafkaClients.producer(settings)) {
      for (int i = 0; i < 4; i++) {
        ScoredGroup g = MessageFixtures.group("prompt-42@l" + i, "prompt-42", 0);
        sent.add(producer.send(new ProducerRecord<>(topic, g.key(), g)).get());
      }
    }

    assertThat(sent).extracting(RecordMetadata::partition).containsOnly(sent.get(0).partition());
  }

  @Test
  void kcatReadsTheTopicAndEveryLineIsAValidGroup() throws Exception {
    assumeThat(kcatOnPath())
        .as("kcat is not installed (Debian: apt-get install -y kcat); skipping the kcat check")
        .isTrue();
    KafkaConfig settings = freshTopics(2);
    String topic = settings.topics().scoredRollouts();
    try (KafkaProducer<String, ScoredGroup> producer =
        KafkaClients.transactionalProducer(settings, "kcat-tx")) {
      producer.initTransactions();
      for (int g = 0; g < 5; g++) {
        sendGroup(producer, topic, "kcat-" + g, true);
      }
    }

    Process kcat =
        new ProcessBuilder(
                "kcat",
                "-b",
                broker.bootstrapServers(),
                "-C",
                "-t",
                topic,
                "-e",
                "-q",
                "-X",
                "isolation.level=read_committed")
            .redirectErrorStream(true)
            .start();
    String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).isTrue();

    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(kcat.exitValue()).as(output).isZero();
    assertThat(lines).hasSize(5);
    for (String line : lines) {
      assertThat(Json.mapper().readTree(line).isObject()).isTrue();
      assertThat(SchemaFiles.violations(ScoredGroup.class, line)).isEmpty();
      assertThat(MessageCodec.decode(line, ScoredGroup.class).size()).isEqualTo(4);
    }
  }

  @Test
  void tailPrintsCommittedGroupsWithTheirAdvantagesOrAsJsonLinesAndReportsBadRecords()
      throws Exception {
    KafkaConfig settings = freshTopics(1);
    String topic = settings.topics().scoredRollouts();
    try (KafkaProducer<String, ScoredGroup> producer = KafkaClients.producer(settings)) {
      for (int i = 0; i < 2; i++) {
        ScoredGroup g = MessageFixtures.group("tail-1@l" + i, "tail-1", 0);
        producer.send(new ProducerRecord<>(topic, g.key(), g)).get();
      }
    }
    Properties raw = KafkaClients.producerProperties(settings);
    try (var producer =
        new KafkaProducer<>(raw, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "x", "{\"not\": \"a rollout\"}".getBytes())).get();
    }

    Output table =
        tail(settings, new RolloutTail.Options(topic, true, 0, Duration.ofSeconds(1), false));
    Output json =
        tail(settings, new RolloutTail.Options(topic, true, 2, Duration.ofSeconds(5), true));

    // a header, then one row per member of the two groups
    assertThat(table.out.lines().toList()).hasSize(9).first().asString().startsWith("ROLLOUT");
    // totals (1.5, 0.5, 1.5, 0.5): the learner's default group scaling gives +-0.866
    assertThat(table.out).contains("tail-1@l1/3", "length", "+0.866", "-0.866", "<think>6 * 12");
    assertThat(table.err).contains(topic + " partition 0 offset 2: scored group: field");
    assertThat(json.out.lines().toList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(SchemaFiles.violations(ScoredGroup.class, l)).isEmpty());
  }

  private record Output(String out, String err) {}

  private static Output tail(KafkaConfig settings, RolloutTail.Options options) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    RolloutTail.tail(settings, options, new PrintStream(out, true), new PrintStream(err, true));
    return new Output(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void sendGroup(
      KafkaProducer<String, ScoredGroup> producer, String topic, String promptId, boolean commit) {
    producer.beginTransaction();
    ScoredGroup g = MessageFixtures.group(promptId);
    producer.send(new ProducerRecord<>(topic, g.key(), g));
    producer.flush();
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  private static List<ScoredGroup> readAll(KafkaConfig settings, String topic, int expected) {
    List<ScoredGroup> read = new ArrayList<>();
    try (KafkaConsumer<String, ScoredGroup> consumer =
        KafkaClients.consumer(settings, "reader-" + topic, ScoredGroup.class)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      // read past the expected count for a moment: an aborted record would show up here
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, ScoredGroup> r : consumer.poll(Duration.ofMillis(200))) {
          read.add(r.value());
        }
        if (read.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
        }
      }
    }
    return read;
  }

  private static int readUncommittedCount(KafkaConfig settings, String topic, int expected) {
    Properties p = KafkaClients.consumerProperties(settings, null);
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (var consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int count = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (count < expected && System.nanoTime() < deadline) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count + consumer.poll(Duration.ofMillis(300)).count();
    }
  }

  private static boolean kcatOnPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "kcat"))) {
        return true;
      }
    }
    return false;
  }
}
