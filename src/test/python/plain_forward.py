"""A plain re-implementation of the forward pass of the six families Tributary imports.

It reads config.json as written on disk and the tensors by their Hugging Face names (float32),
and follows transformers 4.57.6 statement by statement:
  llama       transformers/models/llama/modeling_llama.py
  qwen2       transformers/models/qwen2/modeling_qwen2.py
  qwen3       transformers/models/qwen3/modeling_qwen3.py
  qwen3_moe   transformers/models/qwen3_moe/modeling_qwen3_moe.py
  mixtral     transformers/models/mixtral/modeling_mixtral.py
  deepseek_v3 transformers/models/deepseek_v3/modeling_deepseek_v3.py
  RoPE        transformers/modeling_rope_utils.py (default, llama3, yarn)
Each function names the class or function of the modeling file it follows. It is written
apart from transformers' classes so that the fixtures are checked by two independent routes
(make_hf_fixtures.py asserts that both agree within 1e-5).
"""

import json
import math

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

class Margins:
    """Smallest decision margins seen: how far each discrete choice was from flipping."""

    def __init__(self):
        self.router = math.inf
        self.group = math.inf

    def topk(self, values, k):
        ranked = torch.sort(values, descending=True).values
        if ranked.numel() > k:
            return float(ranked[k - 1] - ranked[k])
        return math.inf


def rms_norm(x, weight, eps):
    # *RMSNorm.forward: variance over the last dim in float32, then weight * normalised
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def yarn_get_mscale(scale, mscale=1.0):
    if scale <= 1:
        return 1.0
    return 0.1 * mscale * math.log(scale) + 1.0


def rope_inv_freq(cfg, dim):
    """modeling_rope_utils: _compute_default / _compute_llama3 / _compute_yarn_parameters."""
    base = cfg["rope_theta"]
    scaling = cfg.get("rope_scaling")
    kind = None if scaling is None else scaling.get("rope_type", scaling.get("type"))
    exponents = torch.arange(0, dim, 2, dtype=torch.int64).to(torch.float32) / dim
    if kind is None or kind == "default":
        return 1.0 / (base ** exponents), 1.0
    if kind == "llama3":
        inv_freq = 1.0 / (base ** exponents)
        factor = scaling["factor"]
        low_freq_factor = scaling["low_freq_factor"]
        high_freq_factor = scaling["high_freq_factor"]
        old_context_len = scaling["original_max_position_embeddings"]
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        smoothed = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
        is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
        return torch.where(is_medium, smoothed, inv_freq_llama), 1.0
    if kind == "yarn":
        factor = scaling["factor"]
        mscale = scaling.get("mscale")
        mscale_all_dim = scaling.get("mscale_all_dim")
        original = scaling.get("original_max_position_embeddings") or cfg["max_position_embeddings"]
        attention_factor = scaling.get("attention_factor")
        if attention_factor is None:
            if mscale and mscale_all_dim:
                attention_factor = yarn_get_mscale(factor, mscale) / yarn_get_mscale(factor, mscale_all_dim)
            else:
                attention_factor = yarn_get_mscale(factor)
        beta_fast = scaling.get("beta_fast") or 32
        beta_slow = scaling.get("beta_slow") or 1

        def correction_dim(rotations):
            return (dim * math.log(original / (rotations * 2 * math.pi))) / (2 * math.log(base))

        low, high = correction_dim(beta_fast), correction_dim(beta_slow)
        if scaling.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, dim - 1)
        if low == high:
            high += 0.001
        ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
        pos_freqs = base ** exponents
        extrapolation = 1.0 / pos_freqs
        interpolation = 1.0 / (factor * pos_freqs)
        extrapolation_factor = 1 - ramp
        inv_freq = interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor
        return inv_freq, attention_factor
    raise ValueError(f"rope type {kind} is not in this script")


def rope_cos_sin(cfg, dim, length):
    """*RotaryEmbedding.forward: emb = cat(freqs, freqs); cos/sin times attention_scaling."""
    inv_freq, attention_scaling = rope_inv_freq(cfg, dim)
    positions = torch.arange(length, dtype=torch.float32)
    freqs = positions[:, None] * inv_freq[None, :]  # (T, dim/2)
    emb = torch.cat((freqs, freqs), dim=-1)  # (T, dim)
    return emb.cos() * attention_scaling, emb.sin() * attention_scaling


def linear(x, W, name, bias=False):
    y = x @ W[name + ".weight"].T
    if bias:
        y = y + W[name + ".bias"]
    return y


