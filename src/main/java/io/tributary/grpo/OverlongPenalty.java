package io.tributary.grpo;

/**
 * DAPO's soft overlong punishment (Yu et al. 2025, arXiv:2503.14476, section 3.4, eq. 13), the same
 * piecewise function as TRL's {@code get_soft_overlong_punishment}: no penalty up to {@code
 * maxLength - buffer}, a linear ramp to -1 across the buffer, and -1 past {@code maxLength}.
 */
public final class OverlongPenalty {
  private OverlongPenalty() {}

  /**
   * @param length completion length in tokens
   * @param maxLength L_max, the longest completion the sampler may produce
   * @param buffer L_cache, the soft zone before L_max where the penalty ramps, {@code 0 < buffer <=
   *     maxLength}
   * @return a penalty in [-1, 0], added to the reward
   */
  public static double penalty(int length, int maxLength, int buffer) {
    if (length < 0) {
      throw new IllegalArgumentException("length: got " + length + ", expected >= 0");
    }
    if (buffer <= 0 || buffer > maxLength) {
      throw new IllegalArgumentException(
          "buffer: got " + buffer + ", expected 0 < buffer <= maxLength (" + maxLength + ")");
    }
    int softStart = maxLength - buffer;
    if (length <= softStart) {
      return 0.0;
    }
    if (length <= maxLength) {
      return (double) (softStart - length) / buffer;
    }
    return -1.0;
  }
}
