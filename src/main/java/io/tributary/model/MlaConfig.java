package io.tributary.model;

import static io.tributary.config.ConfigException.badValue;

/**
 * Multi-head Latent Attention (DeepSeek-V2 §2.1, DeepSeek-V3 §2.1.1): keys and values are expanded
 * from one small latent per token, so a KV cache stores the latent and one shared rotary key
 * instead of H full keys and values. Field names follow config.json of deepseek_v3.
 *
 * @param qLoraRank rank of the query's low-rank compression; null projects queries directly
 * @param kvLoraRank width R of the compressed key/value latent
 * @param qkNopeHeadDim per-head query/key width without rotary embeddings
 * @param qkRopeHeadDim per-head query/key width with rotary embeddings (the key part is shared by
 *     all heads)
 * @param vHeadDim per-head value width
 */
public record MlaConfig(
    Integer qLoraRank,
    Integer kvLoraRank,
    Integer qkNopeHeadDim,
    Integer qkRopeHeadDim,
    Integer vHeadDim) {

  public MlaConfig {
    if (qLoraRank != null && qLoraRank <= 0) {
      throw badValue("mla.qLoraRank", qLoraRank, "a positive integer, or absent");
    }
    positive("mla.kvLoraRank", kvLoraRank);
    positive("mla.qkNopeHeadDim", qkNopeHeadDim);
    positive("mla.qkRopeHeadDim", qkRopeHeadDim);
    positive("mla.vHeadDim", vHeadDim);
    if (qkRopeHeadDim % 2 != 0) {
      throw badValue("mla.qkRopeHeadDim", qkRopeHeadDim, "an even number (rotary pairs dims)");
    }
  }

  /** Query/key width of one head: the part without and the part with rotary embeddings. */
  public int qkHeadDim() {
    return qkNopeHeadDim + qkRopeHeadDim;
  }

  private static void positive(String key, Integer value) {
    if (value == null || value <= 0) {
      throw badValue(key, value, "a positive integer");
    }
  }
}
