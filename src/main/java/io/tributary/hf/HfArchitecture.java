package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ModelConfig;
import io.tributary.model.RopeScaling;
import io.tributary.model.ScoringFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code config.json} as the policy's {@link ModelConfig}: the options each family
 * needs (transformers 4.57 configuration and modeling files of llama, qwen2, qwen3, qwen3_moe,
 * mixtral), and a refusal naming the key for any setting the policy cannot compute exactly.
 */
public final class HfArchitecture {
  /** The model types this mapping knows; deepseek_v3 has a mapping of its own. */
  public static final List<String> MODEL_TYPES =
      List.of("llama", "qwen2", "qwen3", "qwen3_moe", "mixtral");

  private final JsonNode config;
  private final String source;

  private HfArchitecture(JsonNode config, String source) {
    this.config = config;
    this.source = source;
  }

  /**
   * The policy architecture of {@code config} ({@code source} names the file in errors). MoE
   * families import with bias balancing off (their layout has no selection bias to start from) and
   * without the sequence-wise balance loss; the compute dtype is float32.
   */
  public static ModelConfig modelConfig(JsonNode config, String source) {
    return new HfArchitecture(config, source).map();
  }

  private ModelConfig map() {
    String type = text("model_type");
    if (!MODEL_TYPES.contains(type)) {
      throw error("model_type", "'" + type + "'", "one of " + MODEL_TYPES);
    }
    String activation = optionalText("hidden_act", "silu");
    if (!activation.equals("silu")) {
      throw error("hidden_act", "'" + activation + "'", "silu (the SwiGLU of the policy)");
    }
    int dim = integer("hidden_size");
    int heads = integer("num_attention_heads");
    int layers = integer("num_hidden_layers");
    int maxPositions = optionalInteger("max_position_embeddings", 4096);
    ModelConfig.Builder b =
        ModelConfig.builder()
            .vocabSize(integer("vocab_size"))
            .dim(dim)
            .layers(layers)
            .heads(heads)
            .kvHeads(optionalInteger("num_key_value_heads", heads))
            .headDim(optionalInteger("head_dim", dim / heads))
            .normEps(number("rms_norm_eps"))
            .ropeTheta(optionalNumber("rope_theta", 10_000.0))
            .ropeScaling(ropeScaling())
            .tieEmbeddings(optionalBoolean("tie_word_embeddings", false))
            .maxSeqLen(Math.min(maxPositions, slidingWindowOrMax(type, maxPositions)))
            .biasUpdateRate(0)
            .balanceLossWeight(0);
    refuseTrue("mlp_bias", "no biases in the feed-forward");
    switch (type) {
      case "qwen2" -> b.attentionBias(true); // q/k/v biases are fixed in Qwen2Attention
      case "qwen3", "qwen3_moe" -> b.qkNorm(true);
      default -> {}
    }
    if (!type.equals("qwen2")) {
      refuseTrue("attention_bias", "no attention biases in " + type + " (o_proj has none)");
    }
    switch (type) {
      case "llama", "qwen2", "qwen3" ->
          b.denseLayers(layers).denseHidden(integer("intermediate_size"));
      case "qwen3_moe" -> qwen3Moe(b, layers);
      case "mixtral" -> {
        int experts = integer("num_local_experts");
        b.denseLayers(0)
            .routedExperts(experts)
            .topK(integer("num_experts_per_tok"))
            .expertHidden(integer("intermediate_size"))
            .denseHidden(integer("intermediate_size"))
            .sharedExperts(0)
            .scoring(ScoringFunction.SOFTMAX)
            .normalizeTopK(true); // MixtralSparseMoeBlock always renormalises the top k
      }
      default -> throw new IllegalStateException(type);
    }
    return b.build();
  }

