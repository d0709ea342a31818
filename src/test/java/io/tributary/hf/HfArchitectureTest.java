package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.model.ModelConfig;
import io.tributary.model.RopeScaling;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HfArchitectureTest {
  static final Path FIXTURES = Path.of("src/test/resources/hf");

  static ObjectNode configJson(String family) throws Exception {
    return (ObjectNode)
        Json.mapper().readTree(Files.readString(FIXTURES.resolve(family).resolve("config.json")));
  }

  static ModelConfig map(JsonNode json) {
    return HfArchitecture.modelConfig(json, "config.json");
  }

  @Test
  void qwen3HasQkNormTiedEmbeddingsGroupedQueriesAndAHeadWidthApartFromWidthOverHeads()
      throws Exception {
    ModelConfig c = map(configJson("qwen3"));
    assertThat(c.qkNorm()).isTrue();
    assertThat(c.tieEmbeddings()).isTrue();
    assertThat(c.attentionBias()).isFalse();
    assertThat(c.heads()).isEqualTo(4);
    assertThat(c.kvHeads()).isEqualTo(2);
    assertThat(c.headDim()).isEqualTo(24);
    assertThat(c.dim()).isEqualTo(64);
    assertThat(c.denseLayers()).isEqualTo(c.layers()).isEqualTo(3);
    assertThat(c.denseHidden()).isEqualTo(128);
    assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
    assertThat(c.normEps()).isEqualTo(1e-6);
  }

  @Test
  void llamaCarriesItsLlama3RopeScaling() throws Exception {
    ModelConfig c = map(configJson("llama"));
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.llama3(8, 1, 4, 64));
    assertThat(c.qkNorm()).isFalse();
    assertThat(c.tieEmbeddings()).isFalse();
  }

  @Test
  void qwen2HasQueryKeyValueBiases() throws Exception {
    assertThat(map(configJson("qwen2")).attentionBias()).isTrue();
  }

  @Test
  void qwen3MoeIsSparseInEveryLayerWithItsExpertWidthAndNoBiasBalancing() throws Exception {
    ModelConfig c = map(configJson("qwen3_moe"));
    assertThat(c.denseLayers()).isZero();
    assertThat(c.routedExperts()).isEqualTo(8);
    assertThat(c.topK()).isEqualTo(2);
    assertThat(c.expertHidden()).isEqualTo(32);
    assertThat(c.sharedExperts()).isZero();
    assertThat(c.normalizeTopK()).isTrue();
    assertThat(c.biasUpdateRate()).isZero();
    assertThat(c.qkNorm()).isTrue();
  }

  @Test
  void mixtralAlwaysRenormalisesItsTopKAndUsesIntermediateSizeForExperts() throws Exception {
    ModelConfig c = map(configJson("mixtral"));
    assertThat(c.denseLayers()).isZero();
    assertThat(c.normalizeTopK()).isTrue();
    assertThat(c.expertHidden()).isEqualTo(32);
    assertThat(c.headDim()).isEqualTo(16); // head_dim: null means hidden_size / heads
  }

  @Test
  void qwen3MoeDenseLayersBeforeTheSparseOnesBecomeDenseLayers() throws Exception {
    ObjectNode json = configJson("qwen3_moe");
    json.putArray("mlp_only_layers").add(0);
    assertThat(map(json).denseLayers()).isEqualTo(1);
    json.putArray("mlp_only_layers").add(1);
    assertThatThrownBy(() -> map(json))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("config.json: mlp_only_layers");
  }

  @Test
  void anUnsupportedModelTypeIsNamedWithTheSupportedOnes() throws Exception {
    ObjectNode json = configJson("qwen3");
    json.put("model_type", "gpt2");
    assertThatThrownBy(() -> map(json))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("model_type: got 'gpt2'")
        .hasMessageContaining("qwen3_moe");
  }

  @Test
  void settingsThePolicyCannotComputeExactlyAreRefusedByKey() throws Exception {
    ObjectNode bias = configJson("llama");
    bias.put("attention_bias", true);
    assertThatThrownBy(() -> map(bias)).hasMessageContaining("attention_bias: got true");
    ObjectNode act = configJson("llama");
    act.put("hidden_act", "gelu");
    assertThatThrownBy(() -> map(act)).hasMessageContaining("hidden_act: got 'gelu'");
    ObjectNode rope = configJson("llama");
    ((ObjectNode) rope.get("rope_scaling")).put("rope_type", "dynamic");
    assertThatThrownBy(() -> map(rope)).hasMessageContaining("rope_scaling.rope_type");
    ObjectNode missing = configJson("qwen3");
    missing.remove("hidden_size");
    assertThatThrownBy(() -> map(missing))
        .hasMessageContaining("hidden_size: got nothing, expected an integer");
  }

  @Test
  void aSlidingWindowCapsTheSequenceLengthWhereItWouldEqualFullAttention() throws Exception {
    ObjectNode json = configJson("mixtral");
    json.put("sliding_window", 128);
    assertThat(map(json).maxSeqLen()).isEqualTo(128);
    assertThat(map(configJson("mixtral")).maxSeqLen()).isEqualTo(512);
  }
}
