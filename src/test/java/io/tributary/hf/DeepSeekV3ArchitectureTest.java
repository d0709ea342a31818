package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.model.MlaConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.RopeScaling;
import io.tributary.model.ScoringFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeepSeekV3ArchitectureTest {
  static ObjectNode fixtureConfig() throws Exception {
    return (ObjectNode)
        Json.mapper()
            .readTree(Files.readString(Path.of("src/test/resources/hf/deepseek_v3/config.json")));
  }

  @Test
  void theFixtureIsALatentAttentionModelWithYarnInterleavedRopeAndGroupLimitedRouting()
      throws Exception {
    ModelConfig c = DeepSeekV3Architecture.modelConfig(fixtureConfig(), "config.json");
    assertThat(c.mla()).isEqualTo(new MlaConfig(48, 32, 24, 16, 16));
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.yarn(4, 256, 32.0, 1.0, 0.8, 1.0));
    assertThat(c.ropeInterleaved()).isTrue();
    assertThat(c.rotaryDim()).isEqualTo(16);
    assertThat(c.scoring()).isEqualTo(ScoringFunction.SIGMOID);
    assertThat(c.routerGroups()).isEqualTo(2);
    assertThat(c.routerTopKGroups()).isEqualTo(1);
    assertThat(c.routedScale()).isEqualTo(2.5);
    assertThat(c.normalizeTopK()).isTrue();
    assertThat(c.routedExperts()).isEqualTo(8);
    assertThat(c.topK()).isEqualTo(2);
    assertThat(c.sharedExperts()).isEqualTo(1);
    assertThat(c.expertHidden()).isEqualTo(32);
    assertThat(c.denseLayers()).isEqualTo(1);
    assertThat(c.denseHidden()).isEqualTo(96);
    assertThat(c.biasUpdateRate()).as("balancing goes on from the correction bias").isPositive();
  }

  @Test
  void withoutQLoraRankQueriesAreProjectedDirectly() throws Exception {
    ObjectNode json = fixtureConfig();
    json.putNull("q_lora_rank");
    ModelConfig c = DeepSeekV3Architecture.modelConfig(json, "config.json");
    assertThat(c.mla().qLoraRank()).isNull();
    assertThat(DeepSeekV3Weights.names(c))
        .containsEntry("model.layers.0.self_attn.q_proj.weight", "layer0_attention_wq")
        .doesNotContainKey("model.layers.0.self_attn.q_a_proj.weight");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "model_type          | '\"llama\"'                          | model_type: got 'llama'",
        "num_key_value_heads | 2                                  | num_key_value_heads: got 2",
        "attention_bias      | true                               | attention_bias: got true",
        "hidden_act          | '\"gelu\"'                           | hidden_act: got 'gelu'",
        "quantization_config | '{\"quant_method\": \"fp8\"}'         | quantization_config: got"
            + " \"fp8\"",
        "rope_scaling        | '{\"type\": \"linear\", \"factor\": 2}' | rope_scaling.rope_type: got"
            + " 'linear'",
        "rope_scaling        | '{\"type\": \"yarn\", \"factor\": 2, \"attention_factor\": 1.2}' |"
            + " rope_scaling.attention_factor: got 1.2",
        "kv_lora_rank        | 'null'                             | kv_lora_rank: got null",
      })
  void whatThePolicyCannotComputeExactlyIsRefusedByKey(String key, String json, String expected)
      throws Exception {
    ObjectNode config = fixtureConfig();
    config.set(key, Json.mapper().readTree(json));
    assertThatThrownBy(() -> DeepSeekV3Architecture.modelConfig(config, "dir/config.json"))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("dir/config.json")
        .hasMessageContaining(expected);
  }

  @Test
  void multiTokenPredictionLayersAfterTheLastLayerAreIgnoredAsTransformersIgnoresThem()
      throws Exception {
    ModelConfig c = DeepSeekV3Architecture.modelConfig(fixtureConfig(), "config.json");
    assertThat(DeepSeekV3Weights.ignored("model.layers.3.eh_proj.weight", c)).isTrue();
    assertThat(DeepSeekV3Weights.ignored("model.layers.2.mlp.gate.weight", c)).isFalse();
    assertThat(DeepSeekV3Weights.ignored("model.norm.weight", c)).isFalse();
  }
}
