package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.config.ConfigException;
import io.tributary.experiment.DemoConfig;
import io.tributary.messages.SamplingConfig;
import io.tributary.model.ModelConfig;
import io.tributary.rollout.RolloutsConfig;
import io.tributary.run.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every config file the repository ships loads with its config type, and the files that run
 * together sample alike: the rollout job's {@code sampling} section equals the learner's {@code
 * grpo.sampling}, or the learner refuses every group. A new config file fails here until it is
 * given its type below.
 */
class ShippedConfigsTest {
  static final List<Path> FOLDERS =
      List.of(Path.of("configs"), Path.of("docker"), Path.of("pipeline"), Path.of("examples"));

  /** Each shipped YAML file and how it is loaded. */
  static final Map<Path, Consumer<Path>> LOADERS = loaders();

  static Map<Path, Consumer<Path>> loaders() {
    Map<Path, Consumer<Path>> loaders = new LinkedHashMap<>();
    loaders.put(Path.of("configs/default.yaml"), f -> RunConfig.read(f).validate());
    // bound key by key; not validated, since its model is the user's own download
    loaders.put(Path.of("configs/gsm8k.yaml"), RunConfig::read);
    loaders.put(Path.of("configs/rollouts.yaml"), RolloutsConfig::read);
    loaders.put(Path.of("configs/model/small.yaml"), ModelConfig::load);
    for (String demo :
        List.of("demo-arithmetic", "demo-arithmetic-seed2", "demo-arithmetic-hard")) {
      loaders.put(Path.of("configs/" + demo + ".yaml"), DemoConfig::load);
    }
    loaders.put(Path.of("configs/moe-stability/base.yaml"), f -> RunConfig.read(f).validate());
    for (String experiment :
        List.of(
            "experiment",
            "experiment-lr1.5e-4",
            "experiment-stronger-start",
            "control-on-policy",
            "reduced",
            "reduced-lr3e-4")) {
      loaders.put(
          Path.of("configs/moe-stability/" + experiment + ".yaml"),
          io.tributary.stability.ExperimentConfig::read);
    }
    // not a Tributary config: the compose file runs the rollout job on configs/rollouts.yaml and
    // the learner on configs/default.yaml
    loaders.put(Path.of("docker/compose.yaml"), ShippedConfigsTest::composeFile);
    return loaders;
  }

  /**
   * The rollout job and the learner of the documented deployment (pipeline/README.md, docker/):
   * {@code ./tributary rollouts} or {@code pipeline/submit.sh} with configs/rollouts.yaml beside
   * {@code ./tributary learner}, whose default config is configs/default.yaml.
   */
  static final Path ROLLOUTS = Path.of("configs/rollouts.yaml");

  static final Path LEARNER = Path.of("configs/default.yaml");

  @Test
  void everyShippedConfigFileLoadsWithItsConfigType() throws IOException {
    List<Path> files;
    try (Stream<Path> all =
        FOLDERS.stream()
            .filter(Files::isDirectory)
            .flatMap(ShippedConfigsTest::walk)
            .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))) {
      files = all.sorted().toList();
    }

    assertThat(files).as("YAML files without a loader here").isSubsetOf(LOADERS.keySet());
    assertThat(files).as("every loader's file exists").containsAll(LOADERS.keySet());
    for (Path file : files) {
      LOADERS.get(file).accept(file);
    }
  }

  @Test
  void theRolloutJobAndTheLearnerThatRunTogetherShareOneSamplingSpec() {
    SamplingConfig rollouts = RolloutsConfig.read(ROLLOUTS).sampling();
    SamplingConfig learner = RunConfig.read(LEARNER).grpo().sampling();

    SamplingConfig.requireSame(learner, LEARNER.toString(), rollouts, ROLLOUTS.toString());
    assertThat(rollouts).isEqualTo(learner);
  }

  @Test
  void aMismatchNamesTheSettingAndBothValues() {
    SamplingConfig learner = RunConfig.read(LEARNER).grpo().sampling();

    assertThatThrownBy(
            () ->
                SamplingConfig.requireSame(
                    learner, "learner", learner.withGroupSize(4), "pipeline rollouts"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sampling.groupSize: learner has 8, pipeline rollouts has 4");
  }

  private static void composeFile(Path file) {
    try {
      JsonNode compose = io.tributary.config.Yaml.mapper().readTree(file.toFile());
      assertThat(compose.path("services").has("taskmanager")).as(file.toString()).isTrue();
      assertThat(compose.path("services").has("learner")).as(file.toString()).isTrue();
      // the job is submitted against the learner's config, which it is checked against
      assertThat(Files.readString(file))
          .contains(ROLLOUTS.toString())
          .contains("--learner-config /opt/tributary/" + LEARNER);
      assertThat(compose.path("services").path("learner").path("command").toString())
          .contains(LEARNER.toString());
    } catch (IOException e) {
      throw new IllegalStateException(file + ": " + e.getMessage(), e);
    }
  }

  private static Stream<Path> walk(Path dir) {
    try {
      return Files.walk(dir).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
