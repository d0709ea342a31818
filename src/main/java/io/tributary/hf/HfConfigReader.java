package io.tributary.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ScoringFunction;
import java.util.Set;

/**
 * The family table behind {@link HfConfig#parse}: which keys each model_type reads, the defaults of
 * its transformers config class (configuration_llama.py, configuration_qwen2.py,
 * configuration_qwen3.py, configuration_qwen3_moe.py, configuration_mixtral.py,
 * configuration_deepseek_v3.py), and the values that would change the math in a way Tributary does
 * not implement, which are refused with the key named.
 */
final class HfConfigReader {
  private static final Set<String> ROPE_KEYS =
      Set.of(
          "type",
          "rope_type",
          "rope_theta",
          "factor",
          "low_freq_factor",
          "high_freq_factor",
          "original_max_position_embeddings",
          "beta_fast",
          "beta_slow",
          "mscale",
          "mscale_all_dim",
          "attention_factor",
          "truncate",
          "partial_rotary_factor");

  private HfConfigReader() {}

  static HfConfig read(ConfigJson c, ObjectNode json) {
    if (!c.has("model_type")) {
      throw c.missing("model_type", "one of " + HfModelType.supported());
    }
    HfModelType type = HfModelType.fromConfigName(c.stringOr("model_type", null), c.where());
    refuseCommonUnsupported(c, type);

    int hidden = c.requiredPositiveInt("hidden_size");
    int layers = c.requiredPositiveInt("num_hidden_layers");
    int heads = c.requiredPositiveInt("num_attention_heads");
    int vocab = c.requiredPositiveInt("vocab_size");
    int kvHeads = c.positiveIntOr("num_key_value_heads", heads);
    if (heads % kvHeads != 0) {
      throw new HfFormatException(
          c.where()
              + ": key 'num_key_value_heads' = "
              + kvHeads
              + " must divide num_attention_heads = "
              + heads);
    }

    HfMla mla = type == HfModelType.DEEPSEEK_V3 ? readMla(c) : null;
    int headDim;
    if (mla != null) {
      headDim = mla.qkHeadDim();
    } else if (type == HfModelType.QWEN3 || type == HfModelType.QWEN3_MOE) {
      // Qwen3 sets head_dim apart from hidden_size / heads (Qwen3-30B-A3B: 2048 / 32 heads, 128)
      headDim = c.requiredPositiveInt("head_dim");
    } else {
      if (!c.has("head_dim") && hidden % heads != 0) {
        throw c.missing("head_dim", "a positive integer (hidden_size is no multiple of the heads)");
      }
      headDim = c.positiveIntOr("head_dim", hidden / heads);
    }

    HfMoe moe = readMoe(c, type, layers);
    Integer intermediate =
        needsDenseWidth(type, moe)
            ? c.requiredPositiveInt("intermediate_size")
            : c.optionalInt("intermediate_size");

    boolean attentionBias = c.booleanOr("attention_bias", false);
    boolean qkvBias;
    boolean outputBias;
    switch (type) {
      case QWEN2 -> {
        // Qwen2Attention: q/k/v always carry a bias, o_proj never; the key does not exist there
        qkvBias = true;
        outputBias = false;
      }
      case MIXTRAL -> {
        qkvBias = false;
        outputBias = false;
      }
      default -> {
        qkvBias = attentionBias;
        outputBias = attentionBias;
      }
    }

    double ropeTheta = readRopeTheta(c, type);
    HfRopeScaling ropeScaling = readRopeScaling(c);
    boolean interleaved = type == HfModelType.DEEPSEEK_V3 && c.booleanOr("rope_interleave", true);

    String dtype = c.has("dtype") ? c.stringOr("dtype", null) : c.stringOr("torch_dtype", null);
    return new HfConfig(
        type,
        c.stringList("architectures"),
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        headDim,
        vocab,
        c.positiveDoubleOr("rms_norm_eps", type == HfModelType.MIXTRAL ? 1e-5 : 1e-6),
        ropeTheta,
        ropeScaling,
        interleaved,
        c.booleanOr("tie_word_embeddings", false),
        qkvBias,
        outputBias,
        type == HfModelType.QWEN3 || type == HfModelType.QWEN3_MOE,
        c.positiveIntOr("max_position_embeddings", defaultMaxPositions(type)),
        dtype,
        c.optionalInt("bos_token_id"),
        c.intOrIntList("eos_token_id"),
        moe,
        mla,
        json);
  }

  private static boolean needsDenseWidth(HfModelType type, HfMoe moe) {
    return moe == null || moe.firstDenseLayers() > 0 || type == HfModelType.MIXTRAL;
  }

  private static int defaultMaxPositions(HfModelType type) {
    return switch (type) {
      case LLAMA -> 2048;
      case QWEN2, QWEN3, QWEN3_MOE -> 32768;
      case MIXTRAL -> 4096 * 32;
      case DEEPSEEK_V3 -> 4096;
    };
  }

