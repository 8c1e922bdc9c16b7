"""Export an ALBEF checkpoint to a Pairscope model bundle (docs/bundle-format.md).

CLI:
    /usr/bin/python3 -m tools.albef.export --checkpoint flickr30k.pth --vocab vocab.txt --out bundles/albef-flickr30k \
        [--image-res 384] [--name N] [--fp16] [--k-test 128] [--source-kind official|trained-here] [--license-file F]

Writes vision.onnx / text.onnx / fusion.onnx (opset 17, dynamic batch and sequence axes), optional fp16
variants, heads.safetensors, vocab.txt and manifest.json (sha256 + bytes of every other file, written last).
The same inputs always give the same files (style.md §13). `export_bundle()` is the importable entry point,
also used by training to export the bundled default model from its state dict.

Example:
    >>> export_bundle(Path("out/b"), Path("vocab.txt"), checkpoint=Path("flickr30k.pth"), fp16=True)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional

import numpy as np
import onnx
import torch

from .checkpoint import CheckpointError, LoadedCheckpoint, load_checkpoint, prepare_state_dict
from .config import AlbefConfig
from .graphs import GRAPH_NAMES, export_graph
from .model import ALBEF
from .onnx_fp16 import convert_to_fp16
from .parity_cases import run_ort, write_cases
from .safetensors_io import write_safetensors

# Spec §1.7 (CLIP statistics) and §1.6 (tokenizer conventions of the original ALBEF).
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]
SPECIAL_TOKENS = {"pad": "[PAD]", "unk": "[UNK]", "cls": "[CLS]", "sep": "[SEP]", "mask": "[MASK]"}
HEAD_KEYS = (
    "vision_proj.weight", "vision_proj.bias", "text_proj.weight", "text_proj.bias",
    "vision_proj_m.weight", "vision_proj_m.bias", "text_proj_m.weight", "text_proj_m.bias",
    "itm_head.weight", "itm_head.bias",
)  # fmt: skip
BUNDLE_FILES = (
    "manifest.json", "vision.onnx", "text.onnx", "fusion.onnx", "vision.fp16.onnx", "text.fp16.onnx",
    "fusion.fp16.onnx", "heads.safetensors", "vocab.txt", "LICENSE-DATA.md",
)  # fmt: skip
# Keys of the model that an export may leave at their initial values: never part of a graph or the heads.
_UNUSED_PREFIXES = ("visual_encoder_m.", "text_encoder_m.", "image_queue", "text_queue", "idx_queue", "queue_ptr")


class ExportError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ExportResult:
    out_dir: Path
    manifest: dict
    config: AlbefConfig
    checkpoint: LoadedCheckpoint
    model: ALBEF
    seconds: Dict[str, float] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_vocab(path: Path, vocab_size: int) -> List[str]:
    """One token per line, line index = id; must match the embedding table and hold the special tokens."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != vocab_size:
        raise ExportError(
            "VOCAB_SIZE_MISMATCH",
            f"{path}: {len(lines)} tokens, but the checkpoint's word embeddings have {vocab_size} rows",
        )
    index = {tok: i for i, tok in enumerate(lines)}
    for role, tok in SPECIAL_TOKENS.items():
        if tok not in index:
            raise ExportError("VOCAB_MISSING_SPECIAL", f"{path}: special token {tok} ({role}) is not in the vocabulary")
    return lines


def build_model(ck: LoadedCheckpoint) -> ALBEF:
    """ALBEF at the checkpoint's config with its inference weights; momentum encoders/queues stay unused."""
    cfg = replace(ck.arch, queue_size=1, text_dropout=0.0)  # queue contents are not exported
    with torch.random.fork_rng():  # leave the caller's RNG (e.g. a training run) untouched
        torch.manual_seed(0)  # unused tensors get deterministic values (they never reach a file)
        model = ALBEF(cfg)
    result = model.load_state_dict(ck.state_dict, strict=False)
    missing = [k for k in result.missing_keys if not k.startswith(_UNUSED_PREFIXES)]
    if missing or result.unexpected_keys:
        raise ExportError(
            "MODEL_KEYS_MISMATCH",
            f"{ck.source}: model does not take the checkpoint: missing {missing}, unexpected {result.unexpected_keys}",
        )
    return model.eval()


def _write_graph(proto: onnx.ModelProto, path: Path) -> None:
    path.write_bytes(proto.SerializeToString())


