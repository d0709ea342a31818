package io.tributary.model;

import ai.djl.ndarray.NDArray;

/** Pre-norm decoder block: x + attn(norm(x)), then x + ffn(norm(x)); ffn dense or MoE. */
final class TransformerBlock extends ModelBlock {
  private final RmsNorm attentionNorm;
  private final Attention attention;
  private final RmsNorm ffnNorm;
  private final FeedForward ffn;

  TransformerBlock(ModelConfig config, int layer) {
    attentionNorm = addChildBlock("attention_norm", new RmsNorm(config.dim(), config.normEps()));
    attention =
        config.mla() == null
            ? addChildBlock("attention", new CausalSelfAttention(config, layer))
            : addChildBlock("attention", new MultiHeadLatentAttention(config, layer));
    ffnNorm = addChildBlock("ffn_norm", new RmsNorm(config.dim(), config.normEps()));
    ffn =
        config.isMoeLayer(layer)
            ? addChildBlock("moe", new MoeFeedForward(config, layer - config.denseLayers()))
            : addChildBlock("ffn", new SwiGlu(config.dim(), config.denseHidden()));
  }

  NDArray forward(
      NDArray x, Rotary.Tables rotary, NDArray mask, KvCache cache, RoutingContext routing) {
    x = x.add(attention.forward(attentionNorm.forward(x), rotary, mask, cache));
    x = x.add(ffn.forward(ffnNorm.forward(x), routing));
    return x;
  }

  /**
   * One new position of one row, in Java, x (C) updated in place: a decode step (see {@link
   * MoeTransformer#hidden}). A Mixture-of-Experts feed-forward routes in libtorch, on an array made
   * like {@code like}, so that its router records and replays as always; its experts run in Java.
   */
  void decode(
      float[] x,
      Rotary.Angles angles,
      float[] mask,
      KvCache cache,
      RoutingContext routing,
      NDArray like) {
    float[] a =
        ((CausalSelfAttention) attention).decode(attentionNorm.forward(x, 1), angles, mask, cache);
    for (int i = 0; i < x.length; i++) {
      x[i] += a[i];
    }
    float[] h = ffnNorm.forward(x, 1);
    float[] f;
    if (ffn instanceof SwiGlu dense) {
      f = dense.forward(h);
    } else if (ffn instanceof MoeFeedForward moe) {
      f = moe.forward(h, routing, like);
    } else {
      f = ffn.forward(DecodeProduct.array(like, h, 1, 1, h.length), routing).toFloatArray();
    }
    for (int i = 0; i < x.length; i++) {
      x[i] += f[i];
    }
  }

  MoeFeedForward moe() {
    return ffn instanceof MoeFeedForward m ? m : null;
  }
}
