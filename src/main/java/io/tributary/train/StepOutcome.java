package io.tributary.train;

/**
 * What one optimizer step did: applied or skipped (a non-finite loss or gradient leaves the weights
 * exactly as they were), the gradient norm before clipping, and the learning rate.
 */
public record StepOutcome(
    boolean applied, double gradNorm, double learningRate, String skipReason) {
  static StepOutcome skipped(double gradNorm, double learningRate, String reason) {
    return new StepOutcome(false, gradNorm, learningRate, reason);
  }
}
