package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tributary.grpo.Advantages;
import io.tributary.grpo.GrpoConfig;
import io.tributary.json.Json;
import io.tributary.kafka.EmbeddedKafka;
import io.tributary.kafka.KafkaConfig;
import io.tributary.kafka.TopicAdmin;
import io.tributary.messages.DeadLetter;
import io.tributary.messages.MessageCodec;
import io.tributary.messages.SchemaFiles;
import io.tributary.messages.ScoredGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run of the whole job on a MiniCluster against a real broker in this JVM: a JSON Lines file of
 * good prompts mixed with malformed lines, parallelism 2, exactly-once sinks. The tests below check
 * what that run left on the topics, read back read_committed.
 */
class RolloutJobFileTest {
  static final int GOOD = 10;
  static final int G = 3;

  @TempDir static Path dir;
  static EmbeddedKafka broker;
  static KafkaConfig kafka;
  static List<ConsumerRecord<String, byte[]>> rollouts;
  static List<ConsumerRecord<String, byte[]>> deadLetters;

  static final Map<String, String> MALFORMED =
      Map.of(
          "not JSON", "this is {not json",
          "missing promptId",
              "{\"schemaVersion\":1,\"prompt\":\"1+1=\",\"task\":\"arithmetic\",\"answer\":\"2\",\"fields\":{},\"createdAtMillis\":1}",
          "promptId of the wrong type",
              "{\"schemaVersion\":1,\"promptId\":42,\"prompt\":\"1+1=\",\"task\":\"arithmetic\",\"answer\":\"2\",\"fields\":{},\"createdAtMillis\":1}",
          "oversized prompt",
              MessageCodec.encodeToString(
                  new io.tributary.messages.PromptMessage(
                      "long", "9".repeat(StreamFixtures.CONTEXT), "arithmetic", "9", Map.of(), 1)));

