"""Load an ALBEF checkpoint file and turn it into the inference state dict the exporter needs.

Follows the exporter mapping rules of albef-usi-spec.md §1.5 and the loading code of salesforce/ALBEF
`Retrieval.py` L259–273:
1. take `ckpt['model']` (or a bare state dict);
2. check the keys against the official layout (`official_keys.py`) and REFUSE a file that does not fit,
   with a readable list of missing / unexpected / wrongly shaped keys;
3. strip `bert.` (pre-training files are BertForMaskedLM), drop the MLM head `text_encoder.cls.*`,
   the momentum encoders and the queues (not needed for inference);
4. interpolate `visual_encoder.pos_embed` bicubically (align_corners=False, CLS row kept) when the
   checkpoint's patch grid differs from the target resolution (spec §1.2, `vit.py interpolate_pos_embed`);
5. keep `temp`, `itm_head`, the projection heads and their momentum copies (copied from the heads when
   the file has none, docs/bundle-format.md `heads.safetensors`).

Example:
    >>> ck = load_checkpoint(Path("ALBEF_4M.pth"), image_res=384)
    >>> ck.native_res, ck.arch.image_res, ck.state_dict["visual_encoder.pos_embed"].shape
    (256, 384, torch.Size([1, 577, 768]))
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

import torch
import torch.nn.functional as F

from .config import ARCHITECTURE_KEYS, AlbefConfig
from .official_keys import KeySet, Layout, official_keys

StateDict = Dict[str, torch.Tensor]

# Key groups a file may leave out as a whole (e.g. a state dict saved without the training-only parts).
# If any key of a group is present, the whole group must be (a half-present group is a damaged file).
_OPTIONAL_GROUPS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("momentum vision encoder", ("visual_encoder_m.",)),
    ("momentum text encoder", ("text_encoder_m.",)),
    ("momentum heads", ("vision_proj_m.", "text_proj_m.")),
    ("MLM head", ("text_encoder.cls.",)),
    ("queues", ("image_queue", "text_queue", "idx_queue", "queue_ptr")),
)
# The MLM head of this project's own model (tools/albef/bert.py MlmHead, at `mlm_head`/`mlm_head_m`):
# training-only, accepted in trained-here state dicts and dropped like `text_encoder.cls.*`.
_TRAINING_ONLY_PREFIXES = ("mlm_head.", "mlm_head_m.")
# Deterministic buffers (arange) that some savers omit; never required.
_OPTIONAL_KEYS = re.compile(r"(^|\.)embeddings\.position_ids$")

_INFERENCE_PREFIXES = ("visual_encoder.", "text_encoder.", "vision_proj.", "text_proj.", "itm_head.")
_MOMENTUM_HEADS = ("vision_proj", "text_proj")


class CheckpointError(ValueError):
    """A checkpoint that cannot be exported; `code` is stable, the message names the file and keys."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class LoadedCheckpoint:
    state_dict: StateDict  # retrieval names, inference tensors + heads + momentum heads + temp, fp32
    arch: AlbefConfig  # at the target resolution
    layout: Layout
    native_res: int  # resolution the file's pos_embed was trained at
    has_momentum_heads: bool
    source: str
    trained_here: bool = False  # the file carries this project's saved AlbefConfig (train.py)

    @property
    def interpolated(self) -> bool:
        return self.native_res != self.arch.image_res

    @property
    def temp(self) -> float:
        return float(self.state_dict["temp"])


def read_checkpoint(path: Path) -> Tuple[StateDict, Optional[AlbefConfig]]:
    """torch.load on CPU; unwraps the `{'model': ..., 'optimizer': ..., 'config': ...}` wrapper.

    The second value is the architecture saved beside the weights by this project's trainer (train.py writes
    `config` = AlbefConfig.to_dict()); official files carry their YAML config instead, which has no head
    counts, so for them it is None and the architecture is read from the shapes.
    """
    try:
        obj = torch.load(str(path), map_location="cpu")
    except Exception as err:  # torch raises many types for a file that is not a checkpoint
        raise CheckpointError("CHECKPOINT_UNREADABLE", f"{path}: not a PyTorch checkpoint ({err})") from err
    embedded: Optional[AlbefConfig] = None
    if isinstance(obj, Mapping) and isinstance(obj.get("model"), Mapping):
        saved = obj.get("config")
        if isinstance(saved, Mapping) and all(k in saved for k in ARCHITECTURE_KEYS):
            try:
                embedded = AlbefConfig.from_dict(dict(saved))
            except (TypeError, ValueError) as err:
                raise CheckpointError(
                    "CHECKPOINT_CONFIG_INVALID", f"{path}: saved 'config' is not valid ({err})"
                ) from err
        obj = obj["model"]
    if not isinstance(obj, Mapping) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise CheckpointError(
            "CHECKPOINT_NOT_STATE_DICT", f"{path}: expected a state dict or a dict with a 'model' state dict"
        )
    return dict(obj), embedded


def read_state_dict(path: Path) -> StateDict:
    return read_checkpoint(path)[0]


