"""Makes tiny-reward.pt, the TorchScript reward model the Java tests load through DJL.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_tiny_reward.py
It writes tiny-reward.pt beside this script and prints, for fixed (prompt, completion)
pairs, the scores the model gives; TorchScriptRewardTest asserts the same numbers.

The model: token embeddings (V=104, the character tokenizer's vocabulary, width 8),
masked mean over real tokens, a linear layer to one score, a sigmoid: output (B, 1).
Inputs: input_ids int64 (B, T) and attention_mask int64 (B, T), 1 on real tokens. The
Java side encodes BOS prompt completion EOS with io.tributary.tokenizer.CharTokenizer;
char_ids() below is the same encoding (ids 0-7 special, then printable ASCII from id 8).
"""
import os
import torch

VOCAB = 104  # 8 special tokens + newline + 95 printable ASCII characters
PAD, BOS, EOS = 0, 1, 2
ALPHABET = "\n" + "".join(chr(c) for c in range(32, 127))
TAGS = ["<think>", "</think>", "<answer>", "</answer>"]


class TinyReward(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(VOCAB, 8)
        self.head = torch.nn.Linear(8, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = attention_mask.to(torch.float32).unsqueeze(-1)  # (B, T, 1)
        x = self.embedding(input_ids) * mask  # (B, T, 8)
        mean = x.sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)  # (B, 8)
        return torch.sigmoid(self.head(mean))  # (B, 1)


def char_ids(text):
    ids, i = [], 0
    while i < len(text):
        for t, tag in enumerate(TAGS):
            if text.startswith(tag, i):
                ids.append(4 + t)
                i += len(tag)
                break
        else:
            ch = text[i]
            ids.append(8 + ALPHABET.index(ch) if ch in ALPHABET else 3)
            i += 1
    return ids


def main():
    torch.manual_seed(20250101)
    model = TinyReward().eval()
    # spread the embeddings so that different texts get clearly different scores
    with torch.no_grad():
        model.embedding.weight.mul_(2.0)
    scripted = torch.jit.script(model)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-reward.pt")
    scripted.save(out)

    pairs = [
        ("12+7=", "<think>12+7=19</think><answer>19</answer>"),
        ("12+7=", "<think>12+7=18</think><answer>18</answer>"),
        ("3-1=", "2"),
    ]
    rows = [[BOS] + char_ids(p + c) + [EOS] for p, c in pairs]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [PAD] * (width - len(r)) for r in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=torch.int64)
    with torch.no_grad():
        scores = torch.jit.load(out)(ids, mask).squeeze(1)
    for (p, c), s in zip(pairs, scores.tolist()):
        print(f"{p!r} {c!r} -> {s:.7f}")


if __name__ == "__main__":
    main()
