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

  /**
   * Scales the default inverse frequencies θ^(−2i/D). Llama 3.1: long wavelengths are divided by
   * the factor, short ones kept, and those between blend the two smoothly.
   */
  double[] scale(double[] inverseFrequency) {
    return switch (type) {
      case LLAMA3 -> llama3(inverseFrequency);
      case YARN ->
          throw new UnsupportedOperationException(
              "ropeScaling.type yarn is not supported by this build");
    };
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
