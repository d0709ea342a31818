package io.tributary.checkpoint;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.tributary.model.ModelConfig;
import io.tributary.tokenizer.TokenizerSpec;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint says about itself, stored as JSON after the magic bytes: the model config, the
 * tokenizer, the policy version and training step, and the manifest of parameter arrays that follow
 * (name, shape, dtype) in order. {@code adapters} is null for a checkpoint of every weight, and for
 * a LoRA run's checkpoint names the base that its tensors, only the adapters, apply to. The policy
 * version counts the GRPO updates published (0: the starting policy); the training step counts the
 * optimizer steps taken, which an update with several mini-batches or μ passes advances by more
 * than one.
 */
public record CheckpointHeader(
    int formatVersion,
    ModelConfig modelConfig,
    TokenizerSpec tokenizer,
    long policyVersion,
    long trainingStep,
    long createdAtMillis,
    List<TensorEntry> tensors,
    Map<String, String> metadata,
    AdapterManifest adapters) {

  public static final int FORMAT_VERSION = 1;

  @JsonCreator
  public CheckpointHeader {}

  /** A checkpoint of every weight. */
  public CheckpointHeader(
      int formatVersion,
      ModelConfig modelConfig,
      TokenizerSpec tokenizer,
      long policyVersion,
      long trainingStep,
      long createdAtMillis,
      List<TensorEntry> tensors,
      Map<String, String> metadata) {
    this(
        formatVersion,
        modelConfig,
        tokenizer,
        policyVersion,
        trainingStep,
        createdAtMillis,
        tensors,
        metadata,
        null);
  }

  public record TensorEntry(String name, long[] shape, String dtype, long bytes) {}
}