  @BeforeAll
  static void runTheJobOverAFile() throws Exception {
    broker = EmbeddedKafka.startTemporary();
    kafka = StreamFixtures.kafka(broker.bootstrapServers(), "file");
    TopicAdmin.ensureTopics(kafka);
    Path policy = StreamFixtures.tinyPolicy(dir, "policy.ckpt", 1, 0);
    List<String> lines = new ArrayList<>();
    List<String> bad = new ArrayList<>(MALFORMED.values());
    for (int i = 0; i < GOOD; i++) {
      lines.add(StreamFixtures.promptLine(i));
      if (i % 3 == 1 && !bad.isEmpty()) {
        lines.add(bad.remove(0));
      }
    }
    lines.addAll(bad);
    Path prompts = dir.resolve("prompts.jsonl");
    Files.write(prompts, lines, StandardCharsets.UTF_8);

    RolloutsConfig config = StreamFixtures.config(policy, kafka, 2, "file-run");
    Configuration flink = RolloutJob.flinkConfiguration(config);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
    RolloutJob.configure(env, config);
    RolloutJob.build(
            RolloutJob.Plan.of(config),
            RolloutJob.jsonlPrompts(env, prompts),
            RolloutJob.kafkaInput(
                env,
                KafkaIo.source(kafka, kafka.topics().policyVersions(), "file-policy", true, true),
                "policy-versions"))
        .sinkTo(
            KafkaIo.sink(
                kafka, kafka.topics().scoredRollouts(), Delivery.EXACTLY_ONCE, "file-rollouts"),
            KafkaIo.sink(kafka, kafka.topics().deadLetters(), Delivery.EXACTLY_ONCE, "file-dead"));
    env.execute("rollouts over a file");

    rollouts =
        StreamFixtures.readCommitted(
            kafka, kafka.topics().scoredRollouts(), GOOD, Duration.ofSeconds(20));
    deadLetters =
        StreamFixtures.readCommitted(
            kafka, kafka.topics().deadLetters(), MALFORMED.size(), Duration.ofSeconds(20));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static List<ScoredGroup> decoded() {
    return rollouts.stream().map(r -> MessageCodec.decode(r.value(), ScoredGroup.class)).toList();
  }

  @Test
  void everyGoodPromptYieldsExactlyOneGroupOfGScoredRolloutsWithNoDuplicateIds() {
    List<ScoredGroup> all = decoded();
    assertThat(all).hasSize(GOOD);
    assertThat(all.stream().map(ScoredGroup::groupId).collect(Collectors.toSet())).hasSize(GOOD);
    assertThat(all.stream().map(ScoredGroup::promptId).collect(Collectors.toSet())).hasSize(GOOD);
    assertThat(all).allSatisfy(g -> assertThat(g.members()).hasSize(G));
    assertThat(all).allSatisfy(g -> assertThat(g.sampling().groupSize()).isEqualTo(G));
    assertThat(all).allSatisfy(g -> assertThat(g.policyVersion()).isZero());
    assertThat(all)
        .flatMap(ScoredGroup::members)
        .allSatisfy(m -> assertThat(m.completionTokenIds()).isNotEmpty());
    assertThat(all).allSatisfy(g -> assertThat(g.promptTokenIds()).isNotEmpty());
  }

  @Test
  void advantagesFromTheWireSumToZeroInEveryGroupAndGroupsAreKeyedByTheirPrompt() {
    double absolute = 0;
    for (ScoredGroup group : decoded()) {
      double[] advantages = Advantages.forGroup(group, GrpoConfig.defaults());
      assertThat(Arrays.stream(advantages).sum())
          .as("advantage sum of %s", group.groupId())
          .isCloseTo(0.0, within(1e-9));
      absolute += Arrays.stream(advantages).map(Math::abs).sum();
    }
    assertThat(rollouts)
        .allSatisfy(
            r ->
                assertThat(r.key())
                    .isEqualTo(MessageCodec.decode(r.value(), ScoredGroup.class).promptId()));
    assertThat(absolute)
        .as("rewards vary within groups, so some advantages are non-zero")
        .isGreaterThan(0);
  }

  @Test
  void everyMessageIsValidAgainstItsJsonSchema() {
    for (var r : rollouts) {
      String json = new String(r.value(), StandardCharsets.UTF_8);
      assertThat(SchemaFiles.violations(ScoredGroup.class, json)).as(json).isEmpty();
    }
    for (var r : deadLetters) {
      String json = new String(r.value(), StandardCharsets.UTF_8);
      assertThat(SchemaFiles.violations(DeadLetter.class, json)).as(json).isEmpty();
    }
  }

  @Test
  void malformedLinesLandInDeadLettersWithTheirReasonsAndLines() {
    List<DeadLetter> letters =
        deadLetters.stream().map(r -> MessageCodec.decode(r.value(), DeadLetter.class)).toList();
    assertThat(letters).hasSize(MALFORMED.size());
    Set<String> payloads = new HashSet<>();
    letters.forEach(l -> payloads.add(l.payload()));
    assertThat(payloads).containsExactlyInAnyOrderElementsOf(MALFORMED.values());
    assertThat(letters)
        .allSatisfy(l -> assertThat(l.sourceKind()).isEqualTo(DeadLetter.SourceKind.FILE));
    assertThat(letters).allSatisfy(l -> assertThat(l.position()).isPositive());
    Map<String, String> reasonByPayload =
        letters.stream().collect(Collectors.toMap(DeadLetter::payload, DeadLetter::reason));
    assertThat(reasonByPayload.get(MALFORMED.get("not JSON"))).contains("not valid JSON");
    assertThat(reasonByPayload.get(MALFORMED.get("missing promptId"))).contains("promptId");
    assertThat(reasonByPayload.get(MALFORMED.get("promptId of the wrong type")))
        .contains("promptId");
    assertThat(reasonByPayload.get(MALFORMED.get("oversized prompt")))
        .contains("oversized")
        .contains("maxSeqLen=" + StreamFixtures.CONTEXT);
  }

  @Test
  void kcatReadsTheTopicAndEveryLineParsesAsJson() throws IOException, InterruptedException {
    assumeThat(Path.of("/usr/bin/kcat")).as("kcat installed").exists();
    Process kcat =
        new ProcessBuilder(
                "kcat",
                "-b",
                broker.bootstrapServers(),
                "-C",
                "-t",
                kafka.topics().scoredRollouts(),
                "-X",
                "isolation.level=read_committed",
                "-e",
                "-q")
            .redirectErrorStream(false)
            .start();
    String out = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kcat.exitValue()).isZero();
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("one line per group").hasSize(GOOD);
    for (String line : lines) {
      assertThat(Json.mapper().readTree(line).isObject()).as(line).isTrue();
    }
  }
}
