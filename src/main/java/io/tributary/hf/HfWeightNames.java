package io.tributary.hf;

import io.tributary.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face tensor names of the llama, qwen2, qwen3, qwen3_moe and mixtral families and the
 * Tributary parameter each one is, as plain names without DJL's block-position prefixes ({@code
 * layer0_attention_wq} for {@code 01layer0_02attention_wq}). Names follow transformers' modeling
 * files of each family (LlamaForCausalLM, Qwen2/Qwen3/Qwen3Moe/MixtralForCausalLM).
 */
public final class HfWeightNames {
  private HfWeightNames() {}

  /** Hugging Face name -> Tributary plain parameter name, for every tensor the model has. */
  public static Map<String, String> of(String modelType, ModelConfig config) {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("model.embed_tokens.weight", "embedding");
    for (int i = 0; i < config.layers(); i++) {
      String hf = "model.layers." + i + ".";
      String tb = "layer" + i + "_";
      names.put(hf + "input_layernorm.weight", tb + "attention_norm_gain");
      for (String p : new String[] {"q", "k", "v", "o"}) {
        names.put(hf + "self_attn." + p + "_proj.weight", tb + "attention_w" + p);
      }
      if (config.attentionBias()) {
        for (String p : new String[] {"q", "k", "v"}) {
          names.put(hf + "self_attn." + p + "_proj.bias", tb + "attention_b" + p);
        }
      }
      if (config.qkNorm()) {
        names.put(hf + "self_attn.q_norm.weight", tb + "attention_q_norm_gain");
        names.put(hf + "self_attn.k_norm.weight", tb + "attention_k_norm_gain");
      }
      names.put(hf + "post_attention_layernorm.weight", tb + "ffn_norm_gain");
      if (!config.isMoeLayer(i)) {
        swiGlu(names, hf + "mlp.", tb + "ffn_", "gate_proj", "up_proj", "down_proj");
      } else if (modelType.equals("mixtral")) {
        names.put(hf + "block_sparse_moe.gate.weight", tb + "moe_router_weight");
        for (int e = 0; e < config.routedExperts(); e++) {
          swiGlu(
              names,
              hf + "block_sparse_moe.experts." + e + ".",
              tb + "moe_expert" + e + "_",
              "w1",
              "w3",
              "w2");
        }
      } else {
        names.put(hf + "mlp.gate.weight", tb + "moe_router_weight");
        for (int e = 0; e < config.routedExperts(); e++) {
          swiGlu(
              names,
              hf + "mlp.experts." + e + ".",
              tb + "moe_expert" + e + "_",
              "gate_proj",
              "up_proj",
              "down_proj");
        }
      }
    }
    names.put("model.norm.weight", "final_norm_gain");
    if (!config.tieEmbeddings()) {
      names.put("lm_head.weight", "head");
    }
    return names;
  }

  /** Tributary's SwiGLU is w2(silu(w1 x) · w3 x): w1 the gate, w3 the up, w2 the down matrix. */
  private static void swiGlu(
      Map<String, String> names, String hf, String tb, String gate, String up, String down) {
    names.put(hf + gate + ".weight", tb + "w1");
    names.put(hf + up + ".weight", tb + "w3");
    names.put(hf + down + ".weight", tb + "w2");
  }

  /** A DJL parameter name without the block-position prefixes: 01layer0_02attention_wq -> ... */
  public static String plain(String djlName) {
    return djlName.replaceAll("(^|_)\\d+(?=[a-z])", "$1");
  }
}
