package io.tributary.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;

/**
 * Multi-head Latent Attention (DeepSeek-V2 §2.1, DeepSeek-V3 §2.1.1), computed as transformers'
 * modeling_deepseek_v3.py (4.57), DeepseekV3Attention. Glossary: R the key/value latent width, Dn
 * and Dr the per-head query/key widths without and with rotary embeddings, Dv the value width.
 *
 * <p>Keys and values come from one latent c = norm(x·Wkv_a[:R]) per token, expanded per head by
 * Wkv_b; the rotary part of the key is one (B, 1, T, Dr) shared by all heads. The KV cache holds
 * only c and that rotary key; a decoding step absorbs Wkv_b into the query and the output instead
 * of expanding the cached latents, a full forward expands them as transformers does. Bytes per
 * token and layer of the cache: (R + Dr)·bytes(dtype), against H·(Dn + Dr + Dv)·bytes(dtype) for
 * standard keys and values of the same model: DeepSeek-V3 (H 128, R 512, Dn 128, Dr 64, Dv 128)
 * caches 576 values instead of 40,960, 1,152 bytes instead of 81,920 in bf16 (71x less).
 */
final class MultiHeadLatentAttention extends ModelBlock implements Attention {
  /**
   * transformers builds q_a_layernorm and kv_a_layernorm with the default eps, not rms_norm_eps.
   */
  private static final double LATENT_NORM_EPS = 1e-6;

  private final Parameter query; // null when queries are compressed
  private final Parameter queryDown;
  private final RmsNorm queryNorm;
  private final Parameter queryUp;
  private final Parameter kvDown;
  private final RmsNorm kvNorm;
  private final Parameter kvUp;
  private final Parameter output;
  private final int heads;
  private final int kvLoraRank;
  private final int nopeDim;
  private final int ropeDim;
  private final int valueDim;
  private final float softmaxScale;
  private final int layer;

  MultiHeadLatentAttention(ModelConfig config, int layer) {
    MlaConfig mla = config.mla();
    int c = config.dim();
    heads = config.heads();
    kvLoraRank = mla.kvLoraRank();
    nopeDim = mla.qkNopeHeadDim();
    ropeDim = mla.qkRopeHeadDim();
    valueDim = mla.vHeadDim();
    int q = heads * mla.qkHeadDim();
    if (mla.qLoraRank() == null) {
      query = parameter("wq", Init.NORMAL, true, q, c);
      queryDown = null;
      queryNorm = null;
      queryUp = null;
    } else {
      query = null;
      queryDown = parameter("wq_a", Init.NORMAL, true, mla.qLoraRank(), c);
      queryNorm = addChildBlock("q_a_norm", new RmsNorm(mla.qLoraRank(), LATENT_NORM_EPS));
      queryUp = parameter("wq_b", Init.NORMAL, true, q, mla.qLoraRank());
    }
    kvDown = parameter("wkv_a", Init.NORMAL, true, kvLoraRank + ropeDim, c);
    kvNorm = addChildBlock("kv_a_norm", new RmsNorm(kvLoraRank, LATENT_NORM_EPS));
    kvUp = parameter("wkv_b", Init.NORMAL, true, (long) heads * (nopeDim + valueDim), kvLoraRank);
    output = parameter("wo", Init.NORMAL_RESIDUAL, true, c, (long) heads * valueDim);
    double scale = 1.0 / Math.sqrt(mla.qkHeadDim());
    if (config.ropeScaling() != null) {
      scale *= config.ropeScaling().softmaxScaleFactor();
    }
    softmaxScale = (float) scale;
    this.layer = layer;
  }

