#!/usr/bin/env python3
"""Builds the Hugging Face parity fixtures under src/test/resources/hf/<model_type>/.

For each of the six architectures Tributary imports, this script
  1. builds a tiny model with transformers' own class from a config that exercises the
     family's features, and gives EVERY tensor random values from a fixed seed (norm gains,
     biases, router weights and DeepSeek-V3's e_score_correction_bias included, so that a
     loader that drops or misplaces any tensor fails the parity test);
  2. saves it with save_pretrained (safetensors) together with a small tokenizer, in exactly
     the layout Hugging Face publishes;
  3. computes the reference with transformers (float32, eager attention): the logits of the
     full forward for three token sequences and a greedy continuation of 32 tokens without
     any EOS stop;
  4. recomputes the same from the files on disk with the plain re-implementation below,
     which follows transformers' modeling file of the family line by line, and refuses to
     write reference.json unless both agree within 1e-5 and produce the same greedy tokens.

The references follow transformers 4.57.6 (the version pinned in README.md beside this
script), one modeling file per family:
  llama       transformers/models/llama/modeling_llama.py             (+ modeling_rope_utils.py, llama3)
  qwen2       transformers/models/qwen2/modeling_qwen2.py
  qwen3       transformers/models/qwen3/modeling_qwen3.py
  qwen3_moe   transformers/models/qwen3_moe/modeling_qwen3_moe.py
  mixtral     transformers/models/mixtral/modeling_mixtral.py
  deepseek_v3 transformers/models/deepseek_v3/modeling_deepseek_v3.py (+ modeling_rope_utils.py, yarn)

Storage dtypes: F32, except llama (BF16, two shards with model.safetensors.index.json) and
qwen2 (F16). For those two the parameters are rounded to the stored dtype and back to float32
before the reference is computed, so the reference is what a loader computes in float32 from
exactly the stored weights.

The seed of each family is the first one from its base seed whose reference is unambiguous:
every greedy step's best logit leads the runner-up by at least GREEDY_MARGIN, the 32 greedy
tokens hold at least GREEDY_DISTINCT different ones (a loop on one token would hide cache bugs),
and every MoE
routing decision (top-k experts, DeepSeek's top groups) is decided by at least ROUTER_MARGIN,
so that an implementation within 1e-4 of the logits must pick the same tokens and experts.

Usage: python make_hf_fixtures.py [--out DIR] [family ...]   (default: all six, into
src/test/resources/hf relative to the repository root).
"""

import argparse
import copy
import json
import math
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
import transformers
from safetensors.torch import load_file
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (
    DeepseekV3Config,
    DeepseekV3ForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    MixtralConfig,
    MixtralForCausalLM,
    PreTrainedTokenizerFast,
    Qwen2Config,
    Qwen2ForCausalLM,
    Qwen3Config,
    Qwen3ForCausalLM,
    Qwen3MoeConfig,
    Qwen3MoeForCausalLM,
)

TRANSFORMERS_VERSION = "4.57.6"
AGREEMENT = 1e-5
GREEDY_TOKENS = 32
GREEDY_MARGIN = 1e-3
GREEDY_DISTINCT = 8
TIED_EMBEDDING_SCALE = 0.2
ROUTER_MARGIN = 5e-4
TOP_LOGPROBS = 5
REPO_ROOT = Path(__file__).resolve().parents[3]

# Arithmetic text the tokenizers are trained on; the sequences below are drawn from the same
# world, so that the tokenizer merges matter.
CORPUS = [
    "What is 12 plus 7? The answer is 19.",
    "What is 8 times 6? The answer is 48.",
    "Compute 45 minus 17. The result is 28.",
    "If Anna has 3 apples and buys 5 more, she has 8 apples.",
    "The sum of 23 and 19 is 42.",
    "Half of 64 is 32, and a quarter of 64 is 16.",
    "Question: 7 + 5 = ? Answer: 12",
    "Question: 9 * 9 = ? Answer: 81",
    "Question: 100 - 37 = ? Answer: 63",
    "A train travels 60 miles in 2 hours, so its speed is 30 miles per hour.",
    "There are 4 boxes with 6 pencils each, which makes 24 pencils.",
    "The product of 11 and 13 is 143.",
    "Divide 96 by 8 and you get 12.",
    "Tom is 14 years old; his sister is 3 years older, so she is 17.",
]
TEXTS = [
    "What is 5 plus 9?",
    "Question: 6 * 7 = ? Answer: 42",
    "Tom has 12 apples and buys 9 more.",
]
GREEDY_PROMPT = "Question: 15 + 27 = ? Answer:"

