package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.kafka.EmbeddedKafka;
import io.tributary.messages.ScoredGroup;
import io.tributary.reward.PluginJar;
import io.tributary.reward.RewardPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in example of {@code examples/custom-reward/} built as a user builds it (its sources
 * compiled against Tributary's classes, jarred with its service file), then named in a run config's
 * {@code rewards.plugins} and {@code rewards}: the closed loop runs with it and its scores reach
 * the scored-rollouts topic. Nothing activates the plug-ins in this JVM beforehand, so the rollout
 * job's tasks can only have found the reward in the jars shipped with the job.
 */
class CustomRewardExampleTest {
  static final Path EXAMPLE = Path.of("examples/custom-reward");
  static final int MAX_WORDS = 1;

  static EmbeddedKafka broker;
  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** The example's jar, as {@code mvn package} in the example would make it. */
  static Path buildExample(Path workDir, Path jar) throws Exception {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src/main/java"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    Path classes = PluginJar.compile(workDir, sources);
    List<String> services =
        Files.readAllLines(EXAMPLE.resolve("src/main/resources/META-INF/services/" + serviceName()))
            .stream()
            .filter(line -> !line.isBlank())
            .toList();
    return PluginJar.jar(classes, jar, services, List.of());
  }

  private static String serviceName() {
    return io.tributary.reward.RewardProvider.class.getName();
  }

  @Test
  void theClosedLoopScoresWithTheExamplesRewardAndItsScoresReachTheScoredTopic() throws Exception {
    RewardPlugins.deactivate();
    Path plugins = dir.resolve("plugins");
    buildExample(dir.resolve("build"), plugins.resolve("custom-reward-1.0.0.jar"));
    String yaml =
        RunFixtures.tinyRun(
                RunFixtures.tinyModel(dir),
                RunFixtures.kafkaSection(broker.bootstrapServers(), "plugin"),
                1)
            .replace(
                """
                rewards:
                  rewards:
                """,
                """
                rewards:
                  plugins: ['%s']
                  rewards:
                    - {name: word_limit, weight: 0.5, params: {maxWords: %d}}
                """
                    .formatted(plugins, MAX_WORDS));
    RunConfig config = RunConfig.parse(yaml, "plugin-run.yaml");

    RunLoop.Result result = RunLoop.start(config, dir.resolve("run"), System.out);

    assertThat(result.version()).isEqualTo(1);
    List<ScoredGroup.Member> rollouts =
        RunLoopTest.committedGroups(config.kafka()).stream()
            .flatMap(g -> g.members().stream())
            .toList();
    assertThat(rollouts).isNotEmpty();
    assertThat(rollouts)
        .allSatisfy(
            r -> {
              assertThat(r.rewardErrors()).isEmpty();
              assertThat(r.rewards()).containsKeys("word_limit", "accuracy");
              double expected = words(r.completion()) <= MAX_WORDS ? 1.0 : 0.0;
              assertThat(r.rewards().get("word_limit")).as(r.completion()).isEqualTo(expected);
            });
  }

  private static int words(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }
}