def causal_softmax_attention(q, k, v, scaling):
    """eager_attention_forward: q (H,T,D), k (H,T,D), v (H,T,Dv) -> (T, H*Dv)."""
    T = q.shape[1]
    scores = (q @ k.transpose(1, 2)) * scaling  # (H, T, T)
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(future, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    out = probs @ v  # (H, T, Dv)
    return out.transpose(0, 1).reshape(T, -1)


def standard_attention(cfg, W, p, x, cos, sin, *, bias, qk_norm):
    """LlamaAttention / Qwen2Attention (biases) / Qwen3Attention (q_norm, k_norm)."""
    T = x.shape[0]
    H = cfg["num_attention_heads"]
    KV = cfg["num_key_value_heads"]
    D = cfg.get("head_dim") or cfg["hidden_size"] // H
    q = linear(x, W, p + "q_proj", bias).view(T, H, D)
    k = linear(x, W, p + "k_proj", bias).view(T, KV, D)
    v = linear(x, W, p + "v_proj", bias).view(T, KV, D)
    if qk_norm:
        q = rms_norm(q, W[p + "q_norm.weight"], cfg["rms_norm_eps"])
        k = rms_norm(k, W[p + "k_norm.weight"], cfg["rms_norm_eps"])
    q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)  # (heads, T, D)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    group = H // KV
    k = k.repeat_interleave(group, dim=0)  # repeat_kv: head h reads kv head h // group
    v = v.repeat_interleave(group, dim=0)
    out = causal_softmax_attention(q, k, v, D ** -0.5)
    return linear(out, W, p + "o_proj")


