package io.tributary.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tributary.model.Scalars;

/**
 * Per-token log-probabilities of given next tokens: log softmax(logits / τ) gathered at the
 * targets.
 */
public final class TokenLogProbs {
  private TokenLogProbs() {}

  /**
   * logits (B, T, V) at positions that predict {@code targets} (B, T) -> (B, T). Targets of padding
   * positions may be any valid id; the caller masks them.
   */
  public static NDArray of(NDArray logits, int[][] targets, double temperature) {
    NDManager manager = logits.getManager();
    int b = targets.length;
    int t = targets[0].length;
    long[] flat = new long[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        flat[i * t + j] = targets[i][j];
      }
    }
    NDArray scaled = temperature == 1.0 ? logits : Scalars.div(logits, (float) temperature);
    NDArray logProbs = scaled.logSoftmax(-1); // (B, T, V)
    NDArray index = manager.create(flat, new Shape(b, t, 1));
    return logProbs.gather(index, -1).squeeze(-1); // (B, T)
  }

  /** Mean entropy of softmax(logits / τ) over masked positions, without gradient. */
  public static double meanEntropy(NDArray logits, NDArray mask, double temperature) {
    NDArray detached = logits.stopGradient();
    NDArray scaled = temperature == 1.0 ? detached : Scalars.div(detached, (float) temperature);
    NDArray logP = scaled.logSoftmax(-1);
    NDArray entropy = logP.exp().mul(logP).sum(new int[] {-1}).neg(); // (B, T)
    float total = mask.sum().getFloat();
    return total == 0 ? 0 : entropy.mul(mask).sum().getFloat() / total;
  }
}
