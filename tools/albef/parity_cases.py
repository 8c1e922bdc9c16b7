"""Fixed inputs and PyTorch outputs for ONNX parity checks (spec §4.2 step 6), at any model size.

Cases: a vision batch of 2, a padded text batch of 3 (row 2 repeats row 0's caption), row 0 again without
padding (its text_emb must not change), and three fusion batches with Bt ≠ Bi (1 image × 3 texts,
1 text × 2 images) and Bt = Bi. Fusion inputs are the PyTorch vision/text outputs, so each graph is compared
on its own. Token ids stay below 132 so the same ids work for the tiny vocabulary and bert-base-uncased.

Example:
    >>> cases = parity_cases(model)   # [ParityCase(graph="vision", name=..., inputs={...}, outputs={...}), ...]
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional

import torch

from .graphs import reference_outputs
from .model import ALBEF
from .safetensors_io import write_safetensors

SEED = 20260127
FP32_TOL = 1e-4  # spec §4.2 step 6 (embeddings) — applied to every fp32 output
FP16_EMB_TOL = 2e-2  # fp16 variants: L2-normalised embeddings only; tokens and logits are reported
ORT_SCRIPT = Path(__file__).with_name("parity_ort.mjs")


@dataclass
class ParityCase:
    graph: str
    name: str
    inputs: Dict[str, torch.Tensor]
    outputs: Dict[str, torch.Tensor]


def parity_cases(model: ALBEF, seed: int = SEED) -> List[ParityCase]:
    cfg = model.config
    g = torch.Generator().manual_seed(seed + 1)
    pixel_values = torch.randn(2, 3, cfg.image_res, cfg.image_res, generator=g)
    ids = torch.tensor(
        [
            [101, 104, 115, 116, 129, 0, 0, 0],
            [101, 110, 111, 117, 104, 118, 120, 130],
            [101, 104, 115, 116, 129, 0, 0, 0],
        ]
    )
    mask = (ids != 0).long()
    unpadded_ids = ids[:1, :5].clone()
    unpadded_mask = torch.ones_like(unpadded_ids)
    image_tokens, image_emb = reference_outputs(model, "vision", pixel_values)
    text_tokens, text_emb = reference_outputs(model, "text", ids, mask)
    _, unpadded_emb = reference_outputs(model, "text", unpadded_ids, unpadded_mask)
    cases = [
        ParityCase(
            "vision",
            "vision batch of 2",
            {"pixel_values": pixel_values},
            {"image_tokens": image_tokens, "image_emb": image_emb},
        ),
        ParityCase(
            "text",
            "text batch of 3, padded",
            {"input_ids": ids, "attention_mask": mask},
            {"text_tokens": text_tokens, "text_emb": text_emb},
        ),
        ParityCase(
            "text",
            "text row 0 without padding",
            {"input_ids": unpadded_ids, "attention_mask": unpadded_mask},
            {"text_emb": unpadded_emb},
        ),
    ]
    for name, t_rows, i_rows in (
        ("one image, three texts (Bt=3, Bi=1)", [0, 1, 2], [0]),
        ("one text, two images (Bt=1, Bi=2)", [1], [0, 1]),
        ("pairwise (Bt=2, Bi=2)", [0, 1], [1, 0]),
    ):
        tt, tm, it = text_tokens[t_rows], mask[t_rows], image_tokens[i_rows]
        (logits,) = reference_outputs(model, "fusion", tt, tm, it)
        cases.append(
            ParityCase(
                "fusion",
                name,
                {"text_tokens": tt, "text_attention_mask": tm, "image_tokens": it},
                {"itm_logits": logits},
            )
        )
    return cases


def write_cases(model: ALBEF, case_dir: Path, source: Optional[Mapping[str, str]] = None) -> dict:
    """cases.json (index + tolerances) and tensors.safetensors, the input of parity_ort.mjs."""
    case_dir.mkdir(parents=True, exist_ok=True)
    tensors = {}
    index = []
    for i, case in enumerate(parity_cases(model)):
        entry: dict = {"graph": case.graph, "name": case.name, "inputs": {}, "outputs": {}}
        for kind in ("inputs", "outputs"):
            for name, t in getattr(case, kind).items():
                key = f"{i}.{kind}.{name}"
                tensors[key] = t.detach().contiguous().numpy()
                entry[kind][name] = key
        index.append(entry)
    write_safetensors(case_dir / "tensors.safetensors", tensors)
    doc = {
        "fp32_tolerance": FP32_TOL,
        "fp16_embedding_tolerance": FP16_EMB_TOL,
        "image_res": model.config.image_res,
        "source": dict(source or {}),
        "cases": index,
    }
    (case_dir / "cases.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return doc


def run_ort(bundle_dir: Path, case_dir: Path, node: str = "node") -> "subprocess.CompletedProcess[str]":
    """Run parity_ort.mjs (onnxruntime-node from the repository's node_modules); rc 1 = over tolerance."""
    exe = shutil.which(node)
    if exe is None:
        raise FileNotFoundError(f"{node} not found: ONNX Runtime parity needs Node.js and the repo's node_modules")
    return subprocess.run(
        [exe, str(ORT_SCRIPT), str(bundle_dir), str(case_dir)],
        cwd=ORT_SCRIPT.parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
