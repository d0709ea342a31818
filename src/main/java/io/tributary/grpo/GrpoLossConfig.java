package io.tributary.grpo;

import io.tributary.config.ConfigException;

/**
 * Settings of the clipped GRPO surrogate.
 *
 * @param epsilonLow lower clip: the ratio is held above {@code 1 - epsilonLow} (PPO's ε, 0.2)
 * @param epsilonHigh upper clip: the ratio is held below {@code 1 + epsilonHigh}; DAPO's
 *     clip-higher raises it (0.28) so that unlikely tokens can grow (arXiv:2503.14476, section 3.1)
 * @param beta weight of the k3 KL penalty to the reference policy; 0 needs no reference model
 * @param aggregation how per-token losses become one scalar
 * @param maxCompletionLength the sampler's longest completion in tokens, Dr. GRPO's constant
 *     normaliser; also the upper bound for the T of the loss tensors
 * @param importanceRatioCap null for none; otherwise the ratio in the unclipped term is capped at
 *     this value (dual-clip PPO, Ye et al. 2020, arXiv:1912.09729, eq. 5), which bounds the loss of
 *     negative-advantage tokens that a stale (off-policy) behaviour policy made far too unlikely;
 *     must exceed {@code 1 + epsilonHigh} (3.0 in the paper)
 */
public record GrpoLossConfig(
    double epsilonLow,
    double epsilonHigh,
    double beta,
    LossAggregation aggregation,
    int maxCompletionLength,
    Double importanceRatioCap) {

  public GrpoLossConfig {
    if (!(epsilonLow >= 0 && epsilonLow < 1)) {
      throw ConfigException.badValue("epsilonLow", epsilonLow, "a number in [0, 1)");
    }
    if (!(epsilonHigh >= 0 && Double.isFinite(epsilonHigh))) {
      throw ConfigException.badValue("epsilonHigh", epsilonHigh, "a finite number >= 0");
    }
    if (!(beta >= 0 && Double.isFinite(beta))) {
      throw ConfigException.badValue("beta", beta, "a finite number >= 0");
    }
    if (aggregation == null) {
      throw ConfigException.badValue("aggregation", null, "one of grpo, bnpo, dr_grpo, dapo");
    }
    if (maxCompletionLength <= 0) {
      throw ConfigException.badValue("maxCompletionLength", maxCompletionLength, "a length > 0");
    }
    if (importanceRatioCap != null
        && !(importanceRatioCap > 1 + epsilonHigh && Double.isFinite(importanceRatioCap))) {
      throw ConfigException.badValue(
          "importanceRatioCap",
          importanceRatioCap,
          "null (no cap) or a finite number > 1 + epsilonHigh = " + (1 + epsilonHigh));
    }
  }

  /**
   * The prototype's settings (docs/engineering-notes.md, "GRPO defaults"): clip 0.2 / 0.28, β = 0,
   * no cap.
   */
  public static GrpoLossConfig defaults(LossAggregation aggregation, int maxCompletionLength) {
    return new GrpoLossConfig(0.2, 0.28, 0.0, aggregation, maxCompletionLength, null);
  }
}
