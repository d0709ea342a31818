package io.tributary.hf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors a checkpoint of a config must hold, named and shaped as the family's transformers
 * modeling file creates them (state-dict order, weights as [out, in]). It is what a loader checks a
 * directory against, and what a generated checkpoint is made of.
 */
public final class HfTensorLayout {
  private HfTensorLayout() {}

  /** Tensor name -> shape, in the order of the model's state dict. */
  public static Map<String, List<Long>> of(HfConfig c) {
    Map<String, List<Long>> t = new LinkedHashMap<>();
    long hidden = c.hiddenSize();
    t.put("model.embed_tokens.weight", List.of((long) c.vocabSize(), hidden));
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      String p = "model.layers." + layer + ".";
      if (c.mla() != null) {
        mla(t, p + "self_attn.", c);
      } else {
        attention(t, p + "self_attn.", c);
      }
      if (c.isMoeLayer(layer)) {
        moe(t, p, c);
      } else {
        mlp(t, p + "mlp.", "gate_proj", "up_proj", "down_proj", hidden, c.intermediateSize());
      }
      t.put(p + "input_layernorm.weight", List.of(hidden));
      t.put(p + "post_attention_layernorm.weight", List.of(hidden));
    }
    t.put("model.norm.weight", List.of(hidden));
    if (!c.tieWordEmbeddings()) {
      t.put("lm_head.weight", List.of((long) c.vocabSize(), hidden));
    }
    return t;
  }

  private static void attention(Map<String, List<Long>> t, String p, HfConfig c) {
    long hidden = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    linear(t, p + "q_proj", q, hidden, c.qkvBias());
    linear(t, p + "k_proj", kv, hidden, c.qkvBias());
    linear(t, p + "v_proj", kv, hidden, c.qkvBias());
    linear(t, p + "o_proj", hidden, q, c.outputBias());
    if (c.qkNorm()) {
      t.put(p + "q_norm.weight", List.of((long) c.headDim()));
      t.put(p + "k_norm.weight", List.of((long) c.headDim()));
    }
  }

  // modeling_deepseek_v3.py DeepseekV3Attention
  private static void mla(Map<String, List<Long>> t, String p, HfConfig c) {
    HfMla m = c.mla();
    long hidden = c.hiddenSize();
    long heads = c.numAttentionHeads();
    boolean bias = c.outputBias();
    if (m.qLoraRank() == null) {
      linear(t, p + "q_proj", heads * m.qkHeadDim(), hidden, false);
    } else {
      linear(t, p + "q_a_proj", m.qLoraRank(), hidden, bias);
      t.put(p + "q_a_layernorm.weight", List.of((long) m.qLoraRank()));
      linear(t, p + "q_b_proj", heads * m.qkHeadDim(), m.qLoraRank(), false);
    }
    linear(t, p + "kv_a_proj_with_mqa", m.kvLoraRank() + m.qkRopeHeadDim(), hidden, bias);
    t.put(p + "kv_a_layernorm.weight", List.of((long) m.kvLoraRank()));
    linear(t, p + "kv_b_proj", heads * (m.qkNopeHeadDim() + m.vHeadDim()), m.kvLoraRank(), false);
    linear(t, p + "o_proj", hidden, heads * m.vHeadDim(), bias);
  }

  private static void moe(Map<String, List<Long>> t, String p, HfConfig c) {
    HfMoe moe = c.moe();
    long hidden = c.hiddenSize();
    long experts = moe.numExperts();
    int width = moe.expertIntermediateSize();
    if (c.modelType() == HfModelType.MIXTRAL) {
      // modeling_mixtral.py: block_sparse_moe, experts with w1 (gate), w3 (up), w2 (down)
      t.put(p + "block_sparse_moe.gate.weight", List.of(experts, hidden));
      for (int e = 0; e < experts; e++) {
        String x = p + "block_sparse_moe.experts." + e + ".";
        t.put(x + "w1.weight", List.of((long) width, hidden));
        t.put(x + "w2.weight", List.of(hidden, (long) width));
        t.put(x + "w3.weight", List.of((long) width, hidden));
      }
      return;
    }
    t.put(p + "mlp.gate.weight", List.of(experts, hidden));
    if (moe.selectionBias()) {
      t.put(p + "mlp.gate.e_score_correction_bias", List.of(experts));
    }
    for (int e = 0; e < experts; e++) {
      mlp(t, p + "mlp.experts." + e + ".", "gate_proj", "up_proj", "down_proj", hidden, width);
    }
    if (moe.sharedExperts() > 0) {
      mlp(
          t,
          p + "mlp.shared_experts.",
          "gate_proj",
          "up_proj",
          "down_proj",
          hidden,
          moe.sharedIntermediateSize());
    }
  }

  private static void mlp(
      Map<String, List<Long>> t,
      String p,
      String gate,
      String up,
      String down,
      long hidden,
      long width) {
    t.put(p + gate + ".weight", List.of(width, hidden));
    t.put(p + up + ".weight", List.of(width, hidden));
    t.put(p + down + ".weight", List.of(hidden, width));
  }

  private static void linear(
      Map<String, List<Long>> t, String name, long out, long in, boolean bias) {
    t.put(name + ".weight", List.of(out, in));
    if (bias) {
      t.put(name + ".bias", List.of(out));
    }
  }
}
