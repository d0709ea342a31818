package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * Multi-head causal self-attention with rotary embeddings and an optional KV cache. Options of the
 * same block cover the Hugging Face families: grouped-query attention with Hkv key/value heads
 * (Ainslie et al. 2023), query/key/value biases (Qwen2), RMSNorm of each query and key head before
 * the rotation (Qwen3, transformers modeling_qwen3.py Qwen3Attention), and a head width D apart
 * from C/H.
 */
final class CausalSelfAttention extends ModelBlock implements Attention {
  private final Parameter query;
  private final Parameter key;
  private final Parameter value;
  private final Parameter output;
  private final Parameter queryBias;
  private final Parameter keyBias;
  private final Parameter valueBias;
  private final RmsNorm queryNorm;
  private final RmsNorm keyNorm;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int layer;
  private final float scale;

  CausalSelfAttention(ModelConfig config, int layer) {
    int c = config.dim();
    heads = config.heads();
    kvHeads = config.kvHeads();
    headDim = config.headDim();
    int q = heads * headDim;
    int kv = kvHeads * headDim;
    query = parameter("wq", Init.NORMAL, true, q, c);
    key = parameter("wk", Init.NORMAL, true, kv, c);
    value = parameter("wv", Init.NORMAL, true, kv, c);
    output = parameter("wo", Init.NORMAL_RESIDUAL, true, c, q);
    boolean bias = config.attentionBias();
    queryBias = bias ? parameter("bq", Init.ZEROS, true, q) : null;
    keyBias = bias ? parameter("bk", Init.ZEROS, true, kv) : null;
    valueBias = bias ? parameter("bv", Init.ZEROS, true, kv) : null;
    queryNorm =
        config.qkNorm() ? addChildBlock("q_norm", new RmsNorm(headDim, config.normEps())) : null;
    keyNorm =
        config.qkNorm() ? addChildBlock("k_norm", new RmsNorm(headDim, config.normEps())) : null;
    this.layer = layer;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
  }

  /** Every weight and bias here is a projection a decode step streams. */
  @Override
  protected boolean storesInPrecision(Parameter p) {
    return true;
  }

  /**
   * x (B, T, C); mask (B or 1, 1, T, S) additive, 0 where a key may be seen and a large negative
   * number elsewhere; cache null for a full forward.
   */
  @Override
  public NDArray forward(NDArray x, Rotary.Tables rotary, NDArray mask, KvCache cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray q = split(project(x, query, queryBias), b, t, heads); // (B, H, T, D)
    NDArray k = split(project(x, key, keyBias), b, t, kvHeads); // (B, Hkv, T, D)
    NDArray v = split(project(x, value, valueBias), b, t, kvHeads); // (B, Hkv, T, D)
    if (queryNorm != null) {
      q = queryNorm.forward(q);
      k = keyNorm.forward(k);
    }
    q = rotated(rotary, q);
    k = rotated(rotary, k);
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v); // (B, Hkv, S, D)
      k = kv[0];
      v = kv[1];
    }
    k = shareAcrossQueries(k); // (B, H, S, D)
    v = shareAcrossQueries(v);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // (B, H, T, S)
    NDArray attention = AttentionWeights.softmax(scores, scale, mask); // (B, H, T, S)
    NDArray mixed = attention.matMul(v); // (B, H, T, D)
    NDArray y = mixed.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // (B, T, H·D)
    mixed.close(); // the reshape copied it; no backward reads it (see AttentionWeights)
    return linear(y, output, null); // (B, T, C)
  }

  /**
   * One new position of a one-row cache, in Java: h (C) is the normed input; its key and value are
   * appended to {@code cache}, and the output projection (C) of its attention over all cached
   * positions returned. {@link #forward}'s computation, op for op, for a decode step.
   */
  float[] decode(float[] h, Rotary.Angles angles, float[] mask, KvCache cache) {
    float[][] qkv =
        linear(
            h,
            new Parameter[] {query, key, value},
            new Parameter[] {queryBias, keyBias, valueBias});
    float[] q = qkv[0]; // (H·D)
    float[] k = qkv[1]; // (Hkv·D)
    float[] v = qkv[2];
    if (queryNorm != null) {
      q = queryNorm.forward(q, heads);
      k = keyNorm.forward(k, kvHeads);
    }
    q = angles.rotate(q, heads);
    k = angles.rotate(k, kvHeads);
    int s = cache.appendOne(layer, k, v);
    float[] mixed =
        DecodeAttention.attend(
            q,
            heads,
            kvHeads,
            headDim,
            cache.keyMemory(layer),
            cache.valueMemory(layer),
            cache.capacity(),
            s,
            mask,
            scale);
    return linear(mixed, output, null); // (C)
  }

  /** x rotated, x closed: the rotation's backward reads only the angles (see AttentionWeights). */
  private static NDArray rotated(Rotary.Tables rotary, NDArray x) {
    NDArray out = rotary.apply(x);
    x.close();
    return out;
  }

  private NDArray project(NDArray x, Parameter weight, Parameter bias) {
    return linear(x, weight, bias);
  }

  private NDArray split(NDArray x, long b, long t, int headCount) {
    return x.reshape(b, t, headCount, headDim).transpose(0, 2, 1, 3);
  }

  /**
   * (B, Hkv, S, D) -> (B, H, S, D): key/value head j serves query heads j·G .. j·G+G−1, G = H/Hkv
   * (transformers' repeat_kv). The cache keeps the Hkv heads; only the matmul sees H.
   */
  private NDArray shareAcrossQueries(NDArray x) {
    if (kvHeads == heads) {
      return x;
    }
    long[] s = x.getShape().getShape();
    int group = heads / kvHeads;
    return x.expandDims(2)
        .broadcast(new Shape(s[0], s[1], group, s[2], s[3]))
        .reshape(s[0], (long) heads, s[2], s[3]);
  }
}
