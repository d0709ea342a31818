package io.tributary.hf;

import io.tributary.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a deepseek_v3 checkpoint (transformers 4.57 DeepseekV3ForCausalLM) and the
 * Tributary parameter each one is, as plain names without DJL's block-position prefixes (see {@link
 * HfWeightNames#plain}). Every matrix keeps its layout: both sides store Linear weights as (out,
 * in), kv_a_proj_with_mqa's rows are the latent then the rotary key, q_b_proj's and kv_b_proj's
 * rows are per head [nope, rope] and [key, value], and the interleaved rotary layout is applied at
 * run time on both sides, so no tensor is permuted.
 */
public final class DeepSeekV3Weights {

  private DeepSeekV3Weights() {}

  /** Hugging Face name -> Tributary plain parameter name, for every tensor the model has. */
  public static Map<String, String> names(ModelConfig config) {
    if (config.mla() == null) {
      throw new IllegalArgumentException("deepseek_v3 weights need a config with mla set");
    }
    Map<String, String> names = new LinkedHashMap<>();
    names.put("model.embed_tokens.weight", "embedding");
    for (int i = 0; i < config.layers(); i++) {
      String hf = "model.layers." + i + ".";
      String tb = "layer" + i + "_";
      names.put(hf + "input_layernorm.weight", tb + "attention_norm_gain");
      String attn = hf + "self_attn.";
      String a = tb + "attention_";
      if (config.mla().qLoraRank() == null) {
        names.put(attn + "q_proj.weight", a + "wq");
      } else {
        names.put(attn + "q_a_proj.weight", a + "wq_a");
        names.put(attn + "q_a_layernorm.weight", a + "q_a_norm_gain");
        names.put(attn + "q_b_proj.weight", a + "wq_b");
      }
      names.put(attn + "kv_a_proj_with_mqa.weight", a + "wkv_a");
      names.put(attn + "kv_a_layernorm.weight", a + "kv_a_norm_gain");
      names.put(attn + "kv_b_proj.weight", a + "wkv_b");
      names.put(attn + "o_proj.weight", a + "wo");
      names.put(hf + "post_attention_layernorm.weight", tb + "ffn_norm_gain");
      if (!config.isMoeLayer(i)) {
        swiGlu(names, hf + "mlp.", tb + "ffn_");
        continue;
      }
      names.put(hf + "mlp.gate.weight", tb + "moe_router_weight");
      // the correction bias is the router's selection bias: used to choose experts, never to
      // weigh them, and where bias balancing continues from
      names.put(hf + "mlp.gate.e_score_correction_bias", tb + "moe_router_selection_bias");
      for (int e = 0; e < config.routedExperts(); e++) {
        swiGlu(names, hf + "mlp.experts." + e + ".", tb + "moe_expert" + e + "_");
      }
      if (config.sharedExperts() > 0) {
        // one SwiGLU of width n_shared_experts·moe_intermediate_size on both sides
        swiGlu(names, hf + "mlp.shared_experts.", tb + "moe_shared_");
      }
    }
    names.put("model.norm.weight", "final_norm_gain");
    if (!config.tieEmbeddings()) {
      names.put("lm_head.weight", "head");
    }
    return names;
  }

  /** Tributary's SwiGLU is w2(silu(w1 x) · w3 x): w1 the gate, w3 the up, w2 the down matrix. */
  private static void swiGlu(Map<String, String> names, String hf, String tb) {
    names.put(hf + "gate_proj.weight", tb + "w1");
    names.put(hf + "up_proj.weight", tb + "w3");
    names.put(hf + "down_proj.weight", tb + "w2");
  }
}
