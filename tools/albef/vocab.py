"""Build a WordPiece vocabulary (vocab.txt) from caption text, deterministically.

Ids: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4 (BERT's relative order, without the [unused*] rows), then
every character seen in the corpus in code-point order, then the `##` form of each character, then
BPE-learned word pieces in merge order (the way HF `tokenizers`' WordPiece trainer learns them: a word starts
as its characters, continuation characters carry `##`, the most frequent adjacent pair is merged, ties broken
by the pair's text), then whole words by frequency until `size` is reached. Text is normalised exactly as at
encode time (pre_caption + BasicTokenizer), so every corpus word tokenises without [UNK].

The default corpus for the shipped model is every English emojibase label and tag (all concepts, held-out
ones included): that is public vocabulary, not image data, so it leaks nothing about held-out images and keeps
held-out concept names from collapsing to [UNK].

    /usr/bin/python3 -m tools.albef.vocab --out vocab.txt --size 6000 [--emojibase node_modules/emojibase-data/en/data.json] [--text FILE ...]
"""
from __future__ import annotations

import argparse
import collections
import json
from typing import Dict, Iterable, List, Sequence, Tuple

from .tokenizer import CLS, MASK, PAD, SEP, UNK, basic_tokenize, pre_caption

SPECIALS = [PAD, UNK, CLS, SEP, MASK]


def word_counts(texts: Iterable[str]) -> Dict[str, int]:
    counts: Dict[str, int] = collections.Counter()
    for t in texts:
        for w in basic_tokenize(pre_caption(t, 10_000)):
            counts[w] += 1
    return dict(counts)


def _join(a: str, b: str) -> str:
    return a + (b[2:] if b.startswith("##") else b)


def build_vocab(counts: Dict[str, int], size: int, min_pair: int = 2) -> List[str]:
    vocab: List[str] = list(SPECIALS)
    chars = sorted({c for w in counts for c in w})
    vocab += chars + ["##" + c for c in chars]
    seen = set(vocab)
    # Each word is a list of symbols; BPE merges with incremental pair counts.
    words: List[Tuple[List[str], int]] = [
        ([w[0]] + ["##" + c for c in w[1:]], n) for w, n in sorted(counts.items())
    ]
    pairs: Dict[Tuple[str, str], int] = collections.Counter()
    where: Dict[Tuple[str, str], set] = collections.defaultdict(set)
    for i, (sym, n) in enumerate(words):
        for p in zip(sym, sym[1:]):
            pairs[p] += n
            where[p].add(i)
    budget = size - len(counts)  # leave room for whole words appended afterwards
    while len(vocab) < max(budget, len(vocab)) and pairs:
        best = max(pairs.items(), key=lambda kv: (kv[1], _neg_key(kv[0])))
        (a, b), n = best
        if n < min_pair:
            break
        merged = _join(a, b)
        for i in sorted(where.pop((a, b), ())):
            sym, cnt = words[i]
            for p in zip(sym, sym[1:]):
                pairs[p] -= cnt
                if pairs[p] <= 0:
                    del pairs[p]
            out: List[str] = []
            j = 0
            while j < len(sym):
                if j + 1 < len(sym) and sym[j] == a and sym[j + 1] == b:
                    out.append(merged)
                    j += 2
                else:
                    out.append(sym[j])
                    j += 1
            words[i] = (out, cnt)
            for p in zip(out, out[1:]):
                pairs[p] += cnt
                where[p].add(i)
        pairs.pop((a, b), None)
        if merged not in seen:
            vocab.append(merged)
            seen.add(merged)
    for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(vocab) >= size:
            break
        if w not in seen:
            vocab.append(w)
            seen.add(w)
    return vocab


def _neg_key(pair: Tuple[str, str]) -> Tuple:
    # max() picks the highest count; among equal counts the lexicographically smallest pair wins.
    return tuple(-ord(c) for c in pair[0] + "\x00" + pair[1])


def emojibase_texts(path: str) -> List[str]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out: List[str] = []
    for e in data:
        for entry in [e] + list(e.get("skins", [])):
            out.append(entry["label"])
            if entry.get("tags"):
                out.append(" ".join(entry["tags"]))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=6000)
    ap.add_argument("--emojibase", default="node_modules/emojibase-data/en/data.json")
    ap.add_argument("--text", nargs="*", default=[], help="extra text files, one caption per line")
    args = ap.parse_args(argv)
    texts = emojibase_texts(args.emojibase) if args.emojibase else []
    for p in args.text:
        with open(p, encoding="utf-8") as f:
            texts += [line for line in f.read().split("\n") if line.strip()]
    vocab = build_vocab(word_counts(texts), args.size)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    print(f"wrote {len(vocab)} tokens to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
