package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.tributary.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeepSeekV3OptionsTest {

  @Test
  void theDeepSeekV3KeysLoadFromYaml() {
    ModelConfig config =
        ModelConfig.parse(
            """
            dim: 64
            heads: 4
            routedExperts: 8
            scoring: sigmoid
            routerGroups: 2
            routerTopKGroups: 1
            ropeInterleaved: true
            mla: {qLoraRank: 48, kvLoraRank: 32, qkNopeHeadDim: 24, qkRopeHeadDim: 16, vHeadDim: 16}
            ropeScaling: {type: yarn, factor: 4, originalMaxPositionEmbeddings: 256, mscale: 0.8,
                          mscaleAllDim: 1.0}
            """,
            "model.yaml");
    assertThat(config.mla()).isEqualTo(new MlaConfig(48, 32, 24, 16, 16));
    assertThat(config.mla().qkHeadDim()).isEqualTo(40);
    assertThat(config.rotaryDim()).isEqualTo(16);
    assertThat(config.routerGroups()).isEqualTo(2);
    assertThat(config.ropeInterleaved()).isTrue();
    assertThat(config.ropeScaling()).isEqualTo(RopeScaling.yarn(4, 256, null, null, 0.8, 1.0));
  }

  @Test
  void withoutTheKeysTheModelIsTheStandardOne() {
    ModelConfig config = ModelConfig.defaults();
    assertThat(config.mla()).isNull();
    assertThat(config.ropeInterleaved()).isFalse();
    assertThat(config.routerGroups()).isEqualTo(1);
    assertThat(config.routerTopKGroups()).isEqualTo(1);
    assertThat(config.rotaryDim()).isEqualTo(config.headDim());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'routerGroups: 3'                    | routerGroups: got 3, expected a divisor of"
            + " routedExperts=8",
        "'routerGroups: 8'                    | routerGroups: got 8, expected at most"
            + " routedExperts/2",
        "'{routerGroups: 4, routerTopKGroups: 5}' | routerTopKGroups: got 5, expected between 1"
            + " and routerGroups=4",
        "'{routerGroups: 4, topK: 3}'         | topK: got 3, expected at most the experts of"
            + " routerTopKGroups groups = 2",
        "'mla: {kvLoraRank: 32, qkNopeHeadDim: 8, qkRopeHeadDim: 7, vHeadDim: 8}' |"
            + " mla.qkRopeHeadDim: got 7, expected an even number",
        "'mla: {kvLoraRank: 32, qkRopeHeadDim: 8, vHeadDim: 8}' | mla.qkNopeHeadDim: got null",
        "'mla: {qLoraRank: 0, kvLoraRank: 32, qkNopeHeadDim: 8, qkRopeHeadDim: 8, vHeadDim: 8}' |"
            + " mla.qLoraRank: got 0",
        "'{qkNorm: true, mla: {kvLoraRank: 32, qkNopeHeadDim: 8, qkRopeHeadDim: 8, vHeadDim: 8}}' |"
            + " expected no attentionBias, qkNorm or kvHeads besides it",
      })
  void aBadDeepSeekV3ValueIsAnErrorThatNamesIt(String yaml, String expected) {
    assertThatThrownBy(() -> ModelConfig.parse(yaml, "model.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void parameterCountsEqualTheParametersOfLatentAttentionModels() {
    for (Integer qLoraRank : new Integer[] {24, null}) {
      ModelConfig config = TinyModels.tinyWithDeepSeekV3Options(qLoraRank);
      try (PolicyModel model = PolicyModel.create(config, 1)) {
        long actual =
            model.trainableParameters().stream()
                .mapToLong(p -> p.getValue().getArray().getShape().size())
                .sum();
        assertThat(ParameterCounts.of(config).total())
            .as("qLoraRank %s", qLoraRank)
            .isEqualTo(actual);
      }
    }
  }

  @Test
  void theLatentCacheHoldsTheLatentAndTheRotaryKeyNotExpandedKeysAndValues() {
    ModelConfig config = TinyModels.tinyWithDeepSeekV3Options(24);
    try (PolicyModel model = PolicyModel.create(config, 1);
        NDManager m = model.manager().newSubManager();
        KvCache cache = new KvCache(m, config.layers(), 8)) {
      model
          .block()
          .forward(
              m.create(new long[] {1, 2, 3}, new ai.djl.ndarray.types.Shape(1, 3)),
              new int[][] {{0, 1, 2}},
              Masks.causal(m, 3),
              cache,
              RoutingContext.inference());
      // kvLoraRank 16 + qkRopeHeadDim 8, against 4 heads · (8 + 8 + 12) = 112 for standard keys
      // and values of the same heads
      assertThat(cache.valuesPerPosition(0)).isEqualTo(16 + 8);
    }
  }

  @Test
  void biasBalancingGoesOnFromAnImportedCorrectionBias() {
    ModelConfig config = TinyModels.tinyWithDeepSeekV3Options(24);
    float[] imported = {0.02f, -0.01f, 0.005f, 0f};
    try (PolicyModel model = PolicyModel.create(config, 1)) {
      List<Pair<String, Parameter>> biases =
          model.parameters().stream().filter(p -> p.getKey().endsWith("selection_bias")).toList();
      assertThat(biases).hasSize(config.moeLayers());
      biases.forEach(p -> p.getValue().getArray().set(imported));
      try (NDManager step = model.manager().newSubManager()) {
        model.logits(step, new int[][] {{1, 5, 9, 12, 3, 7, 2, 8}}, RoutingContext.training(null));
      }
      ExpertLoad load = model.expertLoad();
      model.updateRouterBiasesWithRate(0.001);
      float[][] after = model.expertLoad().selectionBias();
      for (int layer = 0; layer < after.length; layer++) {
        long[] tokens = load.tokensPerExpert()[layer];
        double mean = java.util.Arrays.stream(tokens).sum() / (double) tokens.length;
        for (int e = 0; e < imported.length; e++) {
          assertThat(after[layer][e])
              .as("layer %d expert %d", layer, e)
              .isCloseTo(
                  (float) (imported[e] + 0.001 * Math.signum(mean - tokens[e])), offset(1e-7f));
        }
      }
    }
  }
}
