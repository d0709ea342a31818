package io.tributary.grpo;

import ai.djl.ndarray.NDArray;
import io.tributary.model.Scalars;

/**
 * The per-token policy loss before aggregation, (B, T). Each takes the log-ratio log(π_θ /
 * π_anchor) per token, already bounded, where π_anchor is the behaviour policy (coupled) or the
 * proximal one (decoupled, see {@link CorrectionMode}). Shape letters: B completions, T completion
 * tokens.
 */
public enum PolicyObjective {
  /**
   * -min(ρ A, clip(ρ, 1 - ε_low, 1 + ε_high) A) with ρ = exp(log-ratio) per token (DeepSeekMath eq.
   * 3; DAPO's decoupled clip-higher). With a dual-clip cap c the unclipped term's ρ is min(ρ, c).
   */
  CLIPPED_TOKEN_RATIO {
    @Override
    NDArray perTokenLoss(Terms in) {
      NDArray ratio = in.logRatio().exp(); // (B, T)
      NDArray clippedRatio = ratio.clip(in.lower(), in.upper()); // (B, T)
      NDArray cappedRatio =
          in.dualClipCap() == null ? ratio : Scalars.minimum(ratio, in.dualClipCap()); // (B, T)
      return cappedRatio
          .mul(in.advantages())
          .minimum(clippedRatio.mul(in.advantages()))
          .neg(); // (B, T)
    }
  },
  /**
   * GSPO-token (Zheng et al. 2025, arXiv:2507.18071, the token-level variant): s_i = exp(mean_t
   * log-ratio), the sequence's length-normalised ratio; each token carries s_i,t = sg(s_i) π_θ(y_t)
   * / sg(π_θ(y_t)), whose value is s_i and whose gradient is s_i ∇log π_θ(y_t); then -min(s_i,t A,
   * clip(s_i,t) A). Averaged per sequence this is GSPO's sequence objective in value and gradient.
   */
  CLIPPED_SEQUENCE_RATIO {
    @Override
    NDArray perTokenLoss(Terms in) {
      NDArray mask = in.mask();
      NDArray tokens = Scalars.maximum(mask.sum(new int[] {1}, true), 1f); // (B, 1)
      NDArray sequenceLogRatio =
          in.logRatio().mul(mask).sum(new int[] {1}, true).div(tokens); // (B, 1)
      NDArray oneTokensGradient = in.logp().sub(in.logp().stopGradient()); // (B, T), value 0
      NDArray tokenSequenceRatio =
          oneTokensGradient.add(sequenceLogRatio.stopGradient()).exp(); // (B, T), value s_i
      NDArray clippedRatio = tokenSequenceRatio.clip(in.lower(), in.upper()); // (B, T)
      return tokenSequenceRatio
          .mul(in.advantages())
          .minimum(clippedRatio.mul(in.advantages()))
          .neg(); // (B, T)
    }
  },
  /**
   * CISPO (MiniMax-M1, arXiv:2506.13585, the CISPO objective): -sg(clip(ρ, 1 - ε_low, 1 + ε_high))
   * A log π_θ(y_t). The weight is clipped instead of the update, so every token keeps a gradient;
   * the value is a REINFORCE term, not a ratio surrogate, so it is not comparable to the others'.
   */
  CLIPPED_IS_WEIGHT {
    @Override
    NDArray perTokenLoss(Terms in) {
      NDArray weight = in.logRatio().stopGradient().exp().clip(in.lower(), in.upper()); // (B, T)
      return in.logp().mul(weight).mul(in.advantages()).neg(); // (B, T)
    }
  };

  abstract NDArray perTokenLoss(Terms in);

  /**
   * @param logp log π_θ with gradient, (B, T)
   * @param logRatio log(π_θ / π_anchor), bounded, with gradient, (B, T)
   * @param mask completion mask, (B, T)
   * @param advantages (B, 1)
   * @param lower the clip's lower bound, 1 - ε_low
   * @param upper the clip's upper bound, 1 + ε_high
   * @param dualClipCap the dual-clip cap of the token surrogate, or null
   */
  record Terms(
      NDArray logp,
      NDArray logRatio,
      NDArray mask,
      NDArray advantages,
      float lower,
      float upper,
      Float dualClipCap) {}
}
