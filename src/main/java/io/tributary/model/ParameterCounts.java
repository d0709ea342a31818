package io.tributary.model;

/**
 * Parameters of the policy. Active per token counts the K routed experts a token uses instead of
 * all E (DeepSeek-V3 reports 671B total, 37B active the same way); both include embeddings.
 */
public record ParameterCounts(long total, long activePerToken, long embedding, long routedExperts) {
  public static ParameterCounts of(ModelConfig config) {
    long c = config.dim();
    long v = config.vocabSize();
    long expert = 3L * c * config.expertHidden();
    long q = (long) config.heads() * config.headDim();
    long kv = (long) config.kvHeads() * config.headDim();
    long attention =
        2L * c * q
            + 2L * c * kv
            + (config.attentionBias() ? q + 2 * kv : 0)
            + (config.qkNorm() ? 2L * config.headDim() : 0);
    long norms = 2L * c;
    long dense = attention + norms + 3L * c * config.denseHidden();
    long shared = 3L * c * config.expertHidden() * config.sharedExperts();
    long router = (long) config.routedExperts() * c; // the selection bias is not trainable
    long moeBase = attention + norms + router + shared;
    long embedding = (config.tieEmbeddings() ? 1L : 2L) * v * c; // input embedding, head
    long moeLayers = config.moeLayers();
    long routed = moeLayers * config.routedExperts() * expert;
    long total = embedding + c + config.denseLayers() * dense + moeLayers * moeBase + routed;
    long active = total - routed + moeLayers * config.topK() * expert;
    return new ParameterCounts(total, active, embedding, routed);
  }

  @Override
  public String toString() {
    return String.format(
        "params total %,d; active per token %,d (%.1f%%); routed experts %,d; embeddings %,d",
        total, activePerToken, 100.0 * activePerToken / total, routedExperts, embedding);
  }
}
