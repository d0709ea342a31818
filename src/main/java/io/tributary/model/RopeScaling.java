package io.tributary.model;

import static io.tributary.config.ConfigException.badValue;

/**
 * How rotary frequencies are stretched for contexts longer than pre-training saw, as Hugging Face
 * configs give it in {@code rope_scaling}. Each type reads the fields it needs; the others stay
 * null.
 *
 * @param type which scaling rule
 * @param factor context extension factor
 * @param lowFreqFactor Llama 3: wavelengths above originalMaxPositionEmbeddings/this are divided by
 *     factor
 * @param highFreqFactor Llama 3: wavelengths below originalMaxPositionEmbeddings/this are kept
 * @param originalMaxPositionEmbeddings context length of pre-training
 * @param betaFast YaRN: rotations where interpolation ends
 * @param betaSlow YaRN: rotations where interpolation starts
 * @param mscale YaRN: attention temperature coefficient
 * @param mscaleAllDim YaRN: attention temperature coefficient of all dimensions
 */
public record RopeScaling(
    Type type,
    Double factor,
    Double lowFreqFactor,
    Double highFreqFactor,
    Integer originalMaxPositionEmbeddings,
    Double betaFast,
    Double betaSlow,
    Double mscale,
    Double mscaleAllDim) {

  /** The scaling rules of the supported families. */
  public enum Type {
    /** Llama 3.1 (transformers modeling_rope_utils.py, _compute_llama3_parameters). */
    LLAMA3,
    /** YaRN (Peng et al. 2023), as DeepSeek-V3 uses it. */
    YARN
  }

  public RopeScaling {
    if (type == null) {
      throw badValue("ropeScaling.type", null, "one of [llama3, yarn]");
    }
    if (factor == null || !(factor >= 1) || Double.isInfinite(factor)) {
      throw badValue("ropeScaling.factor", factor, "a finite number >= 1");
    }
    if (originalMaxPositionEmbeddings == null || originalMaxPositionEmbeddings <= 0) {
      throw badValue(
          "ropeScaling.originalMaxPositionEmbeddings",
          originalMaxPositionEmbeddings,
          "a positive integer");
    }
    if (type == Type.LLAMA3) {
      if (lowFreqFactor == null || !(lowFreqFactor > 0)) {
        throw badValue("ropeScaling.lowFreqFactor", lowFreqFactor, "a positive number");
      }
      if (highFreqFactor == null || !(highFreqFactor > lowFreqFactor)) {
        throw badValue(
            "ropeScaling.highFreqFactor", highFreqFactor, "a number above lowFreqFactor");
      }
    }
  }

  /** Llama 3.1's scaling. */
  public static RopeScaling llama3(
      double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    return new RopeScaling(
        Type.LLAMA3,
        factor,
        lowFreqFactor,
        highFreqFactor,
        originalMaxPositions,
        null,
        null,
        null,
        null);
  }

  /** YaRN's scaling as DeepSeek-V3 configures it (null betas take YaRN's defaults 32 and 1). */
  public static RopeScaling yarn(
      double factor,
      int originalMaxPositions,
      Double betaFast,
      Double betaSlow,
      Double mscale,
      Double mscaleAllDim) {
    return new RopeScaling(
        Type.YARN,
        factor,
        null,
        null,
        originalMaxPositions,
        betaFast,
        betaSlow,
        mscale,
        mscaleAllDim);
  }

  /**
   * Scales the default inverse frequencies θ^(−2i/D) of base {@code theta}. Llama 3.1: long
   * wavelengths are divided by the factor, short ones kept, and those between blend the two
   * smoothly. YaRN: the same idea with the blend range set by rotations over the original context.
   */
  double[] scale(double[] inverseFrequency, double theta) {
    return switch (type) {
      case LLAMA3 -> llama3(inverseFrequency);
      case YARN -> yarn(inverseFrequency, theta);
    };
  }

  /**
   * Factor on cos and sin, hence on both rotated halves of q·k. YaRN (Peng et al. 2023 §3.4):
   * 0.1·ln(s)+1, or with DeepSeek's two coefficients the ratio mscale(s, mscale) / mscale(s,
   * mscaleAllDim) (transformers modeling_rope_utils.py, _compute_yarn_parameters).
   */
  public double attentionFactor() {
    if (type != Type.YARN) {
      return 1.0;
    }
    if (isSet(mscale) && isSet(mscaleAllDim)) {
      return yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim);
    }
    return yarnMscale(factor, 1.0);
  }

  /**
   * Factor on the softmax scale of Multi-head Latent Attention: mscale(s, mscaleAllDim)² when
   * mscaleAllDim is set, else 1 (transformers modeling_deepseek_v3.py, DeepseekV3Attention).
   * Together with {@link #attentionFactor()} the rope part of q·k is scaled by mscale(s, mscale)²
   * and the rest by mscale(s, mscaleAllDim)².
   */
  public double softmaxScaleFactor() {
    if (!isSet(mscaleAllDim)) {
      return 1.0;
    }
    double m = yarnMscale(factor, mscaleAllDim);
    return m * m;
  }

  /** YaRN's temperature: 1 for no extension, else 0.1·m·ln(s) + 1. */
  static double yarnMscale(double scale, double m) {
    return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
  }

  /** transformers tests these with Python truthiness: absent and 0 both mean unset. */
  private static boolean isSet(Double x) {
    return x != null && x != 0;
  }

  /**
   * YaRN "NTK-by-parts" (Peng et al. 2023 §3.2): dims that turn more than betaFast times over the
   * original context keep their frequency (extrapolation), dims that turn less than betaSlow times
   * are divided by the factor (interpolation), a linear ramp over the dims between blends the two.
   * The bounds are floored and ceiled as transformers does by default (truncate).
   */
  private double[] yarn(double[] inverseFrequency, double theta) {
    int dim = 2 * inverseFrequency.length;
    double fast = isSet(betaFast) ? betaFast : 32;
    double slow = isSet(betaSlow) ? betaSlow : 1;
    double low = Math.max(Math.floor(correctionDim(fast, dim, theta)), 0);
    double high = Math.min(Math.ceil(correctionDim(slow, dim, theta)), dim - 1);
    if (low == high) {
      high += 0.001; // transformers' guard against a zero-width ramp
    }
    double[] out = new double[inverseFrequency.length];
    for (int i = 0; i < out.length; i++) {
      double ramp = Math.min(Math.max((i - low) / (high - low), 0), 1);
      double extrapolation = 1 - ramp;
      double interpolated = inverseFrequency[i] / factor;
      out[i] = interpolated * (1 - extrapolation) + inverseFrequency[i] * extrapolation;
    }
    return out;
  }

  /** The dim index whose frequency turns {@code rotations} times over the original context. */
  private double correctionDim(double rotations, int dim, double theta) {
    return dim
        * Math.log(originalMaxPositionEmbeddings / (rotations * 2 * Math.PI))
        / (2 * Math.log(theta));
  }

  private double[] llama3(double[] inverseFrequency) {
    double oldContext = originalMaxPositionEmbeddings;
    double lowFreqWavelength = oldContext / lowFreqFactor;
    double highFreqWavelength = oldContext / highFreqFactor;
    double[] out = new double[inverseFrequency.length];
    for (int i = 0; i < out.length; i++) {
      double frequency = inverseFrequency[i];
      double wavelength = 2 * Math.PI / frequency;
      if (wavelength < highFreqWavelength) {
        out[i] = frequency;
      } else if (wavelength > lowFreqWavelength) {
        out[i] = frequency / factor;
      } else {
        double smooth =
            (oldContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        out[i] = (1 - smooth) * frequency / factor + smooth * frequency;
      }
    }
    return out;
  }
}
