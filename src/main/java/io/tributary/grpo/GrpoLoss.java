package io.tributary.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tributary.model.Scalars;

/**
 * The policy loss on per-token log-probabilities: the clipped GRPO surrogate, GSPO or CISPO (see
 * {@link PolicyObjective}), an optional rollout correction (see {@link RolloutCorrection}), an
 * optional k3 KL penalty, and one of the aggregations.
 *
 * <p>References: DeepSeekMath (Shao et al. 2024, arXiv:2402.03300) eq. 3 and 4; DAPO (Yu et al.
 * 2025, arXiv:2503.14476) for clip-higher and token-level aggregation; Dr. GRPO (Liu et al. 2025,
 * arXiv:2503.20783); TRL {@code trl/trainer/grpo_trainer.py} {@code _compute_loss}, which the
 * clipped surrogate follows line by line. Shape letters: B completions, T completion tokens.
 *
 * <p>Scalars enter as float so that float32 inputs stay float32 (a Java double would promote the
 * loss to float64). Every intermediate array is created by an op whose receiver is {@code logp} or
 * derived from it, or in the manager of {@code logp}, so it lives in the caller's per-step
 * sub-manager.
 */
public final class GrpoLoss {
  static final float MAX_LOG_RATIO = 20f;

  private GrpoLoss() {}

  public static GrpoLossResult compute(LossInputs in, GrpoLossConfig config) {
    validate(in, config);
    RolloutCorrection correction = config.rolloutCorrection();
    NDArray logp = in.logp(); // (B, T)
    NDArray advantages = in.advantages().reshape(-1, 1); // (B, 1)
    advantages.attach(logp.getManager()); // freed with the step, not with the caller's array
    NDArray mask = in.completionMask(); // (B, T)
    Copies copies = Copies.of(in);

    // the surrogate's anchor: the behaviour policy (coupled), or the proximal policy (decoupled,
    // AReaL), whose gap to the behaviour policy the behaviour weights below carry
    NDArray anchor = correction.needsProximal() ? in.logpProximal() : in.logpOld(); // (B, T)
    // the log-ratio is bounded to [-20, 20] first, as veRL's compute_policy_loss does: where the
    // ratio would overflow float32 (a padded slot, a far off-policy token) the forward is finite
    // after the mask or a cap, but the backward would multiply their zero gradient by inf: NaN
    NDArray logRatio = logp.sub(anchor).clip(-MAX_LOG_RATIO, MAX_LOG_RATIO); // (B, T)
    NDArray perTokenLoss =
        config
            .aggregation()
            .objective()
            .perTokenLoss(
                new PolicyObjective.Terms(
                    logp,
                    logRatio,
                    mask,
                    advantages,
                    (float) (1 - config.epsilonLow()),
                    (float) (1 + config.epsilonHigh()),
                    correction.isDualClip() ? correction.cap().floatValue() : null)); // (B, T)
    BehaviourWeights weights =
        BehaviourWeights.of(
            correction.needsProximal() ? copies.logpProximal() : copies.logp(),
            copies.logpOld(),
            copies.mask(),
            copies.tokensPerRow(),
            correction);
    if (weights.applies()) {
      NDArray behaviourWeights =
          logp.getManager().create(weights.weights(), logp.getShape()); // (B, T), no gradient
      perTokenLoss = perTokenLoss.mul(behaviourWeights.toType(logp.getDataType(), false));
    }
    if (config.beta() != 0) {
      // k3 estimator of KL(π_θ || π_ref) (Schulman 2020, "Approximating KL divergence";
      // DeepSeekMath eq. 4): exp(ref - logp) - (ref - logp) - 1, unbiased and always >= 0
      NDArray refMinusLogp = logp.neg().add(in.logpRef()); // (B, T), logp as receiver
      NDArray perTokenKl = refMinusLogp.exp().sub(refMinusLogp).sub(1f); // (B, T)
      perTokenLoss = perTokenLoss.add(Scalars.mul(perTokenKl, (float) config.beta())); // (B, T)
    }
    NDArray maskedLoss = perTokenLoss.mul(mask); // (B, T)
    NDArray loss =
        config
            .aggregation()
            .aggregate(
                maskedLoss, mask, config.maxCompletionLength(), in.accumulatedActiveTokens()); // ()
    return new GrpoLossResult(loss, statistics(copies, config, weights));
  }

