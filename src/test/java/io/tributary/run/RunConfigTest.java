package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunConfigTest {
  @TempDir static Path dir;

  static String valid() {
    return RunFixtures.tinyRun(RunFixtures.tinyModel(dir), "{}", 3);
  }

  static Stream<Arguments> invalidConfigs() {
    return Stream.of(
        Arguments.of("an unknown key", "seed: 3", "seed: 3\nlearningRate: 0.1", "learningRate"),
        Arguments.of("a bad value", "passK: 2", "passK: 0", "passK: got 0"),
        Arguments.of(
            "an enum value that does not exist",
            "maxStaleness: 100,",
            "maxStaleness: 100, staleness: ignore,",
            "ignore"),
        Arguments.of(
            "a bound on prompts in flight below a batch (the loop would stall)",
            "maxPromptsInFlight: 4",
            "maxPromptsInFlight: 1",
            "maxPromptsInFlight: got 1"),
        Arguments.of(
            "more evaluation prompts than held-out prompts",
            "evalPrompts: 6",
            "evalPrompts: 21",
            "evalPrompts: got 21"),
        Arguments.of(
            "a budget with neither seconds nor versions",
            "budget: {versions: 3, seconds: 240}",
            "budget: {}",
            "budget: got '{}'"),
        Arguments.of(
            "a sampling spec with G = 1",
            "groupSize: 3",
            "groupSize: 1",
            "sampling.groupSize: got 1"),
        Arguments.of(
            "the learner's removed group timeout",
            "pollMillis: 100}",
            "pollMillis: 100, groupTimeoutMs: 0}",
            "groupTimeoutMs"),
        Arguments.of(
            "a nested bad value",
            "checkpointIntervalMs: 400",
            "checkpointIntervalMs: 1",
            "checkpointIntervalMs: got 1"));
  }

  @ParameterizedTest(name = "{0} is an error naming the key")
  @MethodSource("invalidConfigs")
  void anInvalidConfigIsAnErrorNamingTheKeyAndValue(
      String why, String replace, String with, String expected) {
    String yaml = valid();
    assertThat(yaml).contains(replace);
    assertThatThrownBy(() -> RunConfig.parse(yaml.replace(replace, with), "test.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.yaml")
        .hasMessageContaining(expected);
  }

  @Test
  void routingReplayWithWorkersThatDoNotRecordRoutingIsRefusedAtStartUp() {
    String replay =
        valid()
            .replace("promptsPerStep: 2", "promptsPerStep: 2\n  routingReplay: replay")
            .replace("checkpointIntervalMs: 400", "checkpointIntervalMs: 400\n  recordRouting: %s");

    assertThatThrownBy(() -> RunConfig.parse(replay.formatted("false"), "test.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rollouts.recordRouting: got false")
        .hasMessageContaining("grpo.routingReplay is replay");
    assertThat(RunConfig.parse(replay.formatted("true"), "test.yaml").rollouts().recordRouting())
        .isTrue();
    assertThat(RunConfig.parse(valid(), "test.yaml").rollouts().recordRouting())
        .as("recording is on by default")
        .isTrue();
  }

  @Test
  void aMissingModelFileIsAnErrorBeforeAnythingStarts() {
    RunConfig config =
        RunConfig.parse(valid().replaceFirst("model: .*", "model: nowhere/model.yaml"), "t.yaml");
    assertThatThrownBy(config::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model: got 'nowhere/model.yaml'");
  }

  @Test
  void aCompletionLongerThanTheModelContextIsAnError() {
    RunConfig config =
        RunConfig.parse(valid().replace("maxNewTokens: 14", "maxNewTokens: 60"), "t");
    assertThatThrownBy(config::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("grpo.sampling.maxNewTokens: got 60");
  }

  @Test
  void anUnknownRewardIsAnError() {
    RunConfig config = RunConfig.parse(valid().replace("name: accuracy", "name: accurasy"), "t");
    assertThatThrownBy(config::validate).hasMessageContaining("accurasy");
  }

  @Test
  void theDefaultConfigBindsAndValidates() {
    RunConfig config = RunConfig.read(Path.of("configs/default.yaml"));
    config.validate();
    assertThat(config.budget().seconds()).isEqualTo(600);
    assertThat(config.kafka().startsOwnBroker()).isTrue();
  }

  @Test
  void aRunDirectoryThatHoldsARunIsRefusedWithoutResume() throws Exception {
    Path run = dir.resolve("existing");
    java.nio.file.Files.createDirectories(run);
    java.nio.file.Files.writeString(run.resolve(RunLoop.CONFIG_FILE), valid());
    assertThatThrownBy(() -> RunLoop.start(RunConfig.parse(valid(), "t"), run, System.out))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--run-dir")
        .hasMessageContaining("--resume");
  }

  @Test
  void resumingADirectoryWithoutARunIsAnError() {
    assertThatThrownBy(() -> RunLoop.resume(dir.resolve("empty"), System.out))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--resume");
  }
}
