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
  4. recomputes the same from the files on disk with the plain re-implementation in
     plain_forward.py, which follows transformers' modeling file of the family line by line,
     and refuses to write reference.json unless both agree within 1e-5 and produce the same
     greedy tokens.
check_fixtures.py then reloads the saved directories with from_pretrained and confirms them.

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
and every MoE routing decision (top-k experts, DeepSeek's top groups) is decided by at least
ROUTER_MARGIN, so that an implementation within 1e-4 of the logits must pick the same tokens and experts.

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

sys.dont_write_bytecode = True  # keeps __pycache__ out of the source tree

import torch  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402
from transformers import (  # noqa: E402
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

from plain_forward import Margins, forward, greedy, load_weights  # noqa: E402

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
    # appends them after the learned vocabulary, or (when the trainer placed them first) only
    # marks them special
    tok.add_special_tokens(spec["tokens"])
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
# Building one fixture


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
