package io.tributary.model;

import ai.djl.ndarray.NDArray;

/** The second half of a transformer block: dense SwiGLU or Mixture-of-Experts. */
interface FeedForward {
  /** (B, T, C) -> (B, T, C) */
  NDArray forward(NDArray x, RoutingContext context);
}
