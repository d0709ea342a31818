package io.tributary.model;

/** Small configurations that run in milliseconds on CPU. */
final class TinyModels {
  private TinyModels() {}

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
