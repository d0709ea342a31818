package io.tributary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RolloutsConfigTest {
  static final String MINIMAL =
      "policyCheckpoint: runs/p.ckpt\nrewards:\n  rewards:\n    - name: accuracy\n";

  @Test
  void aMinimalConfigTakesTheDefaults() {
    RolloutsConfig c = RolloutsConfig.parse(MINIMAL, "test.yaml");
    assertThat(c.groupSize())
        .as("the learner's default G: the two sides share one spec")
        .isEqualTo(8);
    assertThat(c.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
    assertThat(c.prompts().from()).isEqualTo(PromptsConfig.PromptOrigin.KAFKA);
    assertThat(c.kafka().startsOwnBroker()).isTrue();
    assertThat(c.microBatch().size()).isEqualTo(8);
    assertThat(c.sampling().temperature()).isEqualTo(1.0);
  }

  @Test
  void theExampleConfigBinds() {
    RolloutsConfig c = RolloutsConfig.read(Path.of("configs/rollouts.yaml"));
    assertThat(c.prompts().from()).isEqualTo(PromptsConfig.PromptOrigin.FILE);
    assertThat(Path.of(c.prompts().file())).exists();
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of(MINIMAL + "groupSiz: 4\n", "unknown key 'groupSiz'"),
        Arguments.of(MINIMAL + "sampling: {groupSize: 1}\n", "sampling.groupSize: got 1"),
        Arguments.of(MINIMAL + "groupSize: 4\n", "unknown key 'groupSize'"),
        Arguments.of(MINIMAL + "groupTimeoutMs: 600000\n", "unknown key 'groupTimeoutMs'"),
        Arguments.of(MINIMAL + "delivery: twice\n", "delivery"),
        Arguments.of(MINIMAL + "microBatch: {size: 0}\n", "microBatch.size: got 0"),
        Arguments.of(MINIMAL + "sampling: {topP: 0}\n", "sampling.topP: got 0.0"),
        Arguments.of(MINIMAL + "prompts: {from: file}\n", "prompts.file: got null"),
        Arguments.of(MINIMAL + "webUiPort: 70000\n", "webUiPort: got 70000"),
        Arguments.of("rewards:\n  rewards:\n    - name: accuracy\n", "policyCheckpoint"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badConfigs")
  void aBadConfigNamesTheKeyAndTheValue(String yaml, String message) {
    assertThatThrownBy(() -> RolloutsConfig.parse(yaml, "test.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.yaml")
        .hasMessageContaining(message);
  }
}
