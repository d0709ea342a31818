package io.tributary.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.json.Json;
import io.tributary.model.MlaConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.ParameterCounts;
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

  static ModelConfig map(ObjectNode json) {
    return HfArchitecture.modelConfig(HfConfig.parse(json.toString(), "config.json"));
  }

  @Test
  void theFixtureIsALatentAttentionModelWithYarnInterleavedRopeAndGroupLimitedRouting()
      throws Exception {
    ModelConfig c = map(fixtureConfig());
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
    ModelConfig c = map(json);
    assertThat(c.mla().qLoraRank()).isNull();
    assertThat(DeepSeekV3Weights.names(c))
        .containsEntry("model.layers.0.self_attn.q_proj.weight", "layer0_attention_wq")
        .doesNotContainKey("model.layers.0.self_attn.q_a_proj.weight");
  }

  @Test
  void withoutRopeScalingTheRotaryIsPlainAndTheOriginalContextDefaultsToTheModels()
      throws Exception {
    ObjectNode json = fixtureConfig();
    json.putNull("rope_scaling");
    assertThat(map(json).ropeScaling()).isNull();
    ObjectNode yarn = fixtureConfig();
    ((ObjectNode) yarn.get("rope_scaling")).remove("original_max_position_embeddings");
    assertThat(map(yarn).ropeScaling().originalMaxPositionEmbeddings()).isEqualTo(1024);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "num_key_value_heads | 2                                  | num_key_value_heads: got 2",
        "attention_bias      | true                               | attention_bias: got true",
        "rope_scaling        | '{\"type\": \"llama3\", \"factor\": 8, \"low_freq_factor\": 1,"
            + " \"high_freq_factor\": 4, \"original_max_position_embeddings\": 64}' |"
            + " rope_scaling.rope_type: got LLAMA3",
        "rope_scaling        | '{\"type\": \"yarn\", \"factor\": 2, \"attention_factor\": 1.2}' |"
            + " rope_scaling.attention_factor: got 1.2",
      })
  void whatThePolicyCannotComputeExactlyIsRefusedByKey(String key, String json, String expected)
      throws Exception {
    ObjectNode config = fixtureConfig();
    config.set(key, Json.mapper().readTree(json));
    assertThatThrownBy(() -> map(config))
        .isInstanceOf(HfFormatException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining(expected);
  }

  @Test
  void deepSeekV3ItselfMapsAndThePolicyCountsTheParametersTheReaderCounts() {
    ModelConfig c =
        HfArchitecture.modelConfig(HfConfig.parse(HfConfigTest.DEEPSEEK_V3_671B, "config.json"));
    assertThat(c.ropeScaling()).isEqualTo(RopeScaling.yarn(40, 4096, 32.0, 1.0, 1.0, 1.0));
    // both count the weights without the correction biases, which are buffers, not parameters
    ParameterCounts reader = HfConfig.parse(HfConfigTest.DEEPSEEK_V3_671B, "c").parameterCounts();
    ParameterCounts policy = ParameterCounts.of(c);
    assertThat(policy.total()).isEqualTo(reader.total());
    assertThat(policy.activePerToken()).isEqualTo(reader.activePerToken());
  }
}
