"""Full-size ALBEF-B parity: export a bundle at 384 px and write PyTorch reference cases for ONNX Runtime.

    /usr/bin/python3 -m tools.albef.parity_full --work /tmp/albef-parity [--checkpoint F --vocab V] [--no-fp16]
    node tools/albef/parity_ort.mjs /tmp/albef-parity/bundle /tmp/albef-parity/cases

Without --checkpoint the weights are random (official retrieval key set, ALBEF-B shapes, seeded), which is
enough to check the graphs: parity depends on the operators, not on trained values. With --checkpoint a real
file is exported the same way. Cases (parity_cases.py) go to <work>/cases/{cases.json,tensors.safetensors};
parity_ort.mjs runs them with onnxruntime-node and prints max |Δ| per output (docs/models.md lists the figures).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import List, Optional

import torch

from .config import AlbefConfig
from .export import export_bundle
from .parity_cases import write_cases
from .tiny_fixture import random_state_dict

def synthetic_vocab(size: int) -> List[str]:
    """BERT's special-token ids at their usual places, filler tokens elsewhere (no real vocabulary needed)."""
    head = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return head + [f"tok{i}" for i in range(size - len(head))]


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.albef.parity_full", description=__doc__.split("\n\n")[0])
    p.add_argument("--work", type=Path, required=True, help="folder for bundle/ and cases/ (recreated)")
    p.add_argument("--checkpoint", type=Path, default=None, help="real ALBEF checkpoint (default: random weights)")
    p.add_argument("--vocab", type=Path, default=None, help="vocab.txt matching --checkpoint")
    p.add_argument("--image-res", type=int, default=384)
    p.add_argument("--no-fp16", action="store_true")
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    work: Path = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    if args.checkpoint is not None:
        if args.vocab is None:
            p.error("--checkpoint needs --vocab")
        result = export_bundle(
            work / "bundle", args.vocab, checkpoint=args.checkpoint, image_res=args.image_res, fp16=not args.no_fp16
        )
    else:
        cfg = AlbefConfig.base(args.image_res)
        vocab = work / "vocab.txt"
        vocab.write_text("\n".join(synthetic_vocab(cfg.vocab_size)) + "\n", encoding="utf-8")
        result = export_bundle(
            work / "bundle",
            vocab,
            state_dict=random_state_dict(cfg),
            config=cfg,
            name="albef-b-random",
            description="ALBEF-B shapes with random weights (parity check only)",
            fp16=not args.no_fp16,
        )
    write_cases(result.model, work / "cases", result.manifest["source"])
    print(f"bundle and cases written to {work} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