def _prepare_out_dir(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    foreign = sorted(p.name for p in out.iterdir() if p.name not in BUNDLE_FILES)
    if foreign:
        raise ExportError(
            "OUT_DIR_NOT_BUNDLE", f"{out}: holds files that are not part of a bundle ({', '.join(foreign)}); refusing"
        )
    for name in BUNDLE_FILES:  # a stale manifest or fp16 variant from an earlier run must not survive
        (out / name).unlink(missing_ok=True)


def build_manifest(
    *,
    name: str,
    description: str,
    source: dict,
    cfg: AlbefConfig,
    temp: float,
    k_test: int,
    max_length: int,
    fp16: bool,
    files: Mapping[str, dict],
) -> dict:
    manifest: dict = {
        "format": "pairscope-albef-bundle",
        "formatVersion": 1,
        "name": name,
        "description": description,
        "source": source,
        "architecture": cfg.architecture(),
        "image": {
            "resolution": cfg.image_res,
            "mean": IMAGE_MEAN,
            "std": IMAGE_STD,
            "resize": "bicubic-square",
            "background": [255, 255, 255],
        },
        "text": {
            "vocab": "vocab.txt",
            "lowercase": True,
            "strip_accents": True,
            "pre_caption": {"max_words": 30},
            "add_sep": False,
            "max_length": max_length,
            "special_tokens": dict(SPECIAL_TOKENS),
        },
        "temp": temp,
        "itm": {"k_test": k_test},
        "graphs": {g: f"{g}.onnx" for g in GRAPH_NAMES},
    }
    if fp16:
        manifest["graphs_fp16"] = {g: f"{g}.fp16.onnx" for g in GRAPH_NAMES}
    manifest["heads"] = "heads.safetensors"
    manifest["files"] = {k: dict(files[k]) for k in sorted(files)}
    return manifest


def export_bundle(
    out_dir: Path,
    vocab: Path,
    *,
    checkpoint: Optional[Path] = None,
    state_dict: Optional[Mapping[str, torch.Tensor]] = None,
    config: Optional[AlbefConfig] = None,
    image_res: Optional[int] = None,
    name: Optional[str] = None,
    description: Optional[str] = None,
    fp16: bool = False,
    k_test: int = 128,
    source_kind: Optional[str] = None,
    license_file: Optional[Path] = None,
    max_length: int = 30,
    verify: bool = False,
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr),
) -> ExportResult:
    """Write a bundle from a checkpoint file or an in-memory state dict (official retrieval/pre-training names).

    `config` supplies what shapes cannot tell (head counts, LayerNorm eps); the rest is read from the
    tensors. Training passes `state_dict=model.state_dict(), config=model.config, source_kind="trained-here"`.
    With `verify=True` the bundle's graphs are run by onnxruntime-node on fixed inputs (parity_ort.mjs) and
    compared with PyTorch; over tolerance the manifest is removed (the app will not load it) and the export fails.
    """
    if (checkpoint is None) == (state_dict is None):
        raise ExportError("EXPORT_ARGS", "give exactly one of checkpoint= or state_dict=")
    if source_kind not in (None, "official", "trained-here"):
        raise ExportError("EXPORT_ARGS", f"source kind must be official or trained-here, not {source_kind!r}")
    t0 = time.perf_counter()
    seconds: Dict[str, float] = {}
    if checkpoint is not None:
        ck = load_checkpoint(Path(checkpoint), image_res, config)
        kind = source_kind or ("trained-here" if ck.trained_here else "official")
        source = {"kind": kind, "checkpoint": Path(checkpoint).name, "sha256": sha256_file(Path(checkpoint))}
    else:
        ck = prepare_state_dict(state_dict or {}, image_res, "<state dict>", config)
        source = {"kind": source_kind or "trained-here"}
    cfg = ck.arch
    if ck.temp <= 0:
        raise ExportError("TEMP_NOT_POSITIVE", f"{ck.source}: temp is {ck.temp}; ALBEF's temperature must be > 0")
    if not 2 <= max_length <= cfg.max_position_embeddings:
        raise ExportError("EXPORT_ARGS", f"max_length {max_length} outside [2, {cfg.max_position_embeddings}]")
    read_vocab(Path(vocab), cfg.vocab_size)
    seconds["load"] = time.perf_counter() - t0
    log(
        f"loaded {ck.source}: {ck.layout} layout, pos_embed {ck.native_res}px → {cfg.image_res}px"
        f"{' (interpolated)' if ck.interpolated else ''}, temp {ck.temp:.6g}"
        f"{'' if ck.has_momentum_heads else ', no momentum heads (copied from heads)'}"
    )

    model = build_model(ck)
    out = Path(out_dir)
    _prepare_out_dir(out)  # only after everything that can refuse the input has run
    files: Dict[str, dict] = {}
    for graph in GRAPH_NAMES:
        t = time.perf_counter()
        proto = export_graph(model, graph)
        _write_graph(proto, out / f"{graph}.onnx")
        seconds[graph] = time.perf_counter() - t
        if fp16:
            t = time.perf_counter()
            _write_graph(convert_to_fp16(proto), out / f"{graph}.fp16.onnx")
            seconds[f"{graph}.fp16"] = time.perf_counter() - t
        del proto
        log(f"wrote {graph}.onnx{' + fp16' if fp16 else ''} ({seconds[graph]:.1f}s)")

    heads = {k: ck.state_dict[k].detach().float().numpy() for k in HEAD_KEYS}
    heads["temp"] = np.array([ck.temp], dtype=np.float32)
    write_safetensors(out / "heads.safetensors", heads)
    shutil.copyfile(vocab, out / "vocab.txt")
    if license_file is not None:
        shutil.copyfile(license_file, out / "LICENSE-DATA.md")

    for path in sorted(out.iterdir()):
        if path.name != "manifest.json":
            files[path.name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    default_name = f"albef-{Path(checkpoint).stem}" if checkpoint is not None else "albef-trained-here"
    manifest = build_manifest(
        name=name or default_name,
        description=description
        or (
            f"ALBEF ({ck.layout} checkpoint {source.get('checkpoint', 'state dict')}) exported at {cfg.image_res} px"
        ),
        source=source,
        cfg=cfg,
        temp=float(str(np.float32(ck.temp))),  # shortest decimal that round-trips the stored float32
        k_test=k_test,
        max_length=max_length,
        fp16=fp16,
        files=files,
    )
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    seconds["total"] = time.perf_counter() - t0
    log(f"bundle {out} written in {seconds['total']:.1f}s")
    result = ExportResult(out, manifest, cfg, ck, model, seconds)
    if verify:
        t = time.perf_counter()
        log(verify_bundle(result))
        seconds["verify"] = time.perf_counter() - t
    return result


def verify_bundle(result: ExportResult) -> str:
    """PyTorch vs onnxruntime-node on the parity cases (spec §4.2 step 6); returns the table it printed."""
    with tempfile.TemporaryDirectory(prefix="albef-verify-") as tmp:
        write_cases(result.model, Path(tmp), result.manifest["source"])
        try:
            proc = run_ort(result.out_dir, Path(tmp))
        except FileNotFoundError as err:
            raise ExportError("VERIFY_UNAVAILABLE", str(err)) from err
    report = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        (result.out_dir / "manifest.json").unlink(missing_ok=True)
        raise ExportError(
            "PARITY_FAILED",
            f"{result.out_dir}: ONNX Runtime differs from PyTorch beyond tolerance; manifest.json removed\n{report}",
        )
    return "ONNX Runtime parity:\n" + report


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.albef.export", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--checkpoint", type=Path, required=True, help="ALBEF .pth (flickr30k.pth, mscoco.pth, ALBEF_4M.pth, ...)"
    )
    p.add_argument("--vocab", type=Path, required=True, help="bert-base-uncased vocab.txt (30522 lines)")
    p.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    p.add_argument("--image-res", type=int, default=None, help="input resolution (default: the checkpoint's own)")
    p.add_argument("--name", default=None, help="bundle name shown in the app")
    p.add_argument("--description", default=None)
    p.add_argument("--fp16", action="store_true", help="also write fp16 variants of the three graphs")
    p.add_argument("--k-test", type=int, default=128, help="ITM re-rank depth (Flickr30K 128, COCO 256)")
    p.add_argument(
        "--source-kind",
        choices=("official", "trained-here"),
        default=None,
        help="default: trained-here for files written by tools/albef/train.py (they carry its config), else official",
    )
    p.add_argument("--license-file", type=Path, default=None, help="copied to LICENSE-DATA.md")
    p.add_argument(
        "--verify", action="store_true", help="run the graphs with onnxruntime-node (needs node) and compare with PyTorch"
    )
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    try:
        export_bundle(
            args.out,
            args.vocab,
            checkpoint=args.checkpoint,
            image_res=args.image_res,
            name=args.name,
            description=args.description,
            fp16=args.fp16,
            k_test=args.k_test,
            source_kind=args.source_kind,
            license_file=args.license_file,
            verify=args.verify,
        )
    except (CheckpointError, ExportError) as err:
        print(f"error [{err.code}]: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
