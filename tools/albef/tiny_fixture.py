"""Regenerate test/fixtures/tiny-albef/: a tiny random-weight bundle plus PyTorch reference outputs.

    /usr/bin/python3 -m tools.albef.tiny_fixture [--out test/fixtures/tiny-albef]

The bundle is written by the real exporter (`export_bundle`) from a synthetic state dict with the official
retrieval key names (`official_keys.py`) at a tiny size, so the TypeScript side can test its bundle loader,
tokenizer plumbing and ONNX sessions against exactly what the exporter writes, and compare ONNX Runtime with
PyTorch (test/parity/onnx-parity.test.ts). Everything is seeded: the same command writes the same files.

The vocabulary keeps BERT's special-token ids ([PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103;
spec §1.6) followed by a few words and word pieces, so tokenizer code paths match the real vocabulary.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch

from .config import AlbefConfig
from .export import export_bundle
from .model import ALBEF
from .official_keys import official_keys
from .parity_cases import SEED, ParityCase, parity_cases

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "tiny-albef"
TINY_CONFIG = AlbefConfig(
    image_res=32, patch_size=16,
    vision_width=32, vision_depth=2, vision_heads=2, vision_mlp_ratio=4, vision_ln_eps=1e-6,
    text_width=32, text_layers=4, fusion_layer=2, text_heads=2, text_intermediate=64, text_ln_eps=1e-12,
    vocab_size=132, max_position_embeddings=40, type_vocab_size=2, embed_dim=16, temp=0.07, queue_size=8,
)  # fmt: skip

WORDS = [
    "a", "the", "of", "and", "on", "in", "with", "red", "blue", "green", "small", "big", "cat", "dog", "man",
    "woman", "car", "tree", "sky", "sitting", "running", "photo", "smiling", "face", "heart", "##s", "##ing", "##ed",
]  # fmt: skip


def tiny_vocab() -> List[str]:
    head = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return head + WORDS


def random_state_dict(cfg: AlbefConfig, seed: int = SEED) -> Dict[str, torch.Tensor]:
    """Official retrieval key set with random weights at a scale that keeps activations lively (not init-like)."""
    g = torch.Generator().manual_seed(seed)
    sd: Dict[str, torch.Tensor] = {}
    for name, spec in official_keys("retrieval", cfg).items():
        shape = spec.shape
        if not spec.dtype.is_floating_point:
            sd[name] = torch.zeros(shape, dtype=spec.dtype)
        elif "LayerNorm.weight" in name or name.endswith(("norm1.weight", "norm2.weight", "norm.weight")):
            sd[name] = 1.0 + 0.2 * torch.randn(shape, generator=g)
        elif name.endswith("bias"):
            sd[name] = 0.1 * torch.randn(shape, generator=g)
        elif len(shape) >= 2 and "embeddings" not in name and "pos_embed" not in name and "cls_token" not in name:
            fan_in = math.prod(shape[1:])
            sd[name] = torch.randn(shape, generator=g) / math.sqrt(fan_in)
        else:
            sd[name] = 0.5 * torch.randn(shape, generator=g)
    sd["temp"] = torch.tensor(0.07)
    for k in [k for k in sd if k.endswith("position_ids")]:
        sd[k] = torch.arange(cfg.max_position_embeddings).unsqueeze(0)
    return sd


def _t(x: torch.Tensor) -> dict:
    """Tensor → {dims, data} with float32 values printed as their shortest round-trip decimal."""
    a = x.detach().cpu().numpy()
    flat = a.reshape(-1)
    data = [int(v) for v in flat] if a.dtype.kind in "iu" else [float(str(np.float32(v))) for v in flat]
    return {"dims": list(a.shape), "data": data}


def _case(c: ParityCase) -> dict:
    return {"inputs": {k: _t(v) for k, v in c.inputs.items()}, "outputs": {k: _t(v) for k, v in c.outputs.items()}}


def reference(model: ALBEF) -> dict:
    """reference.json: the parity cases of `parity_cases.py` grouped as the TypeScript test reads them."""
    cases = parity_cases(model)
    vision, text, unpadded = cases[0], cases[1], cases[2]
    return {
        "comment": "PyTorch (tools/albef) outputs for the tiny random-weight bundle; regenerate with "
        "`/usr/bin/python3 -m tools.albef.tiny_fixture`. Fusion inputs are the PyTorch vision/text outputs.",
        "torch": torch.__version__,
        "vision": _case(vision),
        "text": _case(text),
        "text_unpadded": {
            "comment": "row 0 of text without its padding: text_emb must equal text.outputs.text_emb row 0",
            **_case(unpadded),
        },
        "fusion": [{"name": c.name, **_case(c)} for c in cases[3:]],
    }


def generate(out: Path) -> dict:
    torch.set_num_threads(2)
    cfg = TINY_CONFIG
    vocab_path = out.parent / f".{out.name}-vocab.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    vocab_path.write_text("\n".join(tiny_vocab()) + "\n", encoding="utf-8")
    reference_path = out / "reference.json"
    if reference_path.exists():
        reference_path.unlink()  # not a bundle file: export_bundle refuses foreign files in its folder
    try:
        result = export_bundle(
            out,
            vocab_path,
            state_dict=random_state_dict(cfg),
            config=cfg,
            name="tiny-albef",
            description="Tiny random-weight ALBEF for tests (not a real model)",
            fp16=True,
            k_test=4,
            source_kind="trained-here",
        )
    finally:
        vocab_path.unlink()
    ref = reference(result.model)
    reference_path.write_text(json.dumps(ref, separators=(",", ":")) + "\n", encoding="utf-8")
    return ref


def main(argv: List[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.albef.tiny_fixture", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = p.parse_args(argv)
    generate(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