def deinterleave(x):
    """apply_rotary_pos_emb_interleave: pairs (0,1),(2,3).. -> halves [0,2,4..|1,3,5..]."""
    d = x.shape[-1]
    return x.view(*x.shape[:-1], d // 2, 2).transpose(-1, -2).reshape(*x.shape[:-1], d)


def mla_attention(cfg, W, p, x, cos, sin):
    """DeepseekV3Attention.forward (Multi-head Latent Attention)."""
    T = x.shape[0]
    H = cfg["num_attention_heads"]
    nope, rope, dv = cfg["qk_nope_head_dim"], cfg["qk_rope_head_dim"], cfg["v_head_dim"]
    kv_rank = cfg["kv_lora_rank"]
    if cfg.get("q_lora_rank") is None:
        q = linear(x, W, p + "q_proj")
    else:
        # q_a_layernorm and kv_a_layernorm are built with the default eps 1e-6, not rms_norm_eps
        q = linear(rms_norm(linear(x, W, p + "q_a_proj"), W[p + "q_a_layernorm.weight"], 1e-6),
                   W, p + "q_b_proj")
    q = q.view(T, H, nope + rope).transpose(0, 1)  # (H, T, nope+rope)
    q_pass, q_rot = q[..., :nope], q[..., nope:]
    compressed = linear(x, W, p + "kv_a_proj_with_mqa")  # (T, kv_rank + rope)
    k_pass, k_rot = compressed[:, :kv_rank], compressed[:, kv_rank:]
    kv = linear(rms_norm(k_pass, W[p + "kv_a_layernorm.weight"], 1e-6), W, p + "kv_b_proj")
    kv = kv.view(T, H, nope + dv).transpose(0, 1)  # (H, T, nope+dv)
    k_pass, value = kv[..., :nope], kv[..., nope:]
    k_rot = k_rot.view(1, T, rope)
    if cfg.get("rope_interleave", True):
        q_rot, k_rot = deinterleave(q_rot), deinterleave(k_rot)
    q_rot = q_rot * cos + rotate_half(q_rot) * sin
    k_rot = k_rot * cos + rotate_half(k_rot) * sin
    k_rot = k_rot.expand(H, T, rope)
    query = torch.cat((q_pass, q_rot), dim=-1)
    key = torch.cat((k_pass, k_rot), dim=-1)
    scaling = (nope + rope) ** -0.5
    scaling_cfg = cfg.get("rope_scaling")
    if scaling_cfg is not None and scaling_cfg.get("mscale_all_dim", 0):
        m = yarn_get_mscale(scaling_cfg["factor"], scaling_cfg["mscale_all_dim"])
        scaling = scaling * m * m
    out = causal_softmax_attention(query, key, value, scaling)
    return linear(out, W, p + "o_proj")


def swiglu(x, W, p, gate="gate_proj", up="up_proj", down="down_proj"):
    return linear(F.silu(linear(x, W, p + gate)) * linear(x, W, p + up), W, p + down)


def softmax_topk_moe(cfg, W, p, x, margins, *, experts_key, gate, up, down, normalise):
    """Qwen3MoeSparseMoeBlock / MixtralSparseMoeBlock, one token at a time."""
    k = cfg["num_experts_per_tok"]
    out = torch.zeros_like(x)
    for t in range(x.shape[0]):
        probs = torch.softmax(linear(x[t], W, p + "gate"), dim=-1)
        margins.router = min(margins.router, margins.topk(probs, k))
        weights, chosen = torch.topk(probs, k)
        if normalise:
            weights = weights / weights.sum()
        for w, e in zip(weights, chosen.tolist()):
            out[t] += w * swiglu(x[t], W, f"{p}{experts_key}.{e}.", gate, up, down)
    return out


def deepseek_moe(cfg, W, p, x, margins):
    """DeepseekV3TopkRouter + DeepseekV3MoE, one token at a time."""
    E, G = cfg["n_routed_experts"], cfg["n_group"]
    k, topk_group = cfg["num_experts_per_tok"], cfg["topk_group"]
    bias = W[p + "gate.e_score_correction_bias"]
    out = torch.zeros_like(x)
    for t in range(x.shape[0]):
        scores = torch.sigmoid(linear(x[t], W, p + "gate"))
        choice = scores + bias  # the correction bias steers selection only
        group_scores = choice.view(G, E // G).topk(2, dim=-1).values.sum(-1)
        margins.group = min(margins.group, margins.topk(group_scores, topk_group))
        groups = torch.topk(group_scores, topk_group).indices
        allowed = torch.zeros(G, dtype=torch.bool)
        allowed[groups] = True
        allowed = allowed.repeat_interleave(E // G)
        # transformers fills the experts of dropped groups with 0.0, DeepSeek's own code with
        # -inf; the two choose alike while the k-th best allowed score stays above 0.
        margins.router = min(margins.router, margins.topk(choice[allowed], k),
                             float(torch.sort(choice[allowed], descending=True).values[k - 1]))
        masked = choice.masked_fill(~allowed, 0.0)
        chosen = torch.topk(masked, k).indices
        weights = scores[chosen]
        if cfg["norm_topk_prob"]:
            weights = weights / (weights.sum() + 1e-20)
        weights = weights * cfg["routed_scaling_factor"]
        for w, e in zip(weights, chosen.tolist()):
            out[t] += w * swiglu(x[t], W, f"{p}experts.{e}.")
    shared = swiglu(x, W, p + "shared_experts.")
    return out + shared


def forward(cfg, W, ids, margins=None):
    """Logits (T, V) of one unpadded sequence, from config.json and HF-named float32 tensors."""
    margins = margins or Margins()
    model_type = cfg["model_type"]
    eps = cfg["rms_norm_eps"]
    x = W["model.embed_tokens.weight"][torch.tensor(ids)]  # (T, C)
    T = x.shape[0]
    if model_type == "deepseek_v3":
        cos, sin = rope_cos_sin(cfg, cfg["qk_rope_head_dim"], T)
    else:
        head_dim = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
        cos, sin = rope_cos_sin(cfg, head_dim, T)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        if model_type == "deepseek_v3":
            h = mla_attention(cfg, W, p + "self_attn.", h, cos, sin)
        else:
            h = standard_attention(cfg, W, p + "self_attn.", h, cos, sin,
                                   bias=model_type == "qwen2",
                                   qk_norm=model_type in ("qwen3", "qwen3_moe"))
        x = x + h
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        if model_type == "mixtral":
            h = softmax_topk_moe(cfg, W, p + "block_sparse_moe.", h, margins, experts_key="experts",
                                 gate="w1", up="w3", down="w2", normalise=True)
        elif model_type == "qwen3_moe" and is_qwen3_moe_sparse(cfg, i):
            h = softmax_topk_moe(cfg, W, p + "mlp.", h, margins, experts_key="experts",
                                 gate="gate_proj", up="up_proj", down="down_proj",
                                 normalise=cfg["norm_topk_prob"])
        elif model_type == "deepseek_v3" and i >= cfg["first_k_dense_replace"]:
            h = deepseek_moe(cfg, W, p + "mlp.", h, margins)
        else:
            h = swiglu(h, W, p + "mlp.")
        x = x + h
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    return x @ head.T


def is_qwen3_moe_sparse(cfg, i):
    return (i not in cfg["mlp_only_layers"] and cfg["num_experts"] > 0
            and (i + 1) % cfg["decoder_sparse_step"] == 0)


def greedy(step_logits, prompt, n):
    """Argmax continuation, recomputing the full forward each step; no EOS stop."""
    ids, margins = list(prompt), []
    for _ in range(n):
        last = step_logits(ids)[-1]
        top2 = torch.topk(last, 2).values
        margins.append(float(top2[0] - top2[1]))
        ids.append(int(torch.argmax(last)))
    return ids[len(prompt):], min(margins)


def load_weights(directory):
    """All tensors of the directory (single file or shards via the index), as float32."""
    index = directory / "model.safetensors.index.json"
    files = sorted(set(json.loads(index.read_text())["weight_map"].values())) if index.exists() \
        else ["model.safetensors"]
    weights = {}
    for name in files:
        for key, tensor in load_file(directory / name).items():
            assert key not in weights, f"{key} twice"
            weights[key] = tensor.to(torch.float32)
    return weights