  /**
   * Qwen3-MoE: layer i is sparse unless listed in mlp_only_layers or (i+1) % decoder_sparse_step !=
   * 0 (Qwen3MoeDecoderLayer). The policy's dense layers come first, so the dense ones must be a
   * prefix.
   */
  private void qwen3Moe(ModelConfig.Builder b, int layers) {
    int step = optionalInteger("decoder_sparse_step", 1);
    List<Integer> mlpOnly = new ArrayList<>();
    for (JsonNode n : config.path("mlp_only_layers")) {
      mlpOnly.add(n.asInt());
    }
    int dense = 0;
    boolean sparseSeen = false;
    for (int i = 0; i < layers; i++) {
      boolean sparse = !mlpOnly.contains(i) && (i + 1) % step == 0;
      if (sparse) {
        sparseSeen = true;
      } else if (sparseSeen) {
        throw error(
            "mlp_only_layers/decoder_sparse_step",
            "a dense layer " + i + " after a sparse one",
            "dense layers only before the first sparse layer");
      } else {
        dense++;
      }
    }
    b.denseLayers(dense)
        .denseHidden(integer("intermediate_size"))
        .routedExperts(integer("num_experts"))
        .topK(integer("num_experts_per_tok"))
        .expertHidden(integer("moe_intermediate_size"))
        .sharedExperts(0)
        .scoring(ScoringFunction.SOFTMAX)
        .normalizeTopK(optionalBoolean("norm_topk_prob", false));
  }

  /**
   * Sliding-window attention equals full attention on sequences no longer than the window, so a
   * window caps the policy's maxSeqLen instead of being computed.
   */
  private int slidingWindowOrMax(String type, int max) {
    JsonNode window = config.path("sliding_window");
    if (window.isMissingNode() || window.isNull()) {
      return max;
    }
    boolean used = type.equals("mixtral") || optionalBoolean("use_sliding_window", false);
    return used ? window.asInt() : max;
  }

  private RopeScaling ropeScaling() {
    JsonNode s = config.path("rope_scaling");
    if (s.isMissingNode() || s.isNull()) {
      return null;
    }
    String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText();
    return switch (type) {
      case "default" -> null;
      case "llama3" ->
          RopeScaling.llama3(
              s.path("factor").asDouble(),
              s.path("low_freq_factor").asDouble(),
              s.path("high_freq_factor").asDouble(),
              s.path("original_max_position_embeddings").asInt());
      default -> throw error("rope_scaling.rope_type", "'" + type + "'", "llama3 or none");
    };
  }

  private void refuseTrue(String key, String why) {
    if (optionalBoolean(key, false)) {
      throw error(key, "true", "false: the policy has " + why);
    }
  }

  private String text(String key) {
    JsonNode n = config.get(key);
    if (n == null || n.isNull() || !n.isTextual()) {
      throw error(key, n == null ? "nothing" : n.toString(), "a string");
    }
    return n.asText();
  }

  private String optionalText(String key, String fallback) {
    JsonNode n = config.get(key);
    return n == null || n.isNull() ? fallback : n.asText();
  }

  private int integer(String key) {
    JsonNode n = config.get(key);
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
      throw error(key, n == null ? "nothing" : n.toString(), "an integer");
    }
    return n.asInt();
  }

  private int optionalInteger(String key, int fallback) {
    JsonNode n = config.get(key);
    return n == null || n.isNull() ? fallback : integer(key);
  }

  private double number(String key) {
    JsonNode n = config.get(key);
    if (n == null || !n.isNumber()) {
      throw error(key, n == null ? "nothing" : n.toString(), "a number");
    }
    return n.asDouble();
  }

  private double optionalNumber(String key, double fallback) {
    JsonNode n = config.get(key);
    return n == null || n.isNull() ? fallback : number(key);
  }

  private boolean optionalBoolean(String key, boolean fallback) {
    JsonNode n = config.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw error(key, n.toString(), "true or false");
    }
    return n.asBoolean();
  }

  private HfFormatException error(String key, String got, String expected) {
    return new HfFormatException(source + ": " + key + ": got " + got + ", expected " + expected);
  }
}