  /** Diagnostics from plain copies of the inputs: no graph is recorded and nothing native stays. */
  private static GrpoLossStatistics statistics(
      Copies in, GrpoLossConfig config, BehaviourWeights weights) {
    RolloutCorrection correction = config.rolloutCorrection();
    float[] logp = in.logp();
    float[] anchor = correction.needsProximal() ? in.logpProximal() : in.logpOld();
    float[] mask = in.mask();
    int tokensPerRow = in.tokensPerRow();
    PolicyObjective objective = config.aggregation().objective();
    double[] sequenceRatio = sequenceRatios(logp, anchor, mask, tokensPerRow);
    double low = 0;
    double high = 0;
    double region = 0;
    double capped = 0;
    double ratioSum = 0;
    double klSum = 0;
    double active = 0;
    double maxAbsLogRatio = 0;
    for (int i = 0; i < logp.length; i++) {
      double m = mask[i];
      if (m == 0) {
        continue;
      }
      double logRatio = (double) logp[i] - anchor[i];
      maxAbsLogRatio = Math.max(maxAbsLogRatio, Math.abs(logRatio));
      double advantage = in.advantages()[i / tokensPerRow];
      double tokenRatio = Math.exp(logRatio);
      double ratio =
          objective == PolicyObjective.CLIPPED_SEQUENCE_RATIO
              ? sequenceRatio[i / tokensPerRow]
              : tokenRatio;
      // a token counts as clipped where clipping removes its gradient (TRL); CISPO's clip never
      // removes a gradient, so there a token counts where its weight is clipped
      boolean anyAdvantage = objective == PolicyObjective.CLIPPED_IS_WEIGHT;
      boolean isLow = ratio < 1 - config.epsilonLow() && (anyAdvantage || advantage < 0);
      boolean isHigh = ratio > 1 + config.epsilonHigh() && (anyAdvantage || advantage > 0);
      low += isLow ? m : 0;
      high += isHigh ? m : 0;
      region += isLow || isHigh ? m : 0;
      capped += correction.isDualClip() && tokenRatio > correction.cap() && advantage < 0 ? m : 0;
      ratioSum += m * ratio;
      if (in.logpRef() != null) {
        double refMinusLogp = (double) in.logpRef()[i] - logp[i];
        klSum += m * (Math.exp(refMinusLogp) - refMinusLogp - 1);
      }
      active += m;
    }
    double denominator = Math.max(active, 1.0); // TRL's masked_batch_mean clamps to 1
    return new GrpoLossStatistics(
        in.logpRef() == null ? Double.NaN : klSum / denominator,
        low / denominator,
        high / denominator,
        region / denominator,
        correction.isDualClip() ? capped / denominator : weights.truncatedFraction(),
        weights.maskedFraction(),
        ratioSum / denominator,
        Math.round(active),
        maxAbsLogRatio);
  }

  /** GSPO's s_i = exp(mean over the sequence's active tokens of log(π_θ / π_anchor)), (B). */
  private static double[] sequenceRatios(
      float[] logp, float[] anchor, float[] mask, int tokensPerRow) {
    double[] ratios = new double[logp.length / tokensPerRow];
    for (int row = 0; row < ratios.length; row++) {
      double sum = 0;
      double tokens = 0;
      for (int i = row * tokensPerRow; i < (row + 1) * tokensPerRow; i++) {
        sum += mask[i] * ((double) logp[i] - anchor[i]);
        tokens += mask[i];
      }
      ratios[row] = Math.exp(sum / Math.max(tokens, 1));
    }
    return ratios;
  }

  /** Plain copies of the inputs, made once per loss evaluation. */
  private record Copies(
      float[] logp,
      float[] logpOld,
      float[] logpRef,
      float[] logpProximal,
      float[] advantages,
      float[] mask,
      int tokensPerRow) {
    static Copies of(LossInputs in) {
      return new Copies(
          detachedCopy(in.logp()),
          detachedCopy(in.logpOld()),
          in.logpRef() == null ? null : detachedCopy(in.logpRef()),
          in.logpProximal() == null ? null : detachedCopy(in.logpProximal()),
          detachedCopy(in.advantages()),
          detachedCopy(in.completionMask()),
          (int) in.logp().getShape().get(1));
    }
  }

  private static float[] detachedCopy(NDArray array) {
    try (NDArray detached = array.stopGradient()) {
      if (detached.getDataType() == DataType.FLOAT32) {
        return detached.toFloatArray();
      }
      try (NDArray asFloat = detached.toType(DataType.FLOAT32, true)) {
        return asFloat.toFloatArray();
      }
    }
  }

  private static void validate(LossInputs in, GrpoLossConfig config) {
    Shape shape = require(in.logp(), "logp");
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("logp: got shape " + shape + ", expected (B, T)");
    }
    requireShape(in.logpOld(), "logpOld", shape);
    requireShape(in.completionMask(), "completionMask", shape);
    if (in.logpRef() != null) {
      requireShape(in.logpRef(), "logpRef", shape);
    } else if (config.beta() != 0) {
      throw new IllegalArgumentException(
          "logpRef: got null, expected reference log-probs of shape "
              + shape
              + " since beta = "
              + config.beta());
    }
    Shape advantages = require(in.advantages(), "advantages");
    if (!advantages.equals(new Shape(shape.get(0)))) {
      throw new IllegalArgumentException(
          "advantages: got shape " + advantages + ", expected (" + shape.get(0) + ")");
    }
    if (shape.get(1) > config.maxCompletionLength()) {
      throw new IllegalArgumentException(
          "logp: got T = "
              + shape.get(1)
              + " tokens, expected at most maxCompletionLength = "
              + config.maxCompletionLength());
    }
    if (config.aggregation().countsAccumulatedTokens() && in.accumulatedActiveTokens() <= 0) {
      throw new IllegalArgumentException(
          "accumulatedActiveTokens: got "
              + in.accumulatedActiveTokens()
              + ", expected the active-token count (> 0) of the accumulated batch for "
              + config.aggregation().configName());
    }
    if (config.rolloutCorrection().needsProximal()) {
      requireShape(in.logpProximal(), "logpProximal", shape);
    }
  }

  private static Shape require(NDArray array, String name) {
    if (array == null) {
      throw new IllegalArgumentException(name + ": got null, expected an NDArray");
    }
    return array.getShape();
  }

  private static void requireShape(NDArray array, String name, Shape expected) {
    Shape shape = require(array, name);
    if (!shape.equals(expected)) {
      throw new IllegalArgumentException(
          name + ": got shape " + shape + ", expected " + expected + " like logp");
    }
  }
}
