package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.MlaConfig;
import io.tributary.model.ModelConfig;
import io.tributary.model.RopeScaling;
import io.tributary.model.ScoringFunction;

/**
 * A deepseek_v3 {@code config.json} (DeepSeek-V3, Moonlight, Kimi K2 ...) as the policy's {@link
 * ModelConfig}, following transformers 4.57 configuration_deepseek_v3.py and
 * modeling_deepseek_v3.py: Multi-head Latent Attention, YaRN with interleaved rotary pairs, sigmoid
 * routing limited to topk_group of n_group groups with e_score_correction_bias as the selection
 * bias, shared experts and first_k_dense_replace dense layers. Settings the policy cannot compute
 * exactly are refused by key. Bias balancing stays on at the policy's default rate, starting from
 * the imported correction bias.
 */
public final class DeepSeekV3Architecture {
  public static final String MODEL_TYPE = "deepseek_v3";

  private final JsonNode config;
  private final String source;

  private DeepSeekV3Architecture(JsonNode config, String source) {
    this.config = config;
    this.source = source;
  }

  /** The policy architecture of {@code config} ({@code source} names the file in errors). */
  public static ModelConfig modelConfig(JsonNode config, String source) {
    return new DeepSeekV3Architecture(config, source).map();
  }

  private ModelConfig map() {
    String type = config.path("model_type").asText(null);
    if (!MODEL_TYPE.equals(type)) {
      throw error(
          "model_type", type == null ? "nothing" : "'" + type + "'", "'" + MODEL_TYPE + "'");
    }
    String activation = optionalText("hidden_act", "silu");
    if (!activation.equals("silu")) {
      throw error("hidden_act", "'" + activation + "'", "silu (the SwiGLU of the policy)");
    }
    if (config.hasNonNull("quantization_config")) {
      throw error(
          "quantization_config",
          config.get("quantization_config").path("quant_method").toString(),
          "none: dequantize the checkpoint to bf16 or f32 first");
    }
    if (optionalBoolean("attention_bias", false)) {
      throw error("attention_bias", "true", "false: latent attention has no biases here");
    }
    int heads = integer("num_attention_heads");
    int kvHeads = optionalInteger("num_key_value_heads", heads);
    if (kvHeads != heads) {
      // DeepseekV3Attention expands every head's key from the latent; repeat_kv of fewer
      // key/value heads would not fit its shapes
      throw error("num_key_value_heads", String.valueOf(kvHeads), "num_attention_heads=" + heads);
    }
    int layers = integer("num_hidden_layers");
    int maxPositions = optionalInteger("max_position_embeddings", 4096);
    int ropeDim = integer("qk_rope_head_dim");
    MlaConfig mla =
        new MlaConfig(
            optionalInteger("q_lora_rank", null),
            integer("kv_lora_rank"),
            integer("qk_nope_head_dim"),
            ropeDim,
            integer("v_head_dim"));
    return ModelConfig.builder()
        .vocabSize(integer("vocab_size"))
        .dim(integer("hidden_size"))
        .layers(layers)
        .heads(heads)
        .headDim(ropeDim) // transformers sets head_dim = qk_rope_head_dim: the rotary width
        .mla(mla)
        .normEps(number("rms_norm_eps"))
        .ropeTheta(optionalNumber("rope_theta", 10_000.0))
        .ropeScaling(ropeScaling(maxPositions))
        .ropeInterleaved(optionalBoolean("rope_interleave", true))
        .tieEmbeddings(optionalBoolean("tie_word_embeddings", false))
        .maxSeqLen(maxPositions)
        .denseLayers(Math.min(optionalInteger("first_k_dense_replace", 0), layers))
        .denseHidden(integer("intermediate_size"))
        .routedExperts(integer("n_routed_experts"))
        .topK(integer("num_experts_per_tok"))
        .expertHidden(integer("moe_intermediate_size"))
        .sharedExperts(optionalInteger("n_shared_experts", 0))
        .scoring(ScoringFunction.SIGMOID)
        .normalizeTopK(optionalBoolean("norm_topk_prob", true))
        .routedScale(optionalNumber("routed_scaling_factor", 1.0))
        .routerGroups(optionalInteger("n_group", 1))
        .routerTopKGroups(optionalInteger("topk_group", 1))
        .balanceLossWeight(0)
        .build();
  }

  /** None, or YaRN as _compute_yarn_parameters reads it. */
  private RopeScaling ropeScaling(int maxPositions) {
    JsonNode s = config.path("rope_scaling");
    if (s.isMissingNode() || s.isNull()) {
      return null;
    }
    String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText();
    if (type.equals("default")) {
      return null;
    }
    if (!type.equals("yarn")) {
      throw error("rope_scaling.rope_type", "'" + type + "'", "yarn or none");
    }
    if (s.hasNonNull("attention_factor")) {
      throw error(
          "rope_scaling.attention_factor",
          s.get("attention_factor").toString(),
          "absent: the factor is derived from mscale and mscale_all_dim");
    }
    if (s.has("truncate") && !s.get("truncate").asBoolean()) {
      throw error("rope_scaling.truncate", "false", "true (the default)");
    }
    if (!s.path("factor").isNumber()) {
      throw error("rope_scaling.factor", s.path("factor").toString(), "a number");
    }
    JsonNode original = s.path("original_max_position_embeddings");
    return RopeScaling.yarn(
        s.get("factor").asDouble(),
        original.isIntegralNumber() ? original.asInt() : maxPositions,
        optionalDouble(s, "beta_fast"),
        optionalDouble(s, "beta_slow"),
        optionalDouble(s, "mscale"),
        optionalDouble(s, "mscale_all_dim"));
  }

  private static Double optionalDouble(JsonNode node, String key) {
    JsonNode n = node.get(key);
    return n == null || n.isNull() ? null : n.asDouble();
  }

  private String optionalText(String key, String fallback) {
    JsonNode n = config.get(key);
    return n == null || n.isNull() ? fallback : n.asText();
  }

  private int integer(String key) {
    JsonNode n = config.get(key);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
      throw error(key, n == null ? "nothing" : n.toString(), "an integer");
    }
    return n.asInt();
  }

  private Integer optionalInteger(String key, Integer fallback) {
    JsonNode n = config.get(key);
    return n == null || n.isNull() ? fallback : Integer.valueOf(integer(key));
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
