package io.tributary.stability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.grpo.LossAggregation;
import io.tributary.grpo.RoutingReplay;
import io.tributary.run.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunOverridesTest {
  private static String base() throws IOException {
    return Files.readString(Path.of("configs/moe-stability/base.yaml"));
  }

  @Test
  void dottedKeysReplaceTheBaseValuesAndTheSeedReachesTheRunAndTheLoss() throws IOException {
    RunConfig c =
        RunOverrides.apply(
            base(),
            "base.yaml",
            Map.of("grpo.aggregation", "gspo", "grpo.routingReplay", "replay"),
            7);

    assertThat(c.grpo().aggregation()).isEqualTo(LossAggregation.GSPO);
    assertThat(c.grpo().routingReplay()).isEqualTo(RoutingReplay.REPLAY);
    assertThat(c.seed()).isEqualTo(7L);
    assertThat(c.grpo().seed()).isEqualTo(7L);
    // everything else is the base's
    assertThat(c.learner().maxStaleness()).isEqualTo(4);
    assertThat(c.grpo().optimizer().learningRate()).isEqualTo(1e-3);
  }

  @Test
  void theWordOffStaysAWordAndNotAYamlBoolean() throws IOException {
    RunConfig c = RunOverrides.apply(base(), "base.yaml", Map.of("grpo.routingReplay", "off"), 1);

    assertThat(c.grpo().routingReplay()).isEqualTo(RoutingReplay.OFF);
  }

  @Test
  void aMisspeltKeyIsTheSameErrorAsInTheFile() {
    assertThatThrownBy(
            () -> RunOverrides.apply(base(), "base.yaml", Map.of("grpo.agregation", "gspo"), 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agregation");
  }

  @Test
  void aKeyBelowAValueIsAnErrorNamingIt() {
    assertThatThrownBy(
            () -> RunOverrides.apply(base(), "base.yaml", Map.of("sftSteps.inner", 3), 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sftSteps.inner");
  }
}