# Special tokens per family, as each family's published tokenizer names them.
# "first": the specials take the lowest ids (sentencepiece-era models); otherwise they follow
# the learned vocabulary (Llama 3, Qwen).
SPECIALS = {
    "llama": dict(
        tokens=["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"],
        first=False, bos="<|begin_of_text|>", eos="<|end_of_text|>", pad=None, add_bos=True),
    "qwen": dict(
        tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        first=False, bos=None, eos="<|endoftext|>", pad="<|endoftext|>", add_bos=False),
    "mixtral": dict(
        tokens=["<unk>", "<s>", "</s>"],
        first=True, bos="<s>", eos="</s>", pad=None, add_bos=True, unk="<unk>"),
    "deepseek_v3": dict(
        tokens=["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>"],
        first=True, bos="<｜begin▁of▁sentence｜>", eos="<｜end▁of▁sentence｜>",
        pad="<｜▁pad▁｜>", add_bos=True),
}


@dataclass
class Family:
    model_type: str
    model_class: type
    config: object
    modeling_file: str
    specials: str
    storage_dtype: torch.dtype = torch.float32
    shards: int = 1
    seed: int = 0
    features: list = field(default_factory=list)


def families():
    """The tiny configs. Each exercises what its family adds over a plain Llama."""
    vocab = 160
    return [
        Family(
            "llama", LlamaForCausalLM,
            LlamaConfig(
                vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                rms_norm_eps=1e-5, rope_theta=500000.0,
                # original_max_position_embeddings=64 puts the 8 frequencies of head_dim 16 in
                # all three llama3 regimes: kept, divided by factor, and smoothly interpolated.
                rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                              "high_freq_factor": 4.0, "original_max_position_embeddings": 64},
                tie_word_embeddings=False),
            "transformers/models/llama/modeling_llama.py", "llama",
            storage_dtype=torch.bfloat16, shards=2, seed=1100,
            features=["GQA 4 heads / 2 kv heads", "rope_theta 500000", "rope_scaling llama3",
                      "BF16 weights in 2 shards with index", "untied head", "rms_norm_eps 1e-5"]),
        Family(
            "qwen2", Qwen2ForCausalLM,
            Qwen2Config(
                vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=False,
                use_sliding_window=False),
            "transformers/models/qwen2/modeling_qwen2.py", "qwen",
            storage_dtype=torch.float16, seed=2100,
            features=["GQA 4/2", "q/k/v biases (no o_proj bias)", "rope_theta 1e6",
                      "F16 weights", "untied head"]),
        Family(
            "qwen3", Qwen3ForCausalLM,
            Qwen3Config(
                vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
                num_attention_heads=4, num_key_value_heads=2, head_dim=24,
                max_position_embeddings=512, rms_norm_eps=1e-6, rope_theta=1000000.0,
                tie_word_embeddings=True, use_sliding_window=False, attention_bias=False),
            "transformers/models/qwen3/modeling_qwen3.py", "qwen", seed=3100,
            features=["GQA 4/2", "head_dim 24 != hidden/heads 16", "per-head q_norm/k_norm",
                      "tied embeddings (no lm_head.weight in the file)", "rope_theta 1e6"]),
        Family(
            "qwen3_moe", Qwen3MoeForCausalLM,
            Qwen3MoeConfig(
                vocab_size=vocab, hidden_size=64, intermediate_size=128,
                moe_intermediate_size=32, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, head_dim=16, num_experts=8, num_experts_per_tok=2,
                norm_topk_prob=True, decoder_sparse_step=1, mlp_only_layers=[],
                max_position_embeddings=512, rms_norm_eps=1e-6, rope_theta=1000000.0,
                tie_word_embeddings=False, use_sliding_window=False, router_aux_loss_coef=0.001),
            "transformers/models/qwen3_moe/modeling_qwen3_moe.py", "qwen", seed=4100,
            features=["GQA 4/2", "q_norm/k_norm", "8 experts top-2, softmax then top-k",
                      "norm_topk_prob true", "every layer sparse"]),
        Family(
            "mixtral", MixtralForCausalLM,
            MixtralConfig(
                vocab_size=vocab, hidden_size=64, intermediate_size=32, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, num_local_experts=8,
                num_experts_per_tok=2, max_position_embeddings=512, rms_norm_eps=1e-5,
                rope_theta=1000000.0, sliding_window=None, tie_word_embeddings=False,
                router_jitter_noise=0.0),
            "transformers/models/mixtral/modeling_mixtral.py", "mixtral", seed=5100,
            features=["GQA 4/2", "8 experts top-2 (block_sparse_moe, w1/w2/w3)",
                      "softmax then top-k, always renormalised", "rms_norm_eps 1e-5"]),
        Family(
            "deepseek_v3", DeepseekV3ForCausalLM,
            DeepseekV3Config(
                vocab_size=vocab, hidden_size=64, intermediate_size=96,
                moe_intermediate_size=32, num_hidden_layers=3, num_attention_heads=4,
                num_key_value_heads=4, n_shared_experts=1, n_routed_experts=8,
                routed_scaling_factor=2.5, kv_lora_rank=32, q_lora_rank=48,
                qk_rope_head_dim=16, v_head_dim=16, qk_nope_head_dim=24, n_group=2,
                topk_group=1, num_experts_per_tok=2, first_k_dense_replace=1,
                norm_topk_prob=True, max_position_embeddings=1024, rms_norm_eps=1e-6,
                rope_theta=10000.0, rope_interleave=True,
                # Written as DeepSeek-V3 publishes it ("type"); transformers adds "rope_type".
                # original_max_position_embeddings=256 spreads the yarn ramp over the 8
                # frequencies; mscale != mscale_all_dim makes both yarn factors matter.
                rope_scaling={"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 256,
                              "beta_fast": 32, "beta_slow": 1, "mscale": 0.8,
                              "mscale_all_dim": 1.0},
                tie_word_embeddings=False, attention_bias=False),
            "transformers/models/deepseek_v3/modeling_deepseek_v3.py", "deepseek_v3", seed=6100,
            features=["MLA q_lora_rank 48, kv_lora_rank 32, qk_nope 24, qk_rope 16, v 16",
                      "rope_interleave true", "yarn factor 4, mscale 0.8, mscale_all_dim 1.0",
                      "8 routed experts top-2 in n_group 2 / topk_group 1", "sigmoid router with "
                      "e_score_correction_bias for selection only", "norm_topk_prob true",
                      "routed_scaling_factor 2.5", "1 shared expert", "first_k_dense_replace 1"]),
    ]


