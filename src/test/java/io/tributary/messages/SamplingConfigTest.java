package io.tributary.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import io.tributary.model.SamplingParams;
import io.tributary.tokenizer.CharTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingConfigTest {
  @Test
  void missingKeysTakeTheDefaultsOfTheRun() {
    SamplingConfig spec = Yaml.read("groupSize: 4\n", SamplingConfig.class, "t");

    assertThat(spec).isEqualTo(new SamplingConfig(4, 1.0, 1.0, 0, 64, List.of()));
  }

  @Test
  void aMismatchNamesEverySettingThatDiffersWithBothValues() {
    SamplingConfig learner = SamplingConfig.defaults();
    SamplingConfig rollouts = new SamplingConfig(4, 0.7, 1.0, 0, 64, List.of());

    assertThatThrownBy(() -> SamplingConfig.requireSame(learner, "learner", rollouts, "rollouts"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sampling.groupSize: learner has 8, rollouts has 4")
        .hasMessageContaining("sampling.temperature: learner has 1.0, rollouts has 0.7")
        .hasMessageNotContaining("topP");
  }

  @Test
  void equalSpecsPass() {
    SamplingConfig.requireSame(
        SamplingConfig.defaults(), "a", new SamplingConfig(8, 1.0, null, null, 64, null), "b");
  }

  @Test
  void theSamplerGetsEverySettingAndEachStopTextAsAStopToken() {
    CharTokenizer tokenizer = new CharTokenizer();
    SamplingParams params =
        new SamplingConfig(4, 0.8, 0.9, 5, 20, List.of("</answer>")).params(tokenizer);

    assertThat(params.temperature()).isEqualTo(0.8);
    assertThat(params.topP()).isEqualTo(0.9);
    assertThat(params.topK()).isEqualTo(5);
    assertThat(params.maxNewTokens()).isEqualTo(20);
    assertThat(params.stopTokens())
        .containsExactly(tokenizer.eos(), tokenizer.encode("</answer>")[0]);
  }

  @Test
  void aStopTextOfSeveralTokensIsAnErrorNamingIt() {
    assertThatThrownBy(
            () -> new SamplingConfig(4, 1.0, 1.0, 0, 20, List.of("ab")).params(new CharTokenizer()))
        .hasMessageContaining("sampling.stop[0]: got 'ab'");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> new SamplingConfig(1, null, null, null, null, null))
        .hasMessageContaining("sampling.groupSize: got 1");
    assertThatThrownBy(() -> new SamplingConfig(null, 0.0, null, null, null, null))
        .hasMessageContaining("sampling.temperature: got 0.0");
    assertThatThrownBy(() -> new SamplingConfig(null, null, null, -1, null, null))
        .hasMessageContaining("sampling.topK: got -1");
  }
}
