package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.model.DeviceChoice;
import io.tributary.model.ModelConfig;
import io.tributary.model.PolicyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourcesTest {
  @TempDir Path dir;

  @Test
  void aModelYamlThatNamesAHuggingFaceDirectoryGivesItsArchitectureAndWeights() throws Exception {
    Path yaml = dir.resolve("qwen3.yaml");
    Files.writeString(yaml, "hf: " + HfParityTest.FIXTURES.resolve("qwen3").toAbsolutePath());
    ModelConfig config = ModelSources.architecture(yaml);
    assertThat(config.qkNorm()).isTrue();
    assertThat(config.huggingFace()).isNull(); // the architecture alone; loading adds the origin
    try (PolicyModel policy = ModelSources.policy(yaml, 1, DeviceChoice.CPU);
        PolicyModel direct = HfImport.load(HfParityTest.FIXTURES.resolve("qwen3"))) {
      int[] tokens = {1, 2, 3, 4};
      assertThat(HfParityTest.logits(policy, tokens))
          .containsExactly(HfParityTest.logits(direct, tokens));
    }
  }

  @Test
  void aModelYamlOfArchitectureKeysStaysWhatItWas() {
    assertThat(ModelSources.architecture(Path.of("configs/model/small.yaml")))
        .isEqualTo(ModelConfig.load(Path.of("configs/model/small.yaml")));
  }

  @Test
  void hfBesideArchitectureKeysOrPointingNowhereIsRefusedByName() throws Exception {
    Path mixed = dir.resolve("mixed.yaml");
    Files.writeString(mixed, "hf: somewhere\ndim: 64\n");
    assertThatThrownBy(() -> ModelSources.architecture(mixed))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hf: expected a model directory, with at most dtype: beside it");
    Path bfloat16 = dir.resolve("bf16.yaml");
    Files.writeString(bfloat16, "hf: .\ndtype: bfloat16\n");
    assertThatThrownBy(() -> ModelSources.huggingFaceDtype(bfloat16))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bf16.yaml: dtype: got 'bfloat16'")
        .hasMessageContaining("float32 or float16");
    Path nowhere = dir.resolve("nowhere.yaml");
    Files.writeString(nowhere, "hf: no/such/dir\n");
    assertThatThrownBy(() -> ModelSources.architecture(nowhere))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hf: got 'no/such/dir'");
  }
}
