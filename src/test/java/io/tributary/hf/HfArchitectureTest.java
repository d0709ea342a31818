package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  static ModelConfig map(ObjectNode json) {
    return HfArchitecture.modelConfig(HfConfig.parse(json.toString(), "config.json"));
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
    assertThat(c.maxSeqLen()).isEqualTo(512);
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
    assertThat(c.balanceLossWeight()).isZero();
    assertThat(c.qkNorm()).isTrue();
  }

  @Test
  void qwen3MoeWithoutNormTopkProbKeepsTheRawSoftmaxGates() throws Exception {
    ObjectNode json = configJson("qwen3_moe");
    json.put("norm_topk_prob", false);
    assertThat(map(json).normalizeTopK()).isFalse();
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
  void anOutputProjectionBiasIsRefusedBecauseThePolicyHasNone() throws Exception {
    ObjectNode json = configJson("llama");
    json.put("attention_bias", true);
    assertThatThrownBy(() -> map(json))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("attention_bias");
  }

  @Test
  void deepSeekV3IsNotInThisMapping() throws Exception {
    assertThatThrownBy(() -> map(configJson("deepseek_v3")))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("deepseek_v3");
  }
}
