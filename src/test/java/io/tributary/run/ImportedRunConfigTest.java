package io.tributary.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.model.ModelConfig;
import io.tributary.policy.PolicySource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run config on an imported model: {@code model: {hf: DIR}}, a dataset and a chat section. */
class ImportedRunConfigTest {
  private static final Path QWEN3 = Path.of("src/test/resources/hf/qwen3");

  @TempDir Path dir;

  /** configs/gsm8k.yaml with the user's download replaced by the Qwen3 fixture. */
  private static String gsm8k() throws Exception {
    return Files.readString(Path.of("configs/gsm8k.yaml"))
        .replace("{hf: models/Qwen3-0.6B}", "{hf: " + QWEN3 + "}")
        .replace("maxNewTokens: 512", "maxNewTokens: 256"); // the fixture's context is 512
  }

  @Test
  void theGsm8kConfigBindsAndValidatesOnAnImportedModel() throws Exception {
    RunConfig config = RunConfig.parse(gsm8k(), "gsm8k.yaml");
    assertThat(config.model()).isEqualTo(new PolicySource.HuggingFace(QWEN3));
    assertThat(config.dataset().format()).isEqualTo(PromptDataset.Format.GSM8K);
    assertThat(config.chat().hasSystemPrompt()).isTrue();
    assertThat(config.grpo().lora()).isNotNull();
    ModelConfig architecture = config.validate();
    assertThat(architecture.vocabSize()).isEqualTo(160);
  }

  @Test
  void theSavedConfigOfARunReadsBackTheSame() throws Exception {
    RunConfig config = RunConfig.parse(gsm8k(), "gsm8k.yaml");
    RunConfig again = RunConfig.parse(Yaml.write(config), "saved config.yaml");
    assertThat(again.model()).isEqualTo(config.model());
    // a saved path is absolute, so a resumed run finds its file from any working directory
    assertThat(again.dataset().file()).isEqualTo(config.dataset().file().toAbsolutePath());
    assertThat(again.dataset().heldout()).isEqualTo(config.dataset().heldout());
    assertThat(again.chat()).isEqualTo(config.chat());
  }

  @Test
  void moreEvaluationPromptsThanTheDatasetHoldsOutIsAnErrorNamingBothKeys() throws Exception {
    String yaml = gsm8k().replace("evalPrompts: 40", "evalPrompts: 41");
    assertThatThrownBy(() -> RunConfig.parse(yaml, "gsm8k.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("evalPrompts: got 41")
        .hasMessageContaining("dataset.heldout=40");
  }

  @Test
  void aNewModelCannotColdStartOnADatasetWithoutTraces() throws Exception {
    String yaml =
        gsm8k()
            .replace("{hf: " + QWEN3 + "}", RunFixtures.tinyModel(dir).toString())
            .replace("maxNewTokens: 256", "maxNewTokens: 16")
            .replaceAll("(?s)chat:.*?\nrewards:", "rewards:");
    RunConfig config = RunConfig.parse(yaml, "gsm8k.yaml");
    assertThatThrownBy(config::validate)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sftSteps: got 1500");
  }
}
