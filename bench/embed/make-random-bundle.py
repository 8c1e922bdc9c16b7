"""Write a full-size ALBEF-B bundle with seeded random weights, for speed benchmarks only (bench/embed).

Same exporter as the real bundles (tools/albef/export.py) on the official key layout at ALBEF-B size
(ViT-B/16 at 384 px, 12-layer BERT with fusion from layer 6, 256-d heads); the weights come from
tools/albef/tiny_fixture.random_state_dict, which is seeded, so the PyTorch side of the benchmark rebuilds the
same model without reading the bundle. The vocabulary keeps BERT's special-token ids and fills the rest from
the emojibase word list (tools/albef/vocab.py) plus [unused*] rows up to 30522.

    /usr/bin/python3 bench/embed/make-random-bundle.py [--out data/bench/albef-b-random] [--image-res 384]
"""
import argparse
import sys
import tempfile
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.albef.config import AlbefConfig  # noqa: E402
from tools.albef.export import export_bundle  # noqa: E402
from tools.albef.tiny_fixture import random_state_dict  # noqa: E402
from tools.albef.vocab import main as build_vocab  # noqa: E402

SPECIALS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}


def bert_like_vocab(path: Path, size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        words_file = Path(tmp) / "words.txt"
        build_vocab(["--out", str(words_file), "--size", "6000"])
        words = [w for w in words_file.read_text(encoding="utf-8").split("\n") if w and w not in SPECIALS]
    head = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = head + words
    vocab += [f"[unused{i}]" for i in range(99, 99 + size - len(vocab))]
    path.write_text("\n".join(vocab[:size]) + "\n", encoding="utf-8")


def config(image_res: int) -> AlbefConfig:
    return AlbefConfig.base(image_res)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "data/bench/albef-b-random")
    ap.add_argument("--image-res", type=int, default=384)
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg = config(args.image_res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        vocab = Path(tmp) / "vocab.txt"
        bert_like_vocab(vocab, cfg.vocab_size)
        export_bundle(args.out, vocab, state_dict=random_state_dict(cfg), config=cfg, name="albef-b-random",
                      description="ALBEF-B size, seeded random weights: speed benchmarks only", k_test=128,
                      source_kind="trained-here")
    return 0


if __name__ == "__main__":
    sys.exit(main())
