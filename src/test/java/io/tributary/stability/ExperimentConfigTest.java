package io.tributary.stability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.run.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentConfigTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "experiment.yaml",
        "experiment-lr1.5e-4.yaml",
        "experiment-stronger-start.yaml",
        "control-on-policy.yaml",
        "reduced.yaml",
        "reduced-lr3e-4.yaml"
      })
  void everyRunOfTheShippedExperimentsIsAValidRunConfig(String file) throws Exception {
    ExperimentConfig c = ExperimentConfig.read(Path.of("configs/moe-stability", file));
    String base = Files.readString(c.base());

    for (Setting s : c.settings()) {
      for (long seed : c.seeds()) {
        RunConfig run = RunOverrides.apply(base, c.base().toString(), c.overrides(s), seed);
        run.validate();
        assertThat(run.learner().maxStaleness()).isEqualTo(4);
      }
    }
  }

  @Test
  void theFullMatrixIsThreeSeedsOfTheThreeLossesWithRoutingReplayOffAndOn() {
    ExperimentConfig c = ExperimentConfig.read(Path.of("configs/moe-stability/experiment.yaml"));

    assertThat(c.seeds()).hasSize(3);
    assertThat(c.settings())
        .extracting(s -> s.set().get("grpo.aggregation") + "/" + s.set().get("grpo.routingReplay"))
        .containsExactlyInAnyOrder(
            "dapo/off", "dapo/replay", "gspo/off", "gspo/replay", "cispo/off", "cispo/replay");
  }

  @Test
  void aSettingsKeysWinOverTheExperimentsOwn() {
    ExperimentConfig c =
        ExperimentConfig.parse(
            """
            base: configs/moe-stability/base.yaml
            seeds: [1]
            set: {grpo.aggregation: dapo, budget.versions: 5}
            settings:
              - {name: gspo, set: {grpo.aggregation: gspo}}
            """,
            "e.yaml");

    assertThat(c.overrides(c.settings().get(0)))
        .containsEntry("grpo.aggregation", "gspo")
        .containsEntry("budget.versions", 5);
  }

  @Test
  void repeatedSeedsOrSettingNamesAreErrorsNamingTheKey() {
    assertThatThrownBy(
            () ->
                ExperimentConfig.parse(
                    "base: b.yaml\nseeds: [1, 1]\nsettings: [{name: a}]\n", "e.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("seeds");
    assertThatThrownBy(
            () ->
                ExperimentConfig.parse(
                    "base: b.yaml\nseeds: [1]\nsettings: [{name: a}, {name: a}]\n", "e.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("settings");
  }

  @Test
  void aSettingCannotChangeWhatTheSharedColdStartIsTrainedFrom() {
    for (String key : new String[] {"sftSteps", "task.maxOperand", "model", "seed"}) {
      assertThatThrownBy(
              () ->
                  ExperimentConfig.parse(
                      "base: b.yaml\nseeds: [1]\nsettings: [{name: a, set: {%s: 3}}]\n"
                          .formatted(key),
                      "e.yaml"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("settings.a.set." + key)
          .hasMessageContaining("the experiment's set:");
    }
    // the learner's keys are what settings are for
    assertThat(
            ExperimentConfig.parse(
                    "base: b.yaml\nseeds: [1]\nsettings: [{name: a, set: {grpo.seedless: 3}}]\n",
                    "e.yaml")
                .settings())
        .hasSize(1);
  }
}
