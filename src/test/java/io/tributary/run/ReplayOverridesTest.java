package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.Yaml;
import io.tributary.grpo.LossAggregation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --set}: learner settings of a replay variant on the run's saved config. */
class ReplayOverridesTest {
  @TempDir Path dir;
  Path saved;

  @BeforeEach
  void saveARunConfig() throws Exception {
    saved = dir.resolve("config.yaml");
    RunConfig run =
        RunConfig.parse(
            RunFixtures.tinyRun(
                RunFixtures.tinyModel(dir), RunFixtures.kafkaSection("localhost:1", "t"), 2),
            "run.yaml");
    Files.writeString(saved, Yaml.write(run));
  }

  @Test
  void learnerSettingsChangeAndEverythingElseStaysTheRuns() {
    RunConfig variant =
        ReplayOverrides.apply(saved, List.of("grpo.aggregation=gspo", "grpo.beta=0.02"));
    RunConfig run = RunConfig.read(saved);

    assertThat(variant.grpo().aggregation()).isEqualTo(LossAggregation.GSPO);
    assertThat(variant.grpo().beta()).isEqualTo(0.02);
    assertThat(variant.grpo().sampling()).isEqualTo(run.grpo().sampling());
    assertThat(variant.kafka()).isEqualTo(run.kafka());
    assertThat(variant.seed()).isEqualTo(run.seed());
  }

  @Test
  void theSamplingSpecAndSettingsOutsideTheLearnerAreRefused() {
    assertThatThrownBy(() -> ReplayOverrides.apply(saved, List.of("grpo.sampling.groupSize=4")))
        .hasMessageContaining("--set grpo.sampling.groupSize");
    assertThatThrownBy(() -> ReplayOverrides.apply(saved, List.of("model=x.yaml")))
        .hasMessageContaining("--set model");
  }

  @Test
  void anUnknownKeyOrAValueWithoutAKeyIsAnError() {
    assertThatThrownBy(() -> ReplayOverrides.apply(saved, List.of("grpo.aggregatoin=gspo")))
        .hasMessageContaining("aggregatoin");
    assertThatThrownBy(() -> ReplayOverrides.apply(saved, List.of("gspo")))
        .hasMessageContaining("--set");
  }

  @Test
  void aVariantsDirectoryIsNamedAfterItsSettings() {
    assertThat(ReplayOverrides.name(List.of("grpo.aggregation=gspo", "grpo.beta=0.02")))
        .isEqualTo("grpo.aggregation-gspo_grpo.beta-0.02");
  }
}
