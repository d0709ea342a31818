package io.tributary.train;

import static io.tributary.config.ConfigException.badValue;

/**
 * AdamW with linear warm-up then cosine decay to {@code minLearningRate}, and gradient-norm
 * clipping (Loshchilov &amp; Hutter 2019; the schedule of TRL's and veRL's defaults).
 */
public record OptimizerConfig(
    Double learningRate,
    Double minLearningRate,
    Integer warmupSteps,
    Integer totalSteps,
    Double beta1,
    Double beta2,
    Double epsilon,
    Double weightDecay,
    Double maxGradNorm) {

  public OptimizerConfig {
    learningRate = learningRate != null ? learningRate : 1e-3;
    minLearningRate = minLearningRate != null ? minLearningRate : learningRate * 0.1;
    warmupSteps = warmupSteps != null ? warmupSteps : 10;
    totalSteps = totalSteps != null ? totalSteps : 1000;
    beta1 = beta1 != null ? beta1 : 0.9;
    beta2 = beta2 != null ? beta2 : 0.99;
    epsilon = epsilon != null ? epsilon : 1e-8;
    weightDecay = weightDecay != null ? weightDecay : 0.01;
    maxGradNorm = maxGradNorm != null ? maxGradNorm : 1.0;
    if (!(learningRate > 0 && learningRate < 1)) {
      throw badValue("learningRate", learningRate, "a number in (0, 1)");
    }
    if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
      throw badValue(
          "minLearningRate", minLearningRate, "between 0 and learningRate=" + learningRate);
    }
    if (warmupSteps < 0) {
      throw badValue("warmupSteps", warmupSteps, "0 or more");
    }
    if (totalSteps <= 0) {
      throw badValue("totalSteps", totalSteps, "a positive integer");
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw badValue("beta1", beta1, "a number in [0, 1)");
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw badValue("beta2", beta2, "a number in [0, 1)");
    }
    if (!(epsilon > 0)) {
      throw badValue("epsilon", epsilon, "a positive number");
    }
    if (!(weightDecay >= 0)) {
      throw badValue("weightDecay", weightDecay, "0 or more");
    }
    if (!(maxGradNorm > 0)) {
      throw badValue("maxGradNorm", maxGradNorm, "a positive number (clip threshold)");
    }
  }

  public static OptimizerConfig of(double learningRate, int totalSteps) {
    return new OptimizerConfig(
        learningRate,
        null,
        Math.min(10, totalSteps / 10),
        totalSteps,
        null,
        null,
        null,
        null,
        null);
  }

  /** Linear warm-up to learningRate, then cosine decay to minLearningRate at totalSteps. */
  public double learningRateAt(long step) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / warmupSteps;
    }
    double progress =
        Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return minLearningRate
        + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
  }
}
