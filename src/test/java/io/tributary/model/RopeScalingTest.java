package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tributary.config.ConfigException;
import org.junit.jupiter.api.Test;

class RopeScalingTest {

  /** Llama 3.1's published settings: θ 500000, head width 128, factor 8, low 1, high 4, 8192. */
  static final RopeScaling LLAMA_3_1 = RopeScaling.llama3(8, 1, 4, 8192);

  @Test
  void llama3KeepsShortWavelengthsDividesLongOnesAndBlendsThoseBetween() {
    double[] plain = new Rotary(128, 500_000).inverseFrequencies();
    double[] scaled = new Rotary(128, 500_000, LLAMA_3_1).inverseFrequencies();
    // wavelengths 6.3 and 379 are below 8192/4: kept
    assertThat(scaled[0]).isEqualTo(plain[0]).isEqualTo(1.0);
    assertThat(scaled[20]).isEqualTo(plain[20]);
    // wavelength 2948 lies between 8192/4 and 8192/1: blended (values from the transformers
    // formula of _compute_llama3_parameters evaluated in double precision)
    assertThat(plain[30]).isCloseTo(0.0021311195369119653, within(1e-15));
    assertThat(scaled[30]).isCloseTo(0.0013718935677611381, within(1e-15));
    // wavelengths 22910 and 2.6e6 exceed 8192: divided by the factor
    assertThat(scaled[40]).isCloseTo(plain[40] / 8, within(1e-18));
    assertThat(scaled[63]).isCloseTo(3.068925988914511e-07, within(1e-20));
  }

  @Test
  void withoutScalingTheFrequenciesAreThetaToTheMinusTwoIOverD() {
    double[] plain = new Rotary(8, 10_000, null).inverseFrequencies();
    assertThat(plain).containsExactly(1.0, 0.1, 0.01, 0.001);
  }

  @Test
  void aLlama3ScalingWithoutItsFrequencyFactorsIsRejectedByName() {
    assertThatThrownBy(
            () ->
                ModelConfig.parse(
                    "ropeScaling: {type: llama3, factor: 8, originalMaxPositionEmbeddings: 8192}",
                    "model.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ropeScaling.lowFreqFactor");
  }

  @Test
  void aLlama3ScalingLoadsFromYaml() {
    ModelConfig config =
        ModelConfig.parse(
            "ropeScaling: {type: llama3, factor: 8, lowFreqFactor: 1, highFreqFactor: 4,"
                + " originalMaxPositionEmbeddings: 8192}",
            "model.yaml");
    assertThat(config.ropeScaling()).isEqualTo(LLAMA_3_1);
  }
}
