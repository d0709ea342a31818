package io.tributary.hf;

import io.tributary.model.ModelConfig;
import io.tributary.model.RopeScaling;

/**
 * A Hugging Face architecture ({@link HfConfig}, validated by its reader) as the policy's {@link
 * ModelConfig}: the options of the one policy model that llama, qwen2, qwen3, qwen3_moe and mixtral
 * need, following transformers 4.57's modeling files of each family.
 */
public final class HfArchitecture {
  private HfArchitecture() {}

  /**
   * The policy architecture of {@code config}. MoE families import with bias balancing off (their
   * layout has no selection bias to start from, and export could not write one) and without the
   * sequence-wise balance loss; the compute dtype is float32.
   */
  public static ModelConfig modelConfig(HfConfig config) {
    String where = config.modelType().configName();
    if (config.mla() != null || config.ropeInterleaved()) {
      throw new HfFormatException(
          where + ": multi-head latent attention and interleaved RoPE are not in this mapping");
    }
    if (config.outputBias()) {
      throw new HfFormatException(
          "config.json: attention_bias: got true, expected false: the policy's output projection"
              + " has no bias");
    }
    ModelConfig.Builder b =
        ModelConfig.builder()
            .vocabSize(config.vocabSize())
            .dim(config.hiddenSize())
            .layers(config.numHiddenLayers())
            .heads(config.numAttentionHeads())
            .kvHeads(config.numKeyValueHeads())
            .headDim(config.headDim())
            .attentionBias(config.qkvBias())
            .qkNorm(config.qkNorm())
            .tieEmbeddings(config.tieWordEmbeddings())
            .normEps(config.rmsNormEps())
            .ropeTheta(config.ropeTheta())
            .ropeScaling(ropeScaling(config.ropeScaling()))
            .maxSeqLen(config.maxPositionEmbeddings())
            .biasUpdateRate(0)
            .balanceLossWeight(0);
    HfMoe moe = config.moe();
    if (moe == null) {
      return b.denseLayers(config.numHiddenLayers()).denseHidden(config.intermediateSize()).build();
    }
    if (moe.groups() > 1 || moe.selectionBias() || moe.sharedExperts() > 0) {
      throw new HfFormatException(
          where
              + ": group-limited routing, selection bias and shared experts are not in this"
              + " mapping");
    }
    return b.denseLayers(Math.min(moe.firstDenseLayers(), config.numHiddenLayers()))
        .denseHidden(
            config.intermediateSize() != null
                ? config.intermediateSize()
                : moe.expertIntermediateSize())
        .routedExperts(moe.numExperts())
        .topK(moe.numExpertsPerTok())
        .expertHidden(moe.expertIntermediateSize())
        .sharedExperts(0)
        .scoring(moe.scoring())
        .normalizeTopK(moe.normTopkProb())
        .routedScale(moe.routedScalingFactor())
        .build();
  }

  private static RopeScaling ropeScaling(HfRopeScaling s) {
    if (s == null) {
      return null;
    }
    return new RopeScaling(
        switch (s.type()) {
          case LLAMA3 -> RopeScaling.Type.LLAMA3;
          case YARN -> RopeScaling.Type.YARN;
        },
        s.factor(),
        s.lowFreqFactor(),
        s.highFreqFactor(),
        s.originalMaxPositionEmbeddings(),
        s.betaFast(),
        s.betaSlow(),
        s.mscale(),
        s.mscaleAllDim());
  }
}