  private static void refuseCommonUnsupported(ConfigJson c, HfModelType type) {
    String activation = c.stringOr("hidden_act", "silu");
    if (!activation.equals("silu")) {
      throw c.unsupported("hidden_act", c.get("hidden_act"), "the MLPs are SwiGLU with silu");
    }
    if (c.has("quantization_config")) {
      throw c.unsupported(
          "quantization_config",
          c.get("quantization_config").get("quant_method"),
          "quantized weights (e.g. FP8 blocks with scales) are not dequantized; use a bf16 release");
    }
    if (c.has("attention_dropout") && c.optionalDouble("attention_dropout") != 0.0) {
      throw c.unsupported(
          "attention_dropout", c.get("attention_dropout"), "Tributary applies no dropout");
    }
    if (c.booleanOr("use_sliding_window", false)) {
      throw c.unsupported(
          "use_sliding_window",
          c.get("use_sliding_window"),
          "attention is always full, never windowed");
    }
    if (type == HfModelType.MIXTRAL && c.has("sliding_window")) {
      throw c.unsupported(
          "sliding_window", c.get("sliding_window"), "attention is always full, never windowed");
    }
    for (String layerType : c.stringList("layer_types")) {
      if (!layerType.equals("full_attention")) {
        throw c.unsupported(
            "layer_types", c.get("layer_types"), "every layer must be full_attention");
      }
    }
    if (c.booleanOr("mlp_bias", false)) {
      throw c.unsupported("mlp_bias", c.get("mlp_bias"), "the MLP projections have no biases");
    }
  }

  private static HfMoe readMoe(ConfigJson c, HfModelType type, int layers) {
    return switch (type) {
      case LLAMA, QWEN2, QWEN3 -> null;
      case MIXTRAL -> {
        int experts = c.requiredPositiveInt("num_local_experts");
        int topK = topK(c, experts);
        int width = c.requiredPositiveInt("intermediate_size");
        // MixtralSparseMoeBlock: softmax over all experts, top-k, always renormalised
        yield new HfMoe(
            experts, topK, width, 0, 0, true, ScoringFunction.SOFTMAX, false, 1, 1, 1.0, 0);
      }
      case QWEN3_MOE -> {
        int step = c.positiveIntOr("decoder_sparse_step", 1);
        if (step != 1) {
          throw c.unsupported(
              "decoder_sparse_step", c.get("decoder_sparse_step"), "every layer must be MoE (1)");
        }
        JsonNode mlpOnly = c.get("mlp_only_layers");
        if (mlpOnly != null && (!mlpOnly.isArray() || !mlpOnly.isEmpty())) {
          throw c.unsupported(
              "mlp_only_layers",
              mlpOnly,
              "dense layers among MoE layers are not built (must be [])");
        }
        int experts = c.requiredPositiveInt("num_experts");
        int topK = topK(c, experts);
        int width = c.requiredPositiveInt("moe_intermediate_size");
        boolean norm = c.booleanOr("norm_topk_prob", false);
        yield new HfMoe(
            experts, topK, width, 0, 0, norm, ScoringFunction.SOFTMAX, false, 1, 1, 1.0, 0);
      }
      case DEEPSEEK_V3 -> {
        String scoring = c.stringOr("scoring_func", "sigmoid");
        if (!scoring.equals("sigmoid")) {
          throw c.unsupported(
              "scoring_func", c.get("scoring_func"), "DeepSeek-V3 routes with sigmoid");
        }
        String method = c.stringOr("topk_method", "noaux_tc");
        if (!method.equals("noaux_tc")) {
          throw c.unsupported(
              "topk_method",
              c.get("topk_method"),
              "DeepSeek-V3 routing is noaux_tc (group-limited, bias-corrected)");
        }
        int frequency = c.positiveIntOr("moe_layer_freq", 1);
        if (frequency != 1) {
          throw c.unsupported(
              "moe_layer_freq",
              c.get("moe_layer_freq"),
              "every layer after the dense ones must be MoE (1)");
        }
        int experts = c.requiredPositiveInt("n_routed_experts");
        int topK = topK(c, experts);
        int width = c.requiredPositiveInt("moe_intermediate_size");
        int shared = c.requiredNonNegativeInt("n_shared_experts");
        int groups = c.requiredPositiveInt("n_group");
        int topkGroups = c.requiredPositiveInt("topk_group");
        if (experts % groups != 0) {
          throw new HfFormatException(
              c.where()
                  + ": key 'n_group' = "
                  + groups
                  + " must divide n_routed_experts = "
                  + experts);
        }
        if (topkGroups > groups) {
          throw new HfFormatException(
              c.where() + ": key 'topk_group' = " + topkGroups + " exceeds n_group = " + groups);
        }
        if (topK > topkGroups * (experts / groups)) {
          throw new HfFormatException(
              c.where()
                  + ": key 'num_experts_per_tok' = "
                  + topK
                  + " exceeds the experts of topk_group groups ("
                  + topkGroups * (experts / groups)
                  + ")");
        }
        int firstDense = c.requiredNonNegativeInt("first_k_dense_replace");
        if (firstDense > layers) {
          throw new HfFormatException(
              c.where()
                  + ": key 'first_k_dense_replace' = "
                  + firstDense
                  + " exceeds num_hidden_layers = "
                  + layers);
        }
        yield new HfMoe(
            experts,
            topK,
            width,
            shared,
            shared * width,
            c.requiredBoolean("norm_topk_prob"),
            ScoringFunction.SIGMOID,
            true,
            groups,
            topkGroups,
            c.requiredPositiveDouble("routed_scaling_factor"),
            firstDense);
      }
    };
  }

