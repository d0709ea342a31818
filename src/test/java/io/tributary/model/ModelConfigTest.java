package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelConfigTest {

  @Test
  void theShippedSmallConfigLoadsWithItsParameterCounts() {
    ModelConfig config = ModelConfig.load(Path.of("configs/model/small.yaml"));
    assertThat(config.routedExperts()).isEqualTo(8);
    assertThat(config.topK()).isEqualTo(2);
    assertThat(config.scoring()).isEqualTo(ScoringFunction.SOFTMAX);
    ParameterCounts counts = ParameterCounts.of(config);
    assertThat(counts.activePerToken()).isLessThan(counts.total());
    // active = total minus the (E − K) unused experts of each MoE layer
    long expert = 3L * config.dim() * config.expertHidden();
    assertThat(counts.total() - counts.activePerToken())
        .isEqualTo((long) config.moeLayers() * (config.routedExperts() - config.topK()) * expert);
  }

  @Test
  void parameterCountsEqualTheParametersTheModelActuallyHas() {
    ModelConfig config = TinyModels.tiny();
    try (PolicyModel model = PolicyModel.create(config, 1)) {
      long actual =
          model.trainableParameters().stream()
              .mapToLong(p -> p.getValue().getArray().getShape().size())
              .sum();
      assertThat(ParameterCounts.of(config).total()).isEqualTo(actual);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // an unknown key is named, with the keys that exist
        "'dimm: 64'                    | unknown key 'dimm'",
        // a wrong type names the key and what was expected
        "'layers: four'                | layers",
        // validation in the compact constructor names key and value
        "'heads: 5'                    | heads: got 5, expected a divisor of dim=128",
        "'topK: 9'                     | topK: got 9, expected at most routedExperts=8",
        "'denseLayers: 7'              | denseLayers: got 7, expected between 0 and layers=4",
        "'scoring: relu'               | expected one of [softmax, sigmoid]",
        "'device: tpu'                 | expected one of [auto, cpu, gpu]",
        "'biasUpdateRate: -0.1'        | biasUpdateRate: got -0.1",
        "'kvHeads: 3'                  | kvHeads: got 3, expected a positive divisor of heads=4",
        "'headDim: 7'                  | headDim: got 7, expected a positive even number",
        "'ropeScaling: {type: ntk}'    | expected one of [llama3, yarn]",
      })
  void aBadKeyOrValueIsAnErrorThatNamesIt(String yaml, String expected) {
    assertThatThrownBy(() -> ModelConfig.parse(yaml, "model.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.yaml")
        .hasMessageContaining(expected);
  }

  @Test
  void missingKeysTakeTheDefaults() {
    assertThat(ModelConfig.parse("dim: 64\nheads: 2", "inline"))
        .isEqualTo(ModelConfig.builder().dim(64).heads(2).build());
  }

  @Test
  void parameterCountsEqualTheParametersOfAModelWithEveryHuggingFaceOption() {
    ModelConfig config = TinyModels.tinyWithHfOptions();
    try (PolicyModel model = PolicyModel.create(config, 1)) {
      long actual =
          model.trainableParameters().stream()
              .mapToLong(p -> p.getValue().getArray().getShape().size())
              .sum();
      assertThat(ParameterCounts.of(config).total()).isEqualTo(actual);
    }
  }

  @Test
  void aHeadWidthApartFromDimOverHeadsNeedNotDivideTheWidth() {
    ModelConfig config = ModelConfig.parse("dim: 96\nheads: 5\nkvHeads: 1\nheadDim: 16", "m");
    assertThat(config.headDim()).isEqualTo(16);
    assertThat(config.queriesPerKvHead()).isEqualTo(5);
  }

  @Test
  void defaultKeyValueHeadsAndHeadWidthFollowHeadsAndDimInDerivedConfigs() {
    ModelConfig derived = ModelConfig.defaults().toBuilder().dim(64).heads(2).build();
    assertThat(derived.kvHeads()).isEqualTo(2);
    assertThat(derived.headDim()).isEqualTo(32);
    ModelConfig grouped = ModelConfig.defaults().toBuilder().kvHeads(2).headDim(48).build();
    assertThat(grouped.toBuilder().heads(8).build().kvHeads()).isEqualTo(2);
    assertThat(grouped.toBuilder().dim(64).build().headDim()).isEqualTo(48);
  }
}
