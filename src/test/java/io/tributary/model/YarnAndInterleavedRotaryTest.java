package io.tributary.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * YaRN as transformers' _compute_yarn_parameters and DeepseekV3Attention compute it, on the shape
 * of the deepseek_v3 fixture: rotary width 16, θ = 10000, factor 4 over an original context of 256,
 * betas 32 and 1, mscale 0.8, mscaleAllDim 1.
 */
class YarnAndInterleavedRotaryTest {
  static final RopeScaling FIXTURE_YARN = RopeScaling.yarn(4, 256, 32.0, 1.0, 0.8, 1.0);

  @Test
  void yarnKeepsFastDimsInterpolatesSlowOnesAndRampsBetween() {
    // correction dims: 16·ln(256/(32·2π))/(2·ln 10⁴) = 0.21 -> floor 0; 16·ln(256/(1·2π))/(2·ln
    // 10⁴) = 3.22 -> ceil 4. Ramp i/4 over dims 0..3: frequency · (1 − r + r/4), then 1/4
    double[] keep = {1, 0.8125, 0.625, 0.4375, 0.25, 0.25, 0.25, 0.25};
    double[] frequencies = new Rotary(16, 10_000, FIXTURE_YARN).inverseFrequencies();
    for (int i = 0; i < 8; i++) {
      double plain = Math.pow(10_000, -2.0 * i / 16);
      assertThat(frequencies[i]).as("dim pair %d", i).isCloseTo(plain * keep[i], offset(1e-12));
    }
  }

  @Test
  void yarnTemperatureScalesCosAndSinAndTheLatentAttentionSoftmax() {
    double mscaleRope = 0.1 * 0.8 * Math.log(4) + 1; // mscale(4, 0.8)
    double mscaleAll = 0.1 * 1.0 * Math.log(4) + 1; // mscale(4, 1.0)
    assertThat(FIXTURE_YARN.attentionFactor()).isCloseTo(mscaleRope / mscaleAll, offset(1e-12));
    assertThat(FIXTURE_YARN.softmaxScaleFactor()).isCloseTo(mscaleAll * mscaleAll, offset(1e-12));
    // without mscale and mscaleAllDim YaRN's own 0.1·ln(s) + 1 applies, and the softmax keeps 1/√D
    RopeScaling plain = RopeScaling.yarn(4, 256, null, null, null, null);
    assertThat(plain.attentionFactor()).isCloseTo(0.1 * Math.log(4) + 1, offset(1e-12));
    assertThat(plain.softmaxScaleFactor()).isEqualTo(1.0);

    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      Rotary.Tables tables =
          new Rotary(16, 10_000, FIXTURE_YARN).tables(manager, new int[][] {{3}});
      float[] cos = tables.cos().toFloatArray();
      float[] sin = tables.sin().toFloatArray();
      double angle = 3 * 0.8125 * Math.pow(10_000, -2.0 / 16);
      assertThat(cos[1])
          .isCloseTo((float) (Math.cos(angle) * mscaleRope / mscaleAll), offset(1e-6f));
      assertThat(sin[1])
          .isCloseTo((float) (Math.sin(angle) * mscaleRope / mscaleAll), offset(1e-6f));
    }
  }

  @Test
  void interleavedRotationTurnsAdjacentPairsAndReturnsEvenResultsThenOddOnes() {
    // D = 4, θ = 100: pair 0 = dims (0, 1) at frequency 1, pair 1 = dims (2, 3) at 1/10
    float[] x = {1f, 2f, 3f, 4f};
    int position = 2;
    double a0 = position * 1.0;
    double a1 = position * 0.1;
    float[] expected = {
      (float) (1 * Math.cos(a0) - 2 * Math.sin(a0)), // pair 0, first
      (float) (3 * Math.cos(a1) - 4 * Math.sin(a1)), // pair 1, first
      (float) (2 * Math.cos(a0) + 1 * Math.sin(a0)), // pair 0, second
      (float) (4 * Math.cos(a1) + 3 * Math.sin(a1)) // pair 1, second
    };
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      Rotary.Tables tables = new Rotary(4, 100, null, true).tables(manager, new int[][] {{2}});
      NDArray rotated = tables.apply(manager.create(x, new Shape(1, 1, 1, 4)));
      assertThat(rotated.toFloatArray()).containsExactly(expected, offset(1e-6f));

      Rotary.Tables halfSplit = new Rotary(4, 100, null, false).tables(manager, new int[][] {{2}});
      float[] deinterleaved = {1f, 3f, 2f, 4f};
      assertThat(
              halfSplit.apply(manager.create(deinterleaved, new Shape(1, 1, 1, 4))).toFloatArray())
          .as("the half-split rotation of the de-interleaved vector")
          .containsExactly(expected, offset(1e-6f));
    }
  }
}
