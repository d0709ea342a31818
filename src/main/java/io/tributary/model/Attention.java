package io.tributary.model;

import ai.djl.ndarray.NDArray;

/** The first half of a transformer block: standard multi-head or Multi-head Latent Attention. */
interface Attention {
  /**
   * x (B, T, C) -> (B, T, C); mask (B or 1, 1, T, S) additive; cache null for a full forward, else
   * the new positions are appended to it and the attention sees all S cached ones.
   */
  NDArray forward(NDArray x, Rotary.Tables rotary, NDArray mask, KvCache cache);
}
