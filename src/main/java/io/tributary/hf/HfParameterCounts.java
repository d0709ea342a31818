package io.tributary.hf;

import io.tributary.model.ParameterCounts;

/**
 * Parameters of an HF architecture, counted from config.json the way the modeling files build the
 * layers. Active per token counts the K chosen routed experts of each MoE layer instead of all E,
 * as the model cards do (Mixtral 46.7B / 12.9B, DeepSeek-V3 671B / 37B). DeepSeek-V3's
 * e_score_correction_bias is left out, as {@link ParameterCounts} leaves out Tributary's own
 * selection bias: it is a routing statistic, not a trained weight.
 */
final class HfParameterCounts {
  private HfParameterCounts() {}

  static ParameterCounts of(HfConfig config) {
    long hidden = config.hiddenSize();
    long embedding = (long) config.vocabSize() * hidden * (config.tieWordEmbeddings() ? 1 : 2);
    long perLayerBase = attention(config) + 2 * hidden; // attention and the two RMSNorms
    long total = embedding + hidden; // the final norm
    long active = total;
    long routed = 0;
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      total += perLayerBase;
      active += perLayerBase;
      if (config.isMoeLayer(layer)) {
        HfMoe moe = config.moe();
        long expert = 3 * hidden * moe.expertIntermediateSize();
        long always = (long) moe.numExperts() * hidden + 3 * hidden * moe.sharedIntermediateSize();
        total += always + moe.numExperts() * expert;
        active += always + moe.numExpertsPerTok() * expert;
        routed += moe.numExperts() * expert;
      } else {
        long mlp = 3 * hidden * config.intermediateSize();
        total += mlp;
        active += mlp;
      }
    }
    return new ParameterCounts(total, active, embedding, routed);
  }

  private static long attention(HfConfig config) {
    long hidden = config.hiddenSize();
    long heads = config.numAttentionHeads();
    HfMla mla = config.mla();
    if (mla != null) {
      // modeling_deepseek_v3.py: q_a_proj, kv_a_proj_with_mqa and o_proj take attention_bias
      long bias = config.outputBias() ? 1 : 0;
      long query =
          mla.qLoraRank() == null
              ? hidden * heads * mla.qkHeadDim()
              : hidden * mla.qLoraRank()
                  + bias * mla.qLoraRank()
                  + mla.qLoraRank() // q_a_layernorm
                  + (long) mla.qLoraRank() * heads * mla.qkHeadDim();
      long latent = mla.kvLoraRank() + mla.qkRopeHeadDim();
      long keyValue =
          hidden * latent
              + bias * latent
              + mla.kvLoraRank() // kv_a_layernorm
              + (long) mla.kvLoraRank() * heads * (mla.qkNopeHeadDim() + mla.vHeadDim());
      long output = heads * mla.vHeadDim() * hidden + bias * hidden;
      return query + keyValue + output;
    }
    long headDim = config.headDim();
    long queryWidth = heads * headDim;
    long keyValueWidth = (long) config.numKeyValueHeads() * headDim;
    long weights = 2 * hidden * queryWidth + 2 * hidden * keyValueWidth;
    long biases =
        (config.qkvBias() ? queryWidth + 2 * keyValueWidth : 0)
            + (config.outputBias() ? hidden : 0);
    long qkNorms = config.qkNorm() ? 2 * headDim : 0;
    return weights + biases + qkNorms;
  }
}
