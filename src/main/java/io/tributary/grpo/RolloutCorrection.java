package io.tributary.grpo;

import static io.tributary.config.ConfigException.badValue;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * How the learner corrects for rollouts sampled by another policy than the one it trains: an older
 * version (staleness) and another process decoding with a KV cache (numerical and routing
 * mismatch). Config key {@code grpo.rolloutCorrection}; docs/grpo-losses.md gives the formulas.
 *
 * <p>The behaviour ratio w = π_prox / π_behaviour per token: with {@link CorrectionMode#DECOUPLED}
 * π_prox is the recomputed proximal policy; with {@link CorrectionMode#COUPLED} there is no
 * separate proximal policy, and w is the surrogate's own ratio π_θ / π_behaviour, without gradient.
 *
 * @param mode what the surrogate's ratio is clipped against; default coupled
 * @param importanceSampling truncated importance sampling (TIS): every token's loss is weighted by
 *     min(w, cap), w of the token or of its sequence (the product of its tokens' w). Decoupled
 *     only, except {@code token} in coupled mode, which truncates the ratio of the unclipped term
 *     at cap (dual-clip PPO, Ye et al. 2020, arXiv:1912.09729, eq. 5): the earlier {@code
 *     importanceRatioCap}. Default none
 * @param mask masked importance sampling (MIS): a token, or every token of a sequence, whose w
 *     leaves [1/cap, cap] weighs 0 (it stays in the loss's normaliser, as in AReaL). Default none
 * @param cap C, above 1; required when importanceSampling or mask is on, refused otherwise
 */
public record RolloutCorrection(
    CorrectionMode mode, CorrectionLevel importanceSampling, CorrectionLevel mask, Double cap) {

  @JsonCreator
  public RolloutCorrection {
    mode = mode != null ? mode : CorrectionMode.COUPLED;
    importanceSampling = importanceSampling != null ? importanceSampling : CorrectionLevel.NONE;
    mask = mask != null ? mask : CorrectionLevel.NONE;
    boolean used = importanceSampling != CorrectionLevel.NONE || mask != CorrectionLevel.NONE;
    if (used && (cap == null || !(cap > 1) || cap.isInfinite())) {
      throw badValue(
          "rolloutCorrection.cap",
          cap,
          "a finite number > 1 (importanceSampling or mask is on and needs its cap C)");
    }
    if (!used && cap != null) {
      throw badValue(
          "rolloutCorrection.cap",
          cap,
          "no cap: importanceSampling and mask are both none, so nothing would use it");
    }
    if (mode == CorrectionMode.COUPLED && importanceSampling == CorrectionLevel.SEQUENCE) {
      throw badValue(
          "rolloutCorrection.importanceSampling",
          "sequence",
          "none or token with mode coupled (a sequence weight needs the proximal policy: set"
              + " mode: decoupled)");
    }
  }

  /** No correction: the surrogate's ratio against the behaviour policy, as sampled. */
  public static RolloutCorrection none() {
    return new RolloutCorrection(null, null, null, null);
  }

  /**
   * The dual-clip cap of the earlier {@code importanceRatioCap}: the ratio to the behaviour policy
   * in the unclipped term is truncated at {@code cap}.
   */
  public static RolloutCorrection dualClip(double cap) {
    return new RolloutCorrection(CorrectionMode.COUPLED, CorrectionLevel.TOKEN, null, cap);
  }

  /** True when the learner must recompute the proximal log-probs before the update. */
  public boolean needsProximal() {
    return mode == CorrectionMode.DECOUPLED;
  }

  /** True when the coupled token-level truncation is the dual-clip cap of the surrogate. */
  boolean isDualClip() {
    return mode == CorrectionMode.COUPLED && importanceSampling == CorrectionLevel.TOKEN;
  }
}
