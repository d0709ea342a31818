package io.tributary.model;

import ai.djl.ndarray.NDArray;

/**
 * softmax(scores + mask) over the keys, keeping only the result. Scores are (B, H, T, S), the one
 * activation that grows with the square of the length, and a step's arrays live until its manager
 * closes (after the backward), so every intermediate left open would be one more T² per layer for
 * the whole step. Autograd holds what the backward needs on its own: the softmax's output (which
 * the product with the values needs too); the raw, scaled and masked scores are needed by no
 * backward (d(x·c)/dx and d(x+m)/dx do not read x), so they are closed as soon as the next one
 * exists. A fused kernel (FlashAttention, torch's scaled_dot_product_attention) would not keep even
 * the softmax, but DJL's PyTorch engine exposes none.
 */
final class AttentionWeights {
  private AttentionWeights() {}

  /**
   * {@code scores} (B, H, T, S) unscaled, closed here; {@code mask} additive (B or 1, 1, T, S) or
   * null -> softmax(scale · scores + mask), (B, H, T, S).
   */
  static NDArray softmax(NDArray scores, float scale, NDArray mask) {
    NDArray scaled = Scalars.mul(scores, scale);
    scores.close();
    NDArray masked = mask == null ? scaled : scaled.add(mask);
    if (masked != scaled) {
      scaled.close();
    }
    NDArray weights = masked.softmax(-1);
    masked.close();
    return weights;
  }
}
