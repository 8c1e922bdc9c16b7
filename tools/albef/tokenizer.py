"""ALBEF text pipeline: pre_caption + BERT BasicTokenizer + WordPiece, [CLS] first and no [SEP] (spec §1.6).

Mirrors the slow HF BertTokenizer that ALBEF's models/tokenization_bert.py copies (lower-case, NFD accent
stripping, CJK ideographs split, punctuation split, greedy longest-match WordPiece, words over 100 characters
→ [UNK]) with ALBEF's change: a single sequence is `[CLS] + pieces`, no trailing [SEP]. Special strings in the
caption text (e.g. "[MASK]") are NOT kept whole: captions never contain them after pre_caption in practice,
and the TypeScript twin (main/engine/model/tokenizer.ts) does the same.

CLI (used to compare ids with the TypeScript twin), one caption per input line, one JSON id list per output line:
    /usr/bin/python3 -m tools.albef.tokenizer --vocab V [--max-length 30] [--max-words 30] [--no-pre-caption] < captions.txt
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from typing import Dict, List, Sequence

_DELETED = re.compile(r"[,.'!?\"()*#:;~]")
_WS_RUN = re.compile(r"\s{2,}")

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"


def pre_caption(caption: str, max_words: int = 30) -> str:
    """salesforce/ALBEF dataset/utils.py pre_caption (spec §1.6), step for step."""
    caption = _DELETED.sub("", caption.lower()).replace("-", " ").replace("/", " ").replace("<person>", "person")
    caption = _WS_RUN.sub(" ", caption)
    caption = caption.rstrip("\n").strip(" ")
    words = caption.split(" ")
    if len(words) > max_words:
        caption = " ".join(words[:max_words])
    return caption


def _is_whitespace(ch: str) -> bool:
    return ch in (" ", "\t", "\n", "\r") or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch).startswith("C")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_chinese_char(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _split_on_punc(token: str) -> List[str]:
    out: List[str] = []
    cur = ""
    for ch in token:
        if _is_punctuation(ch):
            if cur:
                out.append(cur)
            out.append(ch)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def basic_tokenize(text: str, lowercase: bool = True) -> List[str]:
    """HF BasicTokenizer.tokenize (strip_accents follows lowercase)."""
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        cleaned.append(" " if _is_whitespace(ch) else ch)
    spaced = "".join(f" {ch} " if _is_chinese_char(ord(ch)) else ch for ch in cleaned)
    out: List[str] = []
    for tok in spaced.strip().split():
        if lowercase:
            tok = tok.lower()
            tok = "".join(c for c in unicodedata.normalize("NFD", tok) if unicodedata.category(c) != "Mn")
        out.extend(_split_on_punc(tok))
    return " ".join(out).strip().split()


def wordpiece(word: str, vocab: Dict[str, int], max_chars: int = 100) -> List[str]:
    """Greedy longest-match-first; an unmatchable word (or one over max_chars) becomes a single [UNK]."""
    if len(word) > max_chars:
        return [UNK]
    pieces: List[str] = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [UNK]
        pieces.append(found)
        start = end
    return pieces


def load_vocab(path: str) -> Dict[str, int]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {tok: i for i, tok in enumerate(lines)}


class Tokenizer:
    def __init__(self, vocab: Dict[str, int], max_length: int = 30, add_sep: bool = False,
                 max_words: int = 30) -> None:
        for tok in (PAD, UNK, CLS, SEP, MASK):
            if tok not in vocab:
                raise ValueError(f"vocabulary lacks special token {tok}")
        self.vocab = vocab
        self.max_length = max_length
        self.add_sep = add_sep
        self.max_words = max_words
        self.pad_id, self.unk_id, self.cls_id = vocab[PAD], vocab[UNK], vocab[CLS]
        self.sep_id, self.mask_id = vocab[SEP], vocab[MASK]

    @classmethod
    def from_file(cls, path: str, **kw) -> "Tokenizer":
        return cls(load_vocab(path), **kw)

    def tokenize(self, text: str) -> List[str]:
        return [p for w in basic_tokenize(text) for p in wordpiece(w, self.vocab)]

    def encode(self, text: str) -> List[int]:
        """[CLS] + pieces (+ [SEP] if add_sep), truncated to max_length; text is NOT pre_caption'd here."""
        room = self.max_length - 1 - (1 if self.add_sep else 0)
        pieces = self.tokenize(text)[: max(0, room)]
        ids = [self.cls_id] + [self.vocab.get(p, self.unk_id) for p in pieces]
        return ids + ([self.sep_id] if self.add_sep else [])

    def encode_caption(self, caption: str) -> List[int]:
        return self.encode(pre_caption(caption, self.max_words))

    def batch(self, texts: Sequence[str], pad_to: int = 0, pre: bool = True):
        """Padded LongTensors (input_ids, attention_mask); padding 'longest' unless pad_to is larger."""
        import torch

        seqs = [self.encode_caption(t) if pre else self.encode(t) for t in texts]
        n = max(pad_to, max(len(s) for s in seqs))
        ids = torch.full((len(seqs), n), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(seqs), n), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
            mask[i, : len(s)] = 1
        return ids, mask


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tokenise captions (one per line) to JSON id lists.")
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--max-length", type=int, default=30)
    ap.add_argument("--max-words", type=int, default=30)
    ap.add_argument("--add-sep", action="store_true", help="append [SEP] (LAVIS); ALBEF default is no [SEP]")
    ap.add_argument("--no-pre-caption", action="store_true", help="tokenise lines as given")
    args = ap.parse_args(argv)
    tok = Tokenizer.from_file(args.vocab, max_length=args.max_length, add_sep=args.add_sep, max_words=args.max_words)
    data = sys.stdin.buffer.read().decode("utf-8")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = sys.stdout
    for line in lines:
        ids = tok.encode(line) if args.no_pre_caption else tok.encode_caption(line)
        out.write(json.dumps(ids) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
