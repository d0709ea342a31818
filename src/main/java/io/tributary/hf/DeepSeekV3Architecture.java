package io.tributary.hf;

import io.tributary.model.MlaConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.RopeScaling;

/**
 * A deepseek_v3 {@link HfConfig} (DeepSeek-V3, Moonlight, Kimi K2 ...) as the policy's {@link
 * ModelConfig}, following transformers 4.57 modeling_deepseek_v3.py: Multi-head Latent Attention,
 * YaRN with interleaved rotary pairs, sigmoid routing limited to topk_group of n_group groups with
 * e_score_correction_bias as the selection bias, shared experts and first_k_dense_replace dense
 * layers. The reader has refused what transformers itself would not compute this way; this refuses
 * what the policy does not. Bias balancing stays on at the policy's default rate, starting from the
 * imported correction bias; the compute dtype is float32.
 */
public final class DeepSeekV3Architecture {
  private DeepSeekV3Architecture() {}

  public static ModelConfig modelConfig(HfConfig config) {
    String where = HfConfig.FILE_NAME;
    if (config.modelType() != HfModelType.DEEPSEEK_V3 || config.mla() == null) {
      throw new HfFormatException(
          where
              + ": model_type: got "
              + config.modelType().configName()
              + ", expected deepseek_v3");
    }
    if (config.qkvBias() || config.outputBias()) {
      throw new HfFormatException(
          where
              + ": attention_bias: got true, expected false: latent attention has no biases here");
    }
    if (config.numKeyValueHeads() != config.numAttentionHeads()) {
      // DeepseekV3Attention expands a key for every head from the latent; repeat_kv of fewer
      // key/value heads would not fit its shapes, so transformers cannot run such a config either
      throw new HfFormatException(
          where
              + ": num_key_value_heads: got "
              + config.numKeyValueHeads()
              + ", expected num_attention_heads="
              + config.numAttentionHeads());
    }
    HfMla mla = config.mla();
    HfMoe moe = config.moe();
    return ModelConfig.builder()
        .vocabSize(config.vocabSize())
        .dim(config.hiddenSize())
        .layers(config.numHiddenLayers())
        .heads(config.numAttentionHeads())
        .headDim(mla.qkRopeHeadDim()) // transformers' head_dim of deepseek_v3: the rotary width
        .mla(
            new MlaConfig(
                mla.qLoraRank(),
                mla.kvLoraRank(),
                mla.qkNopeHeadDim(),
                mla.qkRopeHeadDim(),
                mla.vHeadDim()))
        .normEps(config.rmsNormEps())
        .ropeTheta(config.ropeTheta())
        .ropeScaling(ropeScaling(config))
        .ropeInterleaved(config.ropeInterleaved())
        .tieEmbeddings(config.tieWordEmbeddings())
        .maxSeqLen(config.maxPositionEmbeddings())
        .denseLayers(config.denseLayerCount())
        .denseHidden(
            config.intermediateSize() != null
                ? config.intermediateSize()
                : moe.expertIntermediateSize())
        .routedExperts(moe.numExperts())
        .topK(moe.numExpertsPerTok())
        .expertHidden(moe.expertIntermediateSize())
        // one SwiGLU of width n_shared_experts·moe_intermediate_size on both sides
        .sharedExperts(moe.sharedExperts())
        .scoring(moe.scoring())
        .normalizeTopK(moe.normTopkProb())
        .routedScale(moe.routedScalingFactor())
        .routerGroups(moe.groups())
        .routerTopKGroups(moe.topkGroups())
        .balanceLossWeight(0)
        .build();
  }

  /** None, or YaRN as _compute_yarn_parameters reads it. */
  private static RopeScaling ropeScaling(HfConfig config) {
    HfRopeScaling s = config.ropeScaling();
    if (s == null) {
      return null;
    }
    if (s.type() != HfRopeScaling.Type.YARN) {
      throw new HfFormatException(
          HfConfig.FILE_NAME + ": rope_scaling.rope_type: got " + s.type() + ", expected yarn");
    }
    if (s.attentionFactor() != null) {
      throw new HfFormatException(
          HfConfig.FILE_NAME
              + ": rope_scaling.attention_factor: got "
              + s.attentionFactor()
              + ", expected absent: the factor is derived from mscale and mscale_all_dim");
    }
    return RopeScaling.yarn(
        s.factor(),
        s.originalMaxPositionEmbeddings() != null
            ? s.originalMaxPositionEmbeddings()
            : config.maxPositionEmbeddings(),
        s.betaFast(),
        s.betaSlow(),
        s.mscale(),
        s.mscaleAllDim());
  }
}
