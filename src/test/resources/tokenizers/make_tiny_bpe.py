"""Writes tiny-bpe.json: a byte-level BPE tokenizer.json small enough to ship in test resources.

Run: python3 make_tiny_bpe.py > tiny-bpe.json
The vocabulary is the 256 byte symbols of GPT-2's byte-level alphabet, a handful of merges
for arithmetic words, and five special tokens. No network, no tokenizers package needed.
"""
import json


def bytes_to_unicode():
    # GPT-2's reversible byte -> printable character table (openai/gpt-2 encoder.py).
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


specials = ["<pad>", "<s>", "</s>", "<answer>", "</answer>"]
vocab = {tok: i for i, tok in enumerate(specials)}
for ch in bytes_to_unicode().values():
    vocab[ch] = len(vocab)
merges = [("t", "h"), ("th", "e"), ("Ġ", "the"), ("i", "s"), ("Ġ", "is"), ("a", "n"), ("an", "s"),
          ("ans", "w"), ("answ", "e"), ("answe", "r"), ("1", "2")]
for a, b in merges:
    vocab[a + b] = len(vocab)
added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
          "normalized": False, "special": True} for i, t in enumerate(specials)]
doc = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": added,
    "normalizer": None,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "post_processor": None,
    "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
              "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
}
print(json.dumps(doc, ensure_ascii=False, indent=1))
