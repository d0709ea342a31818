#!/usr/bin/env python3
"""Confirms that the committed fixtures under src/test/resources/hf reproduce their reference.json.

For each fixture directory, from the files on disk alone:
  1. transformers' from_pretrained (AutoModelForCausalLM, float32, eager attention) recomputes
     the logits of every sequence: they must equal reference.json within 1e-5;
  2. greedy decoding through transformers' KV cache (one token per step) must give the
     reference continuation, which was computed without a cache;
  3. the saved tokenizer must encode the reference texts to the reference sequences;
  4. every tensor in the files, and every config feature the fixture claims to exercise, must
     move the logits: perturbing it changes them by more than 1e-3 (computed with the plain
     re-implementation, which make_hf_fixtures.py showed equal to transformers). A fixture
     that a loader could pass while ignoring a tensor or a feature would prove nothing.

Usage: python check_fixtures.py [--dir DIR] [family ...]
"""

import argparse
import copy
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True

import torch  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache  # noqa: E402

from plain_forward import forward, load_weights  # noqa: E402

AGREEMENT = 1e-5
SENSITIVITY = 1e-3
REPO_ROOT = Path(__file__).resolve().parents[3]

# Config changes that a loader ignoring the feature would in effect make.
FEATURES = {
    "llama": {
        "rope_scaling llama3": lambda c: c.update(rope_scaling=None),
        "rope_theta": lambda c: c.update(rope_theta=10000.0),
    },
    "qwen2": {
        "rope_theta": lambda c: c.update(rope_theta=10000.0),
    },
    "qwen3": {
        "rope_theta": lambda c: c.update(rope_theta=10000.0),
    },
    "qwen3_moe": {
        "norm_topk_prob": lambda c: c.update(norm_topk_prob=False),
        "rope_theta": lambda c: c.update(rope_theta=10000.0),
    },
    "mixtral": {
        "rope_theta": lambda c: c.update(rope_theta=10000.0),
    },
    "deepseek_v3": {
        "rope_interleave": lambda c: c.update(rope_interleave=False),
        "rope_scaling yarn": lambda c: c.update(rope_scaling=None),
        "yarn mscale": lambda c: c["rope_scaling"].update(mscale=c["rope_scaling"]["mscale_all_dim"]),
        "yarn mscale_all_dim": lambda c: c["rope_scaling"].pop("mscale_all_dim"),
        "yarn original_max_position_embeddings":
            lambda c: c["rope_scaling"].update(original_max_position_embeddings=4096),
        "topk_group (group-limited routing)": lambda c: c.update(topk_group=c["n_group"]),
        "norm_topk_prob": lambda c: c.update(norm_topk_prob=False),
        "routed_scaling_factor": lambda c: c.update(routed_scaling_factor=1.0),
    },
}


def largest_change(cfg, weights, sequences, reference):
    worst = 0.0
    for s, ref in zip(sequences, reference):
        worst = max(worst, float((forward(cfg, weights, s) - ref).abs().max()))
    return worst


def check(directory):
    ref = json.loads((directory / "reference.json").read_text())
    sequences = ref["sequences"]
    expected = [torch.tensor(x, dtype=torch.float32) for x in ref["logits"]]
    problems = []

    model = AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    worst = 0.0
    with torch.no_grad():
        for s, logits in zip(sequences, expected):
            worst = max(worst, float((model(torch.tensor([s])).logits[0] - logits).abs().max()))
    if worst > AGREEMENT:
        problems.append(f"transformers logits differ from reference.json by {worst:.2e}")

    prompt = ref["greedy"]["prompt"]
    cache = DynamicCache()
    ids, continuation = torch.tensor([prompt]), []
    with torch.no_grad():
        for _ in range(len(ref["greedy"]["continuation"])):
            out = model(ids, past_key_values=cache, use_cache=True)
            cache = out.past_key_values
            continuation.append(int(out.logits[0, -1].argmax()))
            ids = torch.tensor([[continuation[-1]]])
    if continuation != ref["greedy"]["continuation"]:
        problems.append(f"KV-cache greedy {continuation} != reference {ref['greedy']['continuation']}")

    tokenizer = AutoTokenizer.from_pretrained(directory)
    encoded = [tokenizer(t)["input_ids"] for t in ref["texts"]]
    if encoded != sequences or tokenizer(ref["greedy"]["prompt_text"])["input_ids"] != prompt:
        problems.append(f"tokenizer encodes the texts to {encoded}")

    cfg = json.loads((directory / "config.json").read_text())
    weights = load_weights(directory)
    gen = torch.Generator().manual_seed(0)
    inert = []
    for name, tensor in weights.items():
        changed = dict(weights)
        if name.endswith("e_score_correction_bias"):
            # used for selection only: it matters when a different bias changes a choice
            changed[name] = torch.flip(tensor, dims=[0])
        else:
            changed[name] = tensor + 0.1 * tensor.abs().mean() * torch.randn(tensor.shape, generator=gen)
        if largest_change(cfg, changed, sequences, expected) <= SENSITIVITY:
            inert.append(name)
    if inert:
        problems.append(f"tensors that do not move the logits: {inert}")
    for feature, edit in FEATURES[cfg["model_type"]].items():
        edited = copy.deepcopy(cfg)
        edit(edited)
        if largest_change(edited, weights, sequences, expected) <= SENSITIVITY:
            problems.append(f"feature {feature} does not move the logits")

    print(f"{directory.name}: transformers vs reference.json {worst:.2e}, KV-cache greedy "
          f"{'equal' if continuation == ref['greedy']['continuation'] else 'DIFFERENT'}, "
          f"{len(weights)} tensors and {len(FEATURES[cfg['model_type']])} features all matter"
          if not problems else f"{directory.name}: FAILED", flush=True)
    for problem in problems:
        print(f"  {problem}", flush=True)
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=REPO_ROOT / "src/test/resources/hf")
    parser.add_argument("family", nargs="*")
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = args.family or sorted(p.name for p in args.dir.iterdir() if p.is_dir())
    ok = all([check(args.dir / name) for name in names])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