# ---------------------------------------------------------------------------------------------
# Tokenizer


def build_tokenizer(kind, vocab_budget):
    """A small byte-level BPE (the kind Llama 3, Qwen and DeepSeek-V3 ship) trained on CORPUS."""
    spec = SPECIALS[kind]
    tok = Tokenizer(models.BPE(unk_token=spec.get("unk")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_budget - (0 if spec["first"] else len(spec["tokens"])),
        special_tokens=spec["tokens"] if spec["first"] else [],
        show_progress=False, initial_alphabet=[])
    tok.train_from_iterator(CORPUS, trainer)
    if not spec["first"]:
        tok.add_special_tokens(spec["tokens"])
    else:
        tok.add_special_tokens(spec["tokens"])  # marks them special; their ids stay 0, 1, 2
    if spec["add_bos"]:
        bos = spec["bos"]
        tok.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tok.token_to_id(bos))])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=spec["bos"], eos_token=spec["eos"], pad_token=spec["pad"],
        unk_token=spec.get("unk"), model_max_length=512, clean_up_tokenization_spaces=False)
    return fast


# ---------------------------------------------------------------------------------------------
# Random weights


def randomise(model, seed):
    """Every parameter and buffer of the checkpoint gets values that matter."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or "layernorm" in name or name.endswith("_norm.weight"):
                p.copy_(0.6 + 0.8 * torch.rand(p.shape, generator=gen))  # gains in [0.6, 1.4)
            elif name.endswith(".bias"):
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
            elif "embed_tokens" in name:
                # a tied head scores each token against its own embedding, still present in the
                # residual stream; a smaller embedding keeps greedy decoding from echoing itself
                scale = TIED_EMBEDDING_SCALE if model.config.tie_word_embeddings else 1.0
                p.copy_(scale * torch.randn(p.shape, generator=gen))
            elif name.endswith("lm_head.weight"):
                p.copy_(2.5 / math.sqrt(p.shape[1]) * torch.randn(p.shape, generator=gen))
            elif p.dim() == 2:
                fan_in = p.shape[1]
                # routers get a wider spread so that routing is decided, not a coin toss
                scale = 2.0 if name.endswith("gate.weight") and "proj" not in name else 1.0
                p.copy_(scale / math.sqrt(fan_in) * torch.randn(p.shape, generator=gen))
            else:
                raise AssertionError(f"no rule to randomise {name} {tuple(p.shape)}")
        for name, b in model.named_buffers():
            if name.endswith("e_score_correction_bias"):
                # small against sigmoid scores in (0, 1), as in trained DeepSeek-V3 checkpoints;
                # large enough to change selections
                b.copy_(0.08 * (2 * torch.rand(b.shape, generator=gen) - 1))
    if model.config.tie_word_embeddings:
        assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()


def round_to_storage(model, dtype):
    """Rounds the parameters (not the rotary buffers, which a loader computes) to dtype and back."""
    if dtype == torch.float32:
        return
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).to(torch.float32))
        for name, b in model.named_buffers():
            if name.endswith("e_score_correction_bias"):
                b.copy_(b.to(dtype).to(torch.float32))


# ---------------------------------------------------------------------------------------------
# The plain re-implementation. It reads the tensors by their Hugging Face names and config.json
# as written on disk, and follows the modeling files named above statement by statement.


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


# ---------------------------------------------------------------------------------------------
# Building one fixture


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


def hf_logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].to(torch.float32)


def round7(x):
    return float(f"{x:.7g}")


def save_weights(model, family, directory):
    stored = copy.deepcopy(model).to(family.storage_dtype)
    if family.shards == 1:
        stored.save_pretrained(directory, safe_serialization=True, max_shard_size="100MB")
        return
    total = sum(p.numel() * p.element_size() for p in stored.state_dict().values()
                if p is not None)
    for size in range(total // family.shards + 1, total, 1024):
        stage = directory.parent / (directory.name + ".sharding")
        shutil.rmtree(stage, ignore_errors=True)
        stored.save_pretrained(stage, safe_serialization=True, max_shard_size=size)
        files = [f for f in os.listdir(stage) if f.endswith(".safetensors")]
        if len(files) == family.shards:
            for f in os.listdir(stage):
                shutil.move(str(stage / f), str(directory / f))
            stage.rmdir()
            return
    raise AssertionError(f"no shard size gives {family.shards} shards")


def build(family, out_root, tries=50):
    for attempt in range(tries):
        seed = family.seed + attempt
        result = attempt_build(family, out_root, seed)
        if result is not None:
            return result
    raise AssertionError(f"{family.model_type}: no seed in {tries} gave unambiguous decisions")


def attempt_build(family, out_root, seed):
    model_type = family.model_type
    directory = out_root / model_type
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)

    tokenizer = build_tokenizer(family.specials, vocab_budget=150)
    assert len(tokenizer) <= family.config.vocab_size
    config = copy.deepcopy(family.config)
    for role in ("bos", "eos", "pad"):
        token = getattr(tokenizer, f"{role}_token")
        setattr(config, f"{role}_token_id", None if token is None else tokenizer.convert_tokens_to_ids(token))

    torch.manual_seed(seed)
    model = family.model_class._from_config(config, attn_implementation="eager", dtype=torch.float32)
    assert model.config._attn_implementation == "eager"
    model.eval()
    randomise(model, seed)
    round_to_storage(model, family.storage_dtype)

    # The reference: transformers' forward in float32.
    sequences = [tokenizer(text)["input_ids"] for text in TEXTS]
    lengths = [len(s) for s in sequences]
    assert all(8 <= n <= 16 for n in lengths) and len(set(lengths)) == 3, lengths
    prompt = tokenizer(GREEDY_PROMPT)["input_ids"]
    reference = [hf_logits(model, s) for s in sequences]
    continuation, greedy_margin = greedy(lambda ids: hf_logits(model, ids), prompt, GREEDY_TOKENS)

    # Decision margins from the re-implementation over every sequence and greedy step.
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    cfg = json.loads(config.to_json_string())
    margins = Margins()
    for s in sequences + [prompt + continuation]:
        forward(cfg, state, s, margins)
    distinct = len(set(continuation))
    if (greedy_margin < GREEDY_MARGIN or margins.router < ROUTER_MARGIN or margins.group < ROUTER_MARGIN
            or distinct < GREEDY_DISTINCT):
        print(f"  {model_type} seed {seed}: {distinct} distinct greedy tokens, greedy margin {greedy_margin:.2e}, router "
              f"{margins.router:.2e}, group {margins.group:.2e}; next seed", flush=True)
        return None

    save_weights(model, family, directory)
    tokenizer.save_pretrained(directory)

    # The independent check: the re-implementation, fed from the files on disk.
    cfg = json.loads((directory / "config.json").read_text())
    weights = load_weights(directory)
    expected = {k for k in model.state_dict() if not (cfg.get("tie_word_embeddings") and k == "lm_head.weight")}
    assert set(weights) == expected, (set(weights) ^ expected)
    worst = 0.0
    for s, ref in zip(sequences, reference):
        mine = forward(cfg, weights, s)
        worst = max(worst, float((mine - ref).abs().max()))
    mine_greedy, _ = greedy(lambda ids: forward(cfg, weights, ids), prompt, GREEDY_TOKENS)
    assert worst <= AGREEMENT, f"{model_type}: re-implementation differs by {worst}"
    assert mine_greedy == continuation, f"{model_type}: greedy differs\n{mine_greedy}\n{continuation}"

    top = []
    logprobs = torch.log_softmax(reference[0], dim=-1)
    for row in logprobs:
        values, ids = torch.topk(row, TOP_LOGPROBS)
        top.append({"ids": ids.tolist(), "logprobs": [round7(v) for v in values.tolist()]})

    document = {
        "model_type": model_type,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__.split("+")[0],
        "modeling_file": family.modeling_file,
        "dtype": "float32",
        "storage_dtype": str(family.storage_dtype).removeprefix("torch."),
        "seed": seed,
        "features": family.features,
        "texts": TEXTS,
        "sequences": sequences,
        "logits": [[[round7(v) for v in row] for row in ref.tolist()] for ref in reference],
        "greedy": {"prompt_text": GREEDY_PROMPT, "prompt": prompt, "continuation": continuation},
        "topk_logprobs": {"sequence": 0, "k": TOP_LOGPROBS, "positions": top},
        "max_abs_diff_reimplementation": worst,
        "min_greedy_margin": greedy_margin,
        "min_router_margin": None if margins.router == math.inf else margins.router,
        "min_group_margin": None if margins.group == math.inf else margins.group,
    }
    document = {k: v for k, v in document.items() if v is not None}
    (directory / "reference.json").write_text(json.dumps(document, ensure_ascii=False, indent=None) + "\n")
    size = sum(f.stat().st_size for f in directory.iterdir())
    print(f"{model_type}: seed {seed}, lengths {lengths}, max |transformers - reimplementation| "
          f"{worst:.2e}, greedy margin {greedy_margin:.2e}, router margin {margins.router:.2e}, "
          f"group margin {margins.group:.2e}, {size / 1024:.0f} KiB", flush=True)
    return document


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "src/test/resources/hf")
    parser.add_argument("family", nargs="*")
    args = parser.parse_args()
    if transformers.__version__ != TRANSFORMERS_VERSION:
        sys.exit(f"transformers {transformers.__version__} found; the references follow {TRANSFORMERS_VERSION}")
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    chosen = [f for f in families() if not args.family or f.model_type in args.family]
    unknown = set(args.family) - {f.model_type for f in families()}
    if unknown:
        sys.exit(f"unknown family {sorted(unknown)}; known: {[f.model_type for f in families()]}")
    for family in chosen:
        build(family, args.out)


if __name__ == "__main__":
    main()
