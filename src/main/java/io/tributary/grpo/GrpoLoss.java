package io.tributary.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tributary.model.Scalars;

/**
 * The clipped GRPO surrogate with an optional k3 KL penalty, on per-token log-probabilities.
 *
 * <p>References: DeepSeekMath (Shao et al. 2024, arXiv:2402.03300) eq. 3 and 4; DAPO (Yu et al.
 * 2025, arXiv:2503.14476) for clip-higher and token-level aggregation; Dr. GRPO (Liu et al. 2025,
 * arXiv:2503.20783); TRL {@code trl/trainer/grpo_trainer.py} {@code _compute_loss}, which this
 * follows line by line. Shape letters: B completions, T completion tokens.
 *
 * <p>Scalars enter as float so that float32 inputs stay float32 (a Java double would promote the
 * loss to float64). Every intermediate array is created by an op whose receiver is {@code logp} or
 * derived from it, so it lives in the manager of {@code logp}: the caller's per-step sub-manager.
 */
public final class GrpoLoss {
  static final float MAX_LOG_RATIO = 20f;

  private GrpoLoss() {}

  public static GrpoLossResult compute(LossInputs in, GrpoLossConfig config) {
    validate(in, config);
    NDArray logp = in.logp(); // (B, T)
    NDArray advantages = in.advantages().reshape(-1, 1); // (B, 1)
    advantages.attach(logp.getManager()); // freed with the step, not with the caller's array
    NDArray mask = in.completionMask(); // (B, T)

    // importance ratio ρ = π_θ / π_θold per token (DeepSeekMath eq. 3). The log-ratio is bounded
    // to [-20, 20] first, as veRL's compute_policy_loss does: where ρ would overflow float32 (a
    // padded slot, a far off-policy token) the forward is finite after the mask or the ratio cap,
    // but the backward would multiply their zero gradient by exp'(log ρ) = inf, giving NaN.
    NDArray logRatio = logp.sub(in.logpOld()).clip(-MAX_LOG_RATIO, MAX_LOG_RATIO); // (B, T)
    NDArray ratio = logRatio.exp(); // (B, T)
    // clip(ρ, 1 - ε_low, 1 + ε_high): DAPO's decoupled clip-higher
    NDArray clippedRatio =
        ratio.clip((float) (1 - config.epsilonLow()), (float) (1 + config.epsilonHigh())); // (B, T)
    // dual-clip cap on the unclipped term for off-policy rollouts (Ye et al. 2020)
    NDArray cappedRatio =
        config.importanceRatioCap() == null
            ? ratio
            : Scalars.minimum(ratio, config.importanceRatioCap().floatValue()); // (B, T)
    // -min(ρA, clip(ρ)A)
    NDArray perTokenLoss =
        cappedRatio.mul(advantages).minimum(clippedRatio.mul(advantages)).neg(); // (B, T)
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
    return new GrpoLossResult(loss, statistics(in, config));
  }

  /** Diagnostics from plain copies of the inputs: no graph is recorded and nothing native stays. */
  static GrpoLossStatistics statistics(LossInputs in, GrpoLossConfig config) {
    float[] logp = detachedCopy(in.logp());
    float[] logpOld = detachedCopy(in.logpOld());
    float[] logpRef = in.logpRef() == null ? null : detachedCopy(in.logpRef());
    float[] advantages = detachedCopy(in.advantages());
    float[] mask = detachedCopy(in.completionMask());
    int tokensPerRow = (int) in.logp().getShape().get(1);
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
      maxAbsLogRatio = Math.max(maxAbsLogRatio, Math.abs((double) logp[i] - logpOld[i]));
      double advantage = advantages[i / tokensPerRow];
      double ratio = Math.exp((double) logp[i] - logpOld[i]);
      boolean isLow = ratio < 1 - config.epsilonLow() && advantage < 0;
      boolean isHigh = ratio > 1 + config.epsilonHigh() && advantage > 0;
      Double cap = config.importanceRatioCap();
      low += isLow ? m : 0;
      high += isHigh ? m : 0;
      region += isLow || isHigh ? m : 0;
      capped += cap != null && ratio > cap && advantage < 0 ? m : 0;
      ratioSum += m * ratio;
      if (logpRef != null) {
        double refMinusLogp = (double) logpRef[i] - logp[i];
        klSum += m * (Math.exp(refMinusLogp) - refMinusLogp - 1);
      }
      active += m;
    }
    double denominator = Math.max(active, 1.0); // TRL's masked_batch_mean clamps to 1
    return new GrpoLossStatistics(
        logpRef == null ? Double.NaN : klSum / denominator,
        low / denominator,
        high / denominator,
        region / denominator,
        capped / denominator,
        ratioSum / denominator,
        Math.round(active),
        maxAbsLogRatio);
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
    if (config.aggregation() == LossAggregation.DAPO && in.accumulatedActiveTokens() <= 0) {
      throw new IllegalArgumentException(
          "accumulatedActiveTokens: got "
              + in.accumulatedActiveTokens()
              + ", expected the active-token count (> 0) of the accumulated batch for DAPO");
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