def detect_layout(sd: Mapping[str, torch.Tensor]) -> Layout:
    return "pretrain" if any(k.startswith(("text_encoder.bert.", "text_encoder.cls.")) for k in sd) else "retrieval"


def _shape(sd: Mapping[str, torch.Tensor], key: str) -> Optional[Tuple[int, ...]]:
    t = sd.get(key)
    return tuple(t.shape) if t is not None else None


def _count_indexed(sd: Mapping[str, torch.Tensor], prefix: str) -> Optional[int]:
    pat = re.compile(re.escape(prefix) + r"(\d+)\.")
    idx = [int(m.group(1)) for k in sd for m in [pat.match(k)] if m]
    return max(idx) + 1 if idx else None


def infer_config(
    sd: Mapping[str, torch.Tensor], layout: Layout, base: Optional[AlbefConfig] = None
) -> AlbefConfig:
    """Read the architecture from tensor shapes; anything absent keeps `base` (default ALBEF-B, spec §1.1).

    Head counts cannot be read from shapes: they stay `base`'s when they divide the widths, else width/64
    (BERT-base and ViT-B use 64-wide heads).
    """
    a = base or AlbefConfig.base()
    bert = "text_encoder.bert." if layout == "pretrain" else "text_encoder."
    fields: Dict[str, int] = {}
    patch = _shape(sd, "visual_encoder.patch_embed.proj.weight")
    if patch and len(patch) == 4:
        fields.update(vision_width=patch[0], patch_size=patch[2])
    depth = _count_indexed(sd, "visual_encoder.blocks.")
    if depth:
        fields["vision_depth"] = depth
    fc1 = _shape(sd, "visual_encoder.blocks.0.mlp.fc1.weight")
    if fc1 and len(fc1) == 2 and fc1[1] and fc1[0] % fc1[1] == 0:
        fields["vision_mlp_ratio"] = fc1[0] // fc1[1]
    pos = _shape(sd, "visual_encoder.pos_embed")
    side = math.isqrt(pos[1] - 1) if pos and len(pos) == 3 and pos[1] > 1 else 0
    if side and side * side == pos[1] - 1:
        fields["image_res"] = side * fields.get("patch_size", a.patch_size)
    words = _shape(sd, bert + "embeddings.word_embeddings.weight")
    if words and len(words) == 2:
        fields.update(vocab_size=words[0], text_width=words[1])
    for key, name in (
        ("embeddings.position_embeddings.weight", "max_position_embeddings"),
        ("embeddings.token_type_embeddings.weight", "type_vocab_size"),
    ):
        s = _shape(sd, bert + key)
        if s and len(s) == 2:
            fields[name] = s[0]
    layers = _count_indexed(sd, bert + "encoder.layer.")
    if layers:
        fields["text_layers"] = layers
        cross = [i for i in range(layers) if f"{bert}encoder.layer.{i}.crossattention.self.query.weight" in sd]
        if cross:
            fields["fusion_layer"] = min(cross)
    inter = _shape(sd, bert + "encoder.layer.0.intermediate.dense.weight")
    if inter and len(inter) == 2:
        fields["text_intermediate"] = inter[0]
    proj = _shape(sd, "vision_proj.weight")
    if proj and len(proj) == 2:
        fields["embed_dim"] = proj[0]
    queue = _shape(sd, "image_queue")
    if queue and len(queue) == 2:
        fields["queue_size"] = queue[1]
    for width, heads in (("vision_width", "vision_heads"), ("text_width", "text_heads")):
        w = fields.get(width, getattr(a, width))
        if w % getattr(a, heads):
            fields[heads] = max(1, w // 64)
    return replace(a, **fields)


def _group_of(key: str) -> Optional[str]:
    for name, prefixes in _OPTIONAL_GROUPS:
        if key.startswith(prefixes) or any(key == p for p in prefixes):
            return name
    return None


def _normalise_pretrain_name(key: str) -> str:
    """`text_encoder.cls.*` belongs to the MLM-head group for both towers; group lookup uses this form."""
    return key.replace("text_encoder_m.cls.", "text_encoder_m.")


def compress_keys(keys: Iterable[str], limit: int = 40) -> List[str]:
    """`a.layer.3.x`, `a.layer.4.x` → `a.layer.{3-4}.x`: one line per pattern, indices as ranges."""
    groups: Dict[str, List[int]] = defaultdict(list)
    plain: List[str] = []
    for k in sorted(keys):
        m = re.search(r"\.(\d+)\.", k)
        if m:
            groups[k[: m.start(1)] + "{}" + k[m.end(1) :]].append(int(m.group(1)))
        else:
            plain.append(k)
    lines = plain + [pat.replace("{}", _index_set(sorted(set(ix)))) for pat, ix in groups.items()]
    lines.sort()
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more"]
    return lines


def _index_set(ix: List[int]) -> str:
    return str(ix[0]) if len(ix) == 1 else "{" + _ranges(ix) + "}"


def _ranges(ix: List[int]) -> str:
    out: List[str] = []
    start = prev = ix[0]
    for i in ix[1:] + [None]:  # type: ignore[list-item]
        if i is not None and i == prev + 1:
            prev = i
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ",".join(out)


def check_keys(sd: Mapping[str, torch.Tensor], layout: Layout, arch: AlbefConfig, source: str) -> None:
    """Refuse `sd` unless it is the official key set of `layout` (optional groups may be absent as a whole)."""
    expected: KeySet = official_keys(layout, arch)
    present_groups = {_group_of(_normalise_pretrain_name(k)) for k in sd}
    missing = [
        k
        for k in expected
        if k not in sd
        and not _OPTIONAL_KEYS.search(k)
        and (_group_of(_normalise_pretrain_name(k)) is None or _group_of(_normalise_pretrain_name(k)) in present_groups)
    ]
    unexpected = [k for k in sd if k not in expected and not k.startswith(_TRAINING_ONLY_PREFIXES)]
    wrong = [
        f"{k}: expected {list(expected[k].shape)}, got {list(sd[k].shape)}"
        for k in sd
        if k in expected and tuple(sd[k].shape) != expected[k].shape
    ]
    if not (missing or unexpected or wrong):
        return
    parts = [
        f"{source}: keys do not fit the official ALBEF {layout} layout "
        f"(image_res {arch.image_res}, {arch.text_layers} text layers, fusion from layer {arch.fusion_layer})"
    ]
    for title, items in (("missing", missing), ("unexpected", unexpected)):
        if items:
            parts.append(f"  {title} ({len(items)}):")
            parts.extend("    " + line for line in compress_keys(items))
    if wrong:
        parts.append(f"  wrong shape ({len(wrong)}):")
        parts.extend("    " + line for line in sorted(wrong)[:40])
    raise CheckpointError("CHECKPOINT_KEYS_MISMATCH", "\n".join(parts))


def interpolate_pos_embed(pos_embed: torch.Tensor, num_tokens: int) -> torch.Tensor:
    """Resize [1, 1+g², W] to [1, num_tokens, W]: CLS row kept, grid resized bicubic (spec §1.2)."""
    old_side = math.isqrt(pos_embed.shape[1] - 1)
    new_side = math.isqrt(num_tokens - 1)
    if old_side * old_side != pos_embed.shape[1] - 1 or new_side * new_side != num_tokens - 1:
        raise CheckpointError(
            "POS_EMBED_NOT_SQUARE", f"pos_embed rows {pos_embed.shape[1]} → {num_tokens}: grids must be square"
        )
    if old_side == new_side:
        return pos_embed
    width = pos_embed.shape[-1]
    grid = pos_embed[:, 1:].reshape(1, old_side, old_side, width).permute(0, 3, 1, 2)
    grid = F.interpolate(grid.float(), size=(new_side, new_side), mode="bicubic", align_corners=False)
    return torch.cat([pos_embed[:, :1], grid.permute(0, 2, 3, 1).flatten(1, 2)], dim=1)


def prepare_state_dict(
    raw: Mapping[str, torch.Tensor],
    image_res: Optional[int] = None,
    source: str = "<state dict>",
    base: Optional[AlbefConfig] = None,
) -> LoadedCheckpoint:
    """Check, rename, trim and resize an official-layout state dict for export at `image_res`."""
    layout = detect_layout(raw)
    native = infer_config(raw, layout, base)
    check_keys(raw, layout, native, source)
    target_res = image_res or native.image_res
    if target_res % native.patch_size:
        raise CheckpointError(
            "IMAGE_RES_INVALID", f"--image-res {target_res} is not a multiple of the patch size {native.patch_size}"
        )
    arch = replace(native, image_res=target_res)

    sd: StateDict = {}
    for key, tensor in raw.items():
        name = key.replace("text_encoder.bert.", "text_encoder.")  # Retrieval.py L269–273
        if name.startswith(_INFERENCE_PREFIXES + ("vision_proj_m.", "text_proj_m.")) or name == "temp":
            sd[name] = tensor.detach().clone().float() if tensor.is_floating_point() else tensor.detach().clone()
    for name in [k for k in sd if k.startswith("text_encoder.cls.")]:
        del sd[name]
    sd["visual_encoder.pos_embed"] = interpolate_pos_embed(sd["visual_encoder.pos_embed"], arch.num_image_tokens)
    has_m = all(f"{h}_m.weight" in sd for h in _MOMENTUM_HEADS)
    if not has_m:
        for h in _MOMENTUM_HEADS:
            for p in ("weight", "bias"):
                sd[f"{h}_m.{p}"] = sd[f"{h}.{p}"].clone()
    return LoadedCheckpoint(sd, arch, layout, native.image_res, has_m, source)


def load_checkpoint(
    path: Path, image_res: Optional[int] = None, base: Optional[AlbefConfig] = None
) -> LoadedCheckpoint:
    """`base` (head counts, eps) defaults to the config saved in a trained-here file, else ALBEF-B."""
    sd, embedded = read_checkpoint(path)
    ck = prepare_state_dict(sd, image_res, Path(path).name, base or embedded)
    ck.trained_here = embedded is not None
    return ck
