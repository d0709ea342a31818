package io.tributary.grpo;

import ai.djl.ndarray.NDArray;

/**
 * The tensors of one (micro-)batch for {@link GrpoLoss}. Shape letters: B completions, T tokens of
 * the longest completion in the batch.
 *
 * @param logp log-probabilities of the sampled tokens under the policy being trained, with
 *     gradient, (B, T)
 * @param logpOld log-probabilities recorded by the behaviour policy when sampling, (B, T)
 * @param logpRef log-probabilities under the frozen reference policy, (B, T); null when β = 0
 * @param advantages one advantage per completion, (B)
 * @param completionMask 1 for a completion token, 0 for padding or a masked (truncated) completion,
 *     float, (B, T); padded positions of the log-prob tensors must still be finite
 * @param accumulatedActiveTokens the number of mask-1 tokens in the whole accumulated batch, across
 *     all micro-batches: DAPO's and CISPO's normaliser; ignored by the other aggregations
 * @param logpProximal log-probabilities under the proximal policy (the learner's weights before
 *     this update), without gradient, (B, T); required by the decoupled correction, null otherwise
 */
public record LossInputs(
    NDArray logp,
    NDArray logpOld,
    NDArray logpRef,
    NDArray advantages,
    NDArray completionMask,
    long accumulatedActiveTokens,
    NDArray logpProximal) {

  /** Inputs without proximal log-probs. */
  public LossInputs(
      NDArray logp,
      NDArray logpOld,
      NDArray logpRef,
      NDArray advantages,
      NDArray completionMask,
      long accumulatedActiveTokens) {
    this(logp, logpOld, logpRef, advantages, completionMask, accumulatedActiveTokens, null);
  }

  /** Inputs of a batch that is not split into micro-batches: DAPO's count is this mask's sum. */
  public static LossInputs of(
      NDArray logp, NDArray logpOld, NDArray logpRef, NDArray advantages, NDArray completionMask) {
    long active;
    try (NDArray sum = completionMask.sum()) {
      active = Math.round(sum.getFloat());
    }
    return new LossInputs(logp, logpOld, logpRef, advantages, completionMask, active);
  }

  public LossInputs withAccumulatedActiveTokens(long tokens) {
    return new LossInputs(logp, logpOld, logpRef, advantages, completionMask, tokens, logpProximal);
  }

  public LossInputs withProximal(NDArray proximal) {
    return new LossInputs(
        logp, logpOld, logpRef, advantages, completionMask, accumulatedActiveTokens, proximal);
  }
}
