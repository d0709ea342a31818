package io.tributary.grpo;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The clip range [1 - epsilonLow, 1 + epsilonHigh] of a loss variant with its own scale: GSPO's
 * sequence ratio ({@code grpo.gspo}) and CISPO's importance weight ({@code grpo.cispo}). Both keys
 * are required when the block is given; a missing block takes the variant's published defaults.
 *
 * @param epsilonLow the lower bound is {@code 1 - epsilonLow}; 1 puts it at 0, i.e. no lower bound
 * @param epsilonHigh the upper bound is {@code 1 + epsilonHigh}
 */
public record ClipRange(Double epsilonLow, Double epsilonHigh) {

  @JsonCreator
  public ClipRange {
    if (epsilonLow == null || !(epsilonLow >= 0 && epsilonLow <= 1)) {
      throw badValue("epsilonLow", epsilonLow, "a number in [0, 1] (1: no lower bound)");
    }
    if (epsilonHigh == null || !(epsilonHigh >= 0) || epsilonHigh.isInfinite()) {
      throw badValue("epsilonHigh", epsilonHigh, "a finite number >= 0");
    }
  }

  /**
   * GSPO's sequence ratio is a geometric mean near 1, so its range is three orders of magnitude
   * narrower than the token ratio's: 3e-4 and 4e-4 (Zheng et al. 2025, arXiv:2507.18071, section
   * 5.1).
   */
  public static ClipRange gspoDefaults() {
    return new ClipRange(3e-4, 4e-4);
  }

  /**
   * CISPO: MiniMax-M1 (arXiv:2506.13585) sets no lower bound on the weight and tunes only the upper
   * one; its value is not published, so the upper bound takes DAPO's clip-higher.
   */
  public static ClipRange cispoDefaults() {
    return new ClipRange(1.0, 0.28);
  }
}
