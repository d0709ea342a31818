package io.tributary.hf;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.tributary.json.Json;
import io.tributary.model.ParameterCounts;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code tributary info --hf DIR} prints: the architecture as config.json describes it, its
 * parameter counts (total, active per token) and dtype, and what the files actually store. A value
 * config.json does not give is left out, never shown as 0.
 */
public final class HfSummary {
  // snake_case throughout, as config.json spells the same quantities
  private static final ObjectWriter WRITER =
      Json.mapper()
          .copy()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .writerWithDefaultPrettyPrinter();

  private HfSummary() {}

  /** The summary as one pretty-printed JSON object. */
  public static String json(HfCheckpoint checkpoint) {
    try {
      return WRITER.writeValueAsString(of(checkpoint));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> of(HfCheckpoint checkpoint) {
    HfConfig c = checkpoint.config();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("hf", checkpoint.directory().toString());
    s.put("model_type", c.modelType().configName());
    s.put("architectures", c.architectures());
    s.put("dtype", c.torchDtype());
    s.put("num_hidden_layers", c.numHiddenLayers());
    s.put("hidden_size", c.hiddenSize());
    s.put("intermediate_size", c.intermediateSize());
    s.put("num_attention_heads", c.numAttentionHeads());
    s.put("num_key_value_heads", c.numKeyValueHeads());
    s.put("head_dim", c.headDim());
    s.put("vocab_size", c.vocabSize());
    s.put("max_position_embeddings", c.maxPositionEmbeddings());
    s.put("tie_word_embeddings", c.tieWordEmbeddings());
    s.put("qkv_bias", c.qkvBias());
    s.put("qk_norm", c.qkNorm());
    s.put("rope_theta", c.ropeTheta());
    s.put("rope_interleaved", c.ropeInterleaved());
    if (c.ropeScaling() != null) {
      s.put("rope_scaling", c.ropeScaling());
    }
    if (c.mla() != null) {
      s.put("mla", c.mla());
    }
    if (c.moe() != null) {
      s.put("moe", c.moe());
      s.put("dense_layers", c.denseLayerCount());
      s.put("moe_layers", c.moeLayerCount());
    }
    ParameterCounts counts = c.parameterCounts();
    s.put("params_total", counts.total());
    s.put("params_active_per_token", counts.activePerToken());
    s.put("params_embedding", counts.embedding());
    if (c.moe() != null) {
      s.put("params_routed_experts", counts.routedExperts());
    }
    s.put("stored_files", checkpoint.files().size());
    s.put("stored_tensors", checkpoint.tensorNames().size());
    s.put("stored_elements", checkpoint.storedParameterCount());
    s.put("stored_dtypes", checkpoint.storedDtypes());
    s.values().removeIf(v -> v == null);
    return s;
  }
}
