package io.tributary.model;

/** Small configurations that run in milliseconds on CPU. */
public final class TinyModels {
  private TinyModels() {}

  /**
   * Two layers, the second MoE, sized for {@link io.tributary.tokenizer.CharTokenizer}'s
   * vocabulary: the policy of the checkpoint, GRPO and learner tests.
   */
  public static ModelConfig forCharTokenizer() {
    return ModelConfig.builder()
        .vocabSize(112)
        .dim(32)
        .layers(2)
        .heads(2)
        .routedExperts(4)
        .topK(2)
        .expertHidden(16)
        .denseHidden(32)
        .denseLayers(1)
        .maxSeqLen(48)
        .device(DeviceChoice.CPU)
        .build();
  }

  static ModelConfig tiny() {
    return ModelConfig.builder()
        .vocabSize(40)
        .dim(32)
        .layers(3)
        .heads(4)
        .routedExperts(4)
        .topK(2)
        .sharedExperts(1)
        .expertHidden(16)
        .denseHidden(48)
        .denseLayers(1)
        .maxSeqLen(64)
        .device(DeviceChoice.CPU)
        .build();
  }
}
