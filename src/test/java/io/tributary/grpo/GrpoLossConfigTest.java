package io.tributary.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.tributary.config.ConfigException;
import io.tributary.config.Yaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrpoLossConfigTest {
  @ParameterizedTest(name = "{6}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "1.5  | 0.28 | 0   | 64 | null | GRPO | epsilonLow: got 1.5, expected a number in [0, 1]",
        "0.2  | -1   | 0   | 64 | null | GRPO | epsilonHigh: got -1.0",
        "0.2  | 0.28 | -0.1| 64 | null | GRPO | beta: got -0.1",
        "0.2  | 0.28 | 0   | 0  | null | GRPO | maxCompletionLength: got 0",
        "0.2  | 0.28 | 0   | 64 | 1.2  | GRPO | rolloutCorrection.cap: got 1.2, expected a number"
            + " > 1 + epsilonHigh",
        "0.2  | 0.28 | 0   | 64 | 3.0  | GSPO | rolloutCorrection.importanceSampling: got 'token',"
            + " expected none with aggregation gspo in mode coupled",
        "0.2  | 0.28 | 0   | 64 | 3.0  | CISPO | rolloutCorrection.importanceSampling: got 'token',"
            + " expected none with aggregation cispo",
        "0.2  | 0.28 | 0   | 64 | null | null | aggregation: got null"
      })
  void rejectsBadSettingsNamingTheKey(
      double low,
      double high,
      double beta,
      int maxLength,
      Double dualClipCap,
      LossAggregation agg,
      String message) {
    RolloutCorrection correction =
        dualClipCap == null ? null : RolloutCorrection.dualClip(dualClipCap);
    assertThatThrownBy(() -> new GrpoLossConfig(low, high, beta, agg, maxLength, correction))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void bindsFromYamlWithConfigSpellingOfTheAggregation() {
    GrpoLossConfig config =
        Yaml.read(
            "epsilonLow: 0.2\nepsilonHigh: 0.28\nbeta: 0.04\naggregation: dr_grpo\n"
                + "maxCompletionLength: 96\n"
                + "rolloutCorrection: {mode: decoupled, importanceSampling: sequence, cap: 2}\n",
            GrpoLossConfig.class,
            "loss.yaml");
    assertThat(config.aggregation()).isEqualTo(LossAggregation.DR_GRPO);
    assertThat(config.rolloutCorrection())
        .isEqualTo(
            new RolloutCorrection(
                CorrectionMode.DECOUPLED, CorrectionLevel.SEQUENCE, CorrectionLevel.NONE, 2.0));
    assertThat(LossAggregation.fromConfig("gspo")).isEqualTo(LossAggregation.GSPO);
    assertThatThrownBy(() -> LossAggregation.fromConfig("mean"))
        .hasMessageContaining(
            "aggregation: got 'mean', expected one of grpo, bnpo, dr_grpo, dapo, gspo, cispo");
  }

  @Test
  void withoutAccumulationDapoCountsThisBatchAndEqualsBnpo() {
    try (NDManager manager = NDManager.newBaseManager()) {
      float[][] logp = {{-1f, -2f, -0.5f}, {-1.5f, -0.7f, -2.2f}};
      float[][] old = {{-1.1f, -2.3f, -0.5f}, {-1.2f, -0.75f, -2.0f}};
      float[][] mask = {{1, 1, 0}, {1, 1, 1}};
      LossInputs in =
          LossInputs.of(
              manager.create(logp),
              manager.create(old),
              null,
              manager.create(new float[] {0.7f, -1.3f}),
              manager.create(mask));
      assertThat(in.accumulatedActiveTokens()).isEqualTo(5);
      float dapo =
          GrpoLoss.compute(in, GrpoLossConfig.defaults(LossAggregation.DAPO, 3)).loss().getFloat();
      float bnpo =
          GrpoLoss.compute(in, GrpoLossConfig.defaults(LossAggregation.BNPO, 3)).loss().getFloat();
      assertThat(dapo).isCloseTo(bnpo, within(1e-6f));
    }
  }
}
