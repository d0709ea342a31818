"""Loads model directories that Tributary exported with the reference libraries and compares logits.

For each EXPORTED=FIXTURE pair: every .safetensors file opens with safetensors.safe_open and
carries {"format": "pt"}, every tensor loads, transformers' AutoModelForCausalLM.from_pretrained
builds the architecture from the exported config.json, and its float32 logits for the fixture's
reference sequences are compared with reference.json. Run with the environment of README.md:

    python src/test/python/check_hf_export.py /tmp/export/llama=src/test/resources/hf/llama ...
"""

import glob
import json
import sys

import torch
from safetensors import safe_open
from transformers import AutoModelForCausalLM


def check(exported, fixture):
    for path in sorted(glob.glob(exported + "/*.safetensors")):
        with safe_open(path, framework="pt") as f:
            assert f.metadata() == {"format": "pt"}, (path, f.metadata())
            for key in f.keys():
                f.get_tensor(key)
    reference = json.load(open(fixture + "/reference.json"))
    model = AutoModelForCausalLM.from_pretrained(exported, torch_dtype=torch.float32).eval()
    worst = 0.0
    with torch.no_grad():
        for sequence, logits in zip(reference["sequences"], reference["logits"]):
            out = model(torch.tensor([sequence])).logits[0]
            worst = max(worst, (out - torch.tensor(logits)).abs().max().item())
    print(f"{exported}: {type(model).__name__}, max |logit - reference| = {worst:.3g}")
    return worst


def main():
    worst = max(check(*pair.split("=", 1)) for pair in sys.argv[1:])
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
