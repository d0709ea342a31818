package io.tributary.grpo;

import io.tributary.config.ConfigException;

/**
 * Settings of the policy loss.
 *
 * @param epsilonLow lower clip of the chosen loss's ratio: held above {@code 1 - epsilonLow} (PPO's
 *     ε, 0.2; GSPO's and CISPO's own ranges come from {@code grpo.gspo} and {@code grpo.cispo})
 * @param epsilonHigh upper clip: the ratio is held below {@code 1 + epsilonHigh}; DAPO's
 *     clip-higher raises it (0.28) so that unlikely tokens can grow (arXiv:2503.14476, section 3.1)
 * @param beta weight of the k3 KL penalty to the reference policy; 0 needs no reference model
 * @param aggregation the loss and how per-token losses become one scalar
 * @param maxCompletionLength the sampler's longest completion in tokens, Dr. GRPO's constant
 *     normaliser; also the upper bound for the T of the loss tensors
 * @param rolloutCorrection the off-policy correction; null means none
 */
public record GrpoLossConfig(
    double epsilonLow,
    double epsilonHigh,
    double beta,
    LossAggregation aggregation,
    int maxCompletionLength,
    RolloutCorrection rolloutCorrection) {

  public GrpoLossConfig {
    if (!(epsilonLow >= 0 && epsilonLow <= 1)) {
      throw ConfigException.badValue("epsilonLow", epsilonLow, "a number in [0, 1]");
    }
    if (!(epsilonHigh >= 0 && Double.isFinite(epsilonHigh))) {
      throw ConfigException.badValue("epsilonHigh", epsilonHigh, "a finite number >= 0");
    }
    if (!(beta >= 0 && Double.isFinite(beta))) {
      throw ConfigException.badValue("beta", beta, "a finite number >= 0");
    }
    if (aggregation == null) {
      throw ConfigException.badValue(
          "aggregation", null, "one of grpo, bnpo, dr_grpo, dapo, gspo, cispo");
    }
    if (maxCompletionLength <= 0) {
      throw ConfigException.badValue("maxCompletionLength", maxCompletionLength, "a length > 0");
    }
    rolloutCorrection = rolloutCorrection != null ? rolloutCorrection : RolloutCorrection.none();
    if (rolloutCorrection.isDualClip()) {
      // the coupled token truncation caps the unclipped term of the token surrogate; GSPO and CISPO
      // have no such term (CISPO's weight is itself the truncated ratio to the behaviour policy)
      if (aggregation.objective() != PolicyObjective.CLIPPED_TOKEN_RATIO) {
        throw ConfigException.badValue(
            "rolloutCorrection.importanceSampling",
            "token",
            "none with aggregation "
                + aggregation.configName()
                + " in mode coupled, or mode: decoupled (a token weight against the proximal"
                + " policy)");
      }
      if (!(rolloutCorrection.cap() > 1 + epsilonHigh)) {
        throw ConfigException.badValue(
            "rolloutCorrection.cap",
            rolloutCorrection.cap(),
            "a number > 1 + epsilonHigh = "
                + (1 + epsilonHigh)
                + " for the coupled token truncation (dual clip)");
      }
    }
  }

  /** Without a rollout correction. */
  public GrpoLossConfig(
      double epsilonLow,
      double epsilonHigh,
      double beta,
      LossAggregation aggregation,
      int maxCompletionLength) {
    this(epsilonLow, epsilonHigh, beta, aggregation, maxCompletionLength, null);
  }

  /**
   * The prototype's settings (docs/engineering-notes.md, "GRPO defaults"): clip 0.2 / 0.28, β = 0,
   * no correction.
   */
  public static GrpoLossConfig defaults(LossAggregation aggregation, int maxCompletionLength) {
    return new GrpoLossConfig(0.2, 0.28, 0.0, aggregation, maxCompletionLength, null);
  }
}
