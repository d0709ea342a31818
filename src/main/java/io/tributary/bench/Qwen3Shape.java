package io.tributary.bench;

import io.tributary.model.ModelConfig;

/**
 * The shape of Qwen3-0.6B (its config.json on the Hugging Face hub): the model the benchmark's
 * throughput and memory targets are stated for.
 */
public final class Qwen3Shape {
  public static final int VOCAB = 151_936;
  public static final int DIM = 1024;
  public static final int LAYERS = 28;
  public static final int HEADS = 16;
  public static final int KV_HEADS = 8;
  public static final int HEAD_DIM = 128;
  public static final int INTERMEDIATE = 3072;
  public static final double ROPE_THETA = 1_000_000;
  public static final double NORM_EPS = 1e-6;

  private Qwen3Shape() {}

  /**
   * The closest the policy model comes without grouped-query attention, q/k norm, a head width
   * apart from dim/heads and tied embeddings: dense, same width, depth, heads, FFN and vocabulary,
   * so the matmuls of a step are of the same order of size.
   */
  public static ModelConfig standIn(int maxSeqLen) {
    return ModelConfig.builder()
        .vocabSize(VOCAB)
        .dim(DIM)
        .layers(LAYERS)
        .heads(HEADS)
        .denseHidden(INTERMEDIATE)
        .denseLayers(LAYERS)
        .ropeTheta(ROPE_THETA)
        .normEps(NORM_EPS)
        .maxSeqLen(maxSeqLen)
        .build();
  }
}
