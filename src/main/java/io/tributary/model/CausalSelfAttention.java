package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/** Multi-head causal self-attention with rotary embeddings and an optional KV cache. */
final class CausalSelfAttention extends ModelBlock {
  private final Parameter query;
  private final Parameter key;
  private final Parameter value;
  private final Parameter output;
  private final int heads;
  private final int headDim;
  private final int layer;

  CausalSelfAttention(ModelConfig config, int layer) {
    int c = config.dim();
    query = parameter("wq", Init.NORMAL, true, c, c);
    key = parameter("wk", Init.NORMAL, true, c, c);
    value = parameter("wv", Init.NORMAL, true, c, c);
    output = parameter("wo", Init.NORMAL_RESIDUAL, true, c, c);
    heads = config.heads();
    headDim = config.headDim();
    this.layer = layer;
  }

  /**
   * x (B, T, C); mask (B or 1, 1, T, S) additive, 0 where a key may be seen and a large negative
   * number elsewhere; cache null for a full forward.
   */
  NDArray forward(NDArray x, Rotary.Tables rotary, NDArray mask, KvCache cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray q = heads(Linear.linear(x, query.getArray()).singletonOrThrow(), b, t); // (B,H,T,D)
    NDArray k = heads(Linear.linear(x, key.getArray()).singletonOrThrow(), b, t);
    NDArray v = heads(Linear.linear(x, value.getArray()).singletonOrThrow(), b, t);
    q = rotary.apply(q);
    k = rotary.apply(k);
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v); // (B, H, S, D)
      k = kv[0];
      v = kv[1];
    }
    NDArray scores =
        Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(headDim)); // (B,H,T,S)
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray attention = scores.softmax(-1);
    NDArray y = attention.matMul(v); // (B, H, T, D)
    y = y.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // (B, T, C)
    return Linear.linear(y, output.getArray()).singletonOrThrow();
  }

  private NDArray heads(NDArray x, long b, long t) {
    return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
  }
}
