package io.tributary.grpo;

/**
 * The rollout correction's per-token weights from the behaviour ratio w = π_prox / π_behaviour (see
 * {@link RolloutCorrection}), computed on plain arrays without gradient, in log space so that a
 * sequence's product of ratios cannot overflow.
 *
 * <p>Truncated importance sampling multiplies a token's loss by min(w, C) (Ionides 2008, "Truncated
 * importance sampling"; AReaL's decoupled objective; Yao et al. 2025 for LLM rollouts), with w of
 * the token or of its whole sequence. Masking sets the weight to 0 where w leaves [1/C, C] (veRL's
 * rejection sampling, AReaL's behaviour-weight mask), for the token or for every token of the
 * sequence.
 *
 * @param weights one weight per token slot, (B·T) row-major; 1 where nothing applies
 * @param truncatedFraction share of active tokens whose weight was truncated at C; NaN when
 *     importance sampling is not a weight here (off, or the coupled dual-clip)
 * @param maskedFraction share of active tokens masked; NaN when masking is off
 */
record BehaviourWeights(float[] weights, double truncatedFraction, double maskedFraction) {

  /**
   * @param logProximal log π_prox per token slot (the surrogate's current log-probs in coupled
   *     mode), (B·T)
   * @param logBehaviour log π_behaviour, the sampler's log-probs, (B·T)
   * @param mask completion mask, (B·T)
   */
  static BehaviourWeights of(
      float[] logProximal,
      float[] logBehaviour,
      float[] mask,
      int tokensPerRow,
      RolloutCorrection correction) {
    CorrectionLevel sampling =
        correction.isDualClip() ? CorrectionLevel.NONE : correction.importanceSampling();
    CorrectionLevel masking = correction.mask();
    float[] weights = new float[mask.length];
    java.util.Arrays.fill(weights, 1f);
    double logCap = correction.cap() == null ? Double.NaN : Math.log(correction.cap());
    long active = 0;
    long truncated = 0;
    long masked = 0;
    for (int row = 0; row * tokensPerRow < mask.length; row++) {
      int from = row * tokensPerRow;
      double sequenceLogRatio = 0; // log of the product of the tokens' w
      for (int i = from; i < from + tokensPerRow; i++) {
        sequenceLogRatio += mask[i] > 0 ? (double) logProximal[i] - logBehaviour[i] : 0;
      }
      for (int i = from; i < from + tokensPerRow; i++) {
        if (mask[i] == 0) {
          continue;
        }
        active++;
        double tokenLogRatio = (double) logProximal[i] - logBehaviour[i];
        if (sampling != CorrectionLevel.NONE) {
          double logW = sampling == CorrectionLevel.TOKEN ? tokenLogRatio : sequenceLogRatio;
          boolean isTruncated = logW > logCap;
          weights[i] = (float) Math.exp(isTruncated ? logCap : logW);
          truncated += isTruncated ? 1 : 0;
        }
        if (masking != CorrectionLevel.NONE) {
          double logW = masking == CorrectionLevel.TOKEN ? tokenLogRatio : sequenceLogRatio;
          boolean outside = Math.abs(logW) > logCap; // w outside [1/C, C]
          weights[i] = outside ? 0f : weights[i];
          masked += outside ? 1 : 0;
        }
      }
    }
    double denominator = Math.max(active, 1);
    return new BehaviourWeights(
        weights,
        sampling == CorrectionLevel.NONE ? Double.NaN : truncated / denominator,
        masking == CorrectionLevel.NONE ? Double.NaN : masked / denominator);
  }

  /** True when some weight differs from 1, i.e. the loss must be multiplied by them. */
  boolean applies() {
    return !Double.isNaN(truncatedFraction) || !Double.isNaN(maskedFraction);
  }
}