  @Override
  public NDArray forward(NDArray x, Rotary.Tables rotary, NDArray mask, KvCache cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray q = // (B, T, H·(Dn+Dr))
        query != null
            ? linear(x, query, null)
            : linear(queryNorm.forward(linear(x, queryDown, null)), queryUp, null);
    q = q.reshape(b, t, heads, nopeDim + ropeDim).transpose(0, 2, 1, 3); // (B, H, T, Dn+Dr)
    NDArray qNope = q.get(new NDIndex("..., :{}", nopeDim)); // (B, H, T, Dn)
    NDArray qRope = rotary.apply(q.get(new NDIndex("..., {}:", nopeDim))); // (B, H, T, Dr)

    NDArray kv = linear(x, kvDown, null); // (B, T, R+Dr)
    NDArray latent = kvNorm.forward(kv.get(new NDIndex("..., :{}", kvLoraRank))); // (B, T, R)
    latent = latent.reshape(b, 1, t, kvLoraRank); // (B, 1, T, R)
    NDArray kRope = kv.get(new NDIndex("..., {}:", kvLoraRank)).reshape(b, 1, t, ropeDim);
    kRope = rotary.apply(kRope); // (B, 1, T, Dr): one rotary key shared by all heads
    if (cache != null) {
      NDArray[] past = cache.appendLatent(layer, latent, kRope);
      latent = past[0]; // (B, 1, S, R)
      kRope = past[1]; // (B, 1, S, Dr)
    }
    long s = latent.getShape().get(2);
    NDArray y =
        cache != null && !adapted(kvUp) && absorbedIsCheaper(t, s)
            ? absorbed(qNope, qRope, latent, kRope, mask)
            : expanded(qNope, qRope, latent, kRope, mask, b, s); // (B, H, T, Dv)
    y = y.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * valueDim); // (B, T, H·Dv)
    return linear(y, output, null); // (B, T, C)
  }

  /**
   * Per head, expanding S latents costs S·R·(Dn+Dv) and attending T·S·(Dn+Dv); absorbing Wkv_b into
   * the query and the output costs T·R·(Dn+Dv) and attends in the latent, 2·T·S·R. Decoding (T = 1)
   * against a long cache absorbs; a prefill or a full forward expands, as transformers does. A LoRA
   * adapter on Wkv_b always expands: absorbing W + (alpha/r) B A would build that matrix at every
   * step, in memory shared with other sampling threads.
   */
  private boolean absorbedIsCheaper(long t, long s) {
    long headWidth = nopeDim + valueDim;
    long expandedCost = s * kvLoraRank * headWidth + t * s * headWidth;
    long absorbedCost = t * kvLoraRank * headWidth + 2 * t * s * kvLoraRank;
    return absorbedCost < expandedCost;
  }

  /** transformers' computation: keys and values of every head expanded from the S latents. */
  private NDArray expanded(
      NDArray qNope, NDArray qRope, NDArray latent, NDArray kRope, NDArray mask, long b, long s) {
    NDArray kv = linear(latent, kvUp, null); // (B, 1, S, H·(Dn+Dv))
    kv = kv.reshape(b, s, heads, nopeDim + valueDim).transpose(0, 2, 1, 3);
    NDArray kNope = kv.get(new NDIndex("..., :{}", nopeDim)); // (B, H, S, Dn)
    NDArray v = kv.get(new NDIndex("..., {}:", nopeDim)); // (B, H, S, Dv)
    // q·k of transformers' concatenated [nope, rope] heads, without copying the shared rotary key
    // to every head
    NDArray scores = sum(qNope.matMul(kNope.transpose(0, 1, 3, 2)), qRope, kRope); // (B,H,T,S)
    return AttentionWeights.softmax(scores, softmaxScale, mask).matMul(v); // (B, H, T, Dv)
  }

  /**
   * The same attention with Wkv_b absorbed (DeepSeek-V2 §2.1.3): q_nope·(Wuk c) = (Wukᵀ q_nope)·c
   * and Σ a·(Wuv c) = Wuv (Σ a·c), so the cached latents are never expanded.
   */
  private NDArray absorbed(
      NDArray qNope, NDArray qRope, NDArray latent, NDArray kRope, NDArray mask) {
    NDArray up = kvUp.getArray().reshape(heads, nopeDim + valueDim, kvLoraRank); // (H, Dn+Dv, R)
    NDArray keyUp = up.get(new NDIndex(":, :{}, :", nopeDim)); // (H, Dn, R)
    NDArray valueUp = up.get(new NDIndex(":, {}:, :", nopeDim)); // (H, Dv, R)
    NDArray qLatent = qNope.matMul(keyUp); // (B, H, T, R)
    NDArray scores = sum(qLatent.matMul(latent.transpose(0, 1, 3, 2)), qRope, kRope); // (B,H,T,S)
    NDArray mixed =
        AttentionWeights.softmax(scores, softmaxScale, mask).matMul(latent); // (B,H,T,R)
    return mixed.matMul(valueUp.transpose(0, 2, 1)); // (B, H, T, Dv)
  }

  /** content scores + qRope·kRopeᵀ, (B, H, T, S), closing both addends (see AttentionWeights). */
  private static NDArray sum(NDArray contentScores, NDArray qRope, NDArray kRope) {
    NDArray ropeScores = qRope.matMul(kRope.transpose(0, 1, 3, 2)); // (B, H, T, S)
    NDArray scores = contentScores.add(ropeScores);
    contentScores.close();
    ropeScores.close();
    return scores;
  }
}
