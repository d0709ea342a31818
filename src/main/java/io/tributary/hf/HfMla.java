package io.tributary.hf;

/**
 * Multi-head Latent Attention of DeepSeek-V3 (DeepSeek-V2 paper, section 2.1).
 *
 * @param qLoraRank rank of the compressed query; null: queries are projected directly
 * @param kvLoraRank rank of the compressed key-value latent (what the KV cache stores)
 * @param qkNopeHeadDim per-head query/key width without rotary embedding
 * @param qkRopeHeadDim per-head query/key width with rotary embedding (the key part is shared)
 * @param vHeadDim per-head value width
 */
public record HfMla(
    Integer qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim) {
  public int qkHeadDim() {
    return qkNopeHeadDim + qkRopeHeadDim;
  }
}
