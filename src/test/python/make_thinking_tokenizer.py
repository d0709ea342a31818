"""Writes src/test/resources/tokenizers/thinking/tokenizer.json: a small byte-level BPE
tokenizer whose added tokens are the chat markers and think tags of Qwen3 and DeepSeek-V3/R1,
so that any text, template markers and <think>/</think> included, round-trips through the
Hugging Face tokenizers library as it does through those models' own tokenizers.

As in the real tokenizers, the chat markers are special tokens and the think tags are added but
NOT special (Qwen3's <think> is id 151667 with "special": false), so decoding without skipping
special tokens keeps them, and a reward reads them in the completion text.

Usage: /usr/bin/python3 src/test/python/make_thinking_tokenizer.py   (standard library only)
"""

import json
import pathlib


def bytes_to_unicode():
    """GPT-2's reversible map from the 256 bytes to printable characters (ByteLevel)."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("\u00a1"), ord("\u00ac") + 1))
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    )
    chars = printable[:]
    n = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(printable, chars)}


BYTES = bytes_to_unicode()
# a few merges, so encoding is real BPE and not only bytes ("\u0120" is a space, "\u010a" a newline)
MERGES = [
    ("t", "h"),
    ("i", "n"),
    ("e", "r"),
    ("\u0120", "t"),
    ("\u0120t", "h"),
    ("\u0120th", "e"),
    ("\u010a", "\u010a"),
    ("a", "n"),
    ("an", "s"),
    ("ans", "w"),
    ("answ", "er"),
]
ADDED = [
    ("<|endoftext|>", True),
    ("<|im_start|>", True),
    ("<|im_end|>", True),
    ("<think>", False),
    ("</think>", False),
    ("<\uff5cbegin\u2581of\u2581sentence\uff5c>", True),
    ("<\uff5cend\u2581of\u2581sentence\uff5c>", True),
    ("<\uff5cUser\uff5c>", False),
    ("<\uff5cAssistant\uff5c>", False),
]


def main():
    vocab = {}
    for b in range(256):
        vocab[BYTES[b]] = len(vocab)
    for left, right in MERGES:
        vocab[left + right] = len(vocab)
    added = []
    for content, special in ADDED:
        added.append(
            {
                "id": len(vocab) + len(added),
                "content": content,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": special,
            }
        )
    byte_level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", **byte_level},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", **byte_level},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [[left, right] for left, right in MERGES],
        },
    }
    out = pathlib.Path(__file__).resolve().parents[1] / "resources/tokenizers/thinking"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_text(
        json.dumps(tokenizer, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
