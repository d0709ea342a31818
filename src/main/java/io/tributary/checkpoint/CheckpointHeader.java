package io.tributary.checkpoint;

import io.tributary.model.ModelConfig;
import io.tributary.tokenizer.TokenizerSpec;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint says about itself, stored as JSON after the magic bytes: the model config, the
 * tokenizer, the policy version and training step, and the manifest of parameter arrays that follow
 * (name, shape, dtype) in order.
 */
public record CheckpointHeader(
    int formatVersion,
    ModelConfig modelConfig,
    TokenizerSpec tokenizer,
    long policyVersion,
    long trainingStep,
    long createdAtMillis,
    List<TensorEntry> tensors,
    Map<String, String> metadata) {

  public static final int FORMAT_VERSION = 1;

  public record TensorEntry(String name, long[] shape, String dtype, long bytes) {}
}