  private static int topK(ConfigJson c, int experts) {
    int topK = c.requiredPositiveInt("num_experts_per_tok");
    if (topK > experts) {
      throw new HfFormatException(
          c.where()
              + ": key 'num_experts_per_tok' = "
              + topK
              + " exceeds the "
              + experts
              + " experts");
    }
    return topK;
  }

  private static HfMla readMla(ConfigJson c) {
    if (!c.present("q_lora_rank")) {
      throw c.missing("q_lora_rank", "a positive integer, or null for uncompressed queries");
    }
    return new HfMla(
        c.has("q_lora_rank") ? c.requiredPositiveInt("q_lora_rank") : null,
        c.requiredPositiveInt("kv_lora_rank"),
        c.requiredPositiveInt("qk_nope_head_dim"),
        c.requiredPositiveInt("qk_rope_head_dim"),
        c.requiredPositiveInt("v_head_dim"));
  }

  private static double readRopeTheta(ConfigJson c, HfModelType type) {
    double fallback = type == HfModelType.MIXTRAL ? 1e6 : 10_000.0;
    ConfigJson parameters = c.object("rope_parameters");
    if (c.has("rope_theta")) {
      return c.requiredPositiveDouble("rope_theta");
    }
    if (parameters != null && parameters.has("rope_theta")) {
      return parameters.requiredPositiveDouble("rope_theta");
    }
    return fallback;
  }

  /**
   * rope_scaling as transformers 4.x writes it ("type" or "rope_type"), or rope_parameters as newer
   * versions write it (where rope_type "default" means no scaling).
   */
  private static HfRopeScaling readRopeScaling(ConfigJson c) {
    ConfigJson scaling = c.object("rope_parameters");
    String key = "rope_parameters";
    if (scaling == null || ropeType(scaling).equals("default")) {
      scaling = c.object("rope_scaling");
      key = "rope_scaling";
    }
    if (scaling == null) {
      return null;
    }
    for (var it = scaling.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!ROPE_KEYS.contains(field)) {
        throw c.unsupported(key, c.get(key), "unknown field '" + field + "'");
      }
    }
    if (scaling.has("partial_rotary_factor")
        && scaling.optionalDouble("partial_rotary_factor") != 1.0) {
      throw c.unsupported(key, c.get(key), "rotary embeddings cover the whole head");
    }
    String type = ropeType(scaling);
    return switch (type) {
      case "default" -> null;
      case "llama3" ->
          new HfRopeScaling(
              HfRopeScaling.Type.LLAMA3,
              scaling.requiredPositiveDouble("factor"),
              scaling.requiredPositiveDouble("low_freq_factor"),
              scaling.requiredPositiveDouble("high_freq_factor"),
              scaling.requiredPositiveInt("original_max_position_embeddings"),
              null,
              null,
              null,
              null,
              null);
      case "yarn" -> {
        if (!scaling.booleanOr("truncate", true)) {
          throw c.unsupported(key, c.get(key), "YaRN without truncation of the correction range");
        }
        yield new HfRopeScaling(
            HfRopeScaling.Type.YARN,
            scaling.requiredPositiveDouble("factor"),
            null,
            null,
            scaling.optionalInt("original_max_position_embeddings"),
            scaling.optionalDouble("beta_fast"),
            scaling.optionalDouble("beta_slow"),
            scaling.optionalDouble("mscale"),
            scaling.optionalDouble("mscale_all_dim"),
            scaling.optionalDouble("attention_factor"));
      }
      default ->
          throw c.unsupported(
              key, c.get(key), "rope type '" + type + "' (supported: llama3, yarn)");
    };
  }

  private static String ropeType(ConfigJson scaling) {
    String type = scaling.stringOr("rope_type", null);
    return type != null ? type : scaling.stringOr("type", "default");
  }
}
