"""Image–caption manifests (JSONL from tools/dataset) → tensors for ALBEF training and evaluation.

Rows: {"image": path relative to the manifest, "caption", "caption_tags", "id", "style", ...}; images are
already alpha-composited on white by tools/dataset. Images are decoded once and kept in memory (≈50 KB each
at 128 px), because PNG decoding per step would cost more than the small model's forward pass on 2 cores.

Transforms (spec §1.7): test = bicubic squash to R×R; train = RandomResizedCrop(R, scale=(0.5, 1), bicubic)
+ horizontal flip with p=0.5, no colour jitter or RandAugment (colour carries the signal for emoji). The flip
is skipped for captions that name a direction ("left", "right", …): flipping "left arrow" would turn a
correct pair into a wrong one. `photometric=True` (train.py --photometric) adds hue-preserving changes —
brightness, contrast, saturation, blur — because the default model's test style (Fluent 3D: shading, soft
edges) differs from the flat training styles in exactly those respects; hue is never touched ("red apple").
"""
from __future__ import annotations

import json
import math
import os
import random
import re
from dataclasses import dataclass
from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.utils.data
from PIL import Image, ImageEnhance, ImageFile, ImageFilter

ImageFile.LOAD_TRUNCATED_IMAGES = True

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
_DIRECTIONAL = re.compile(r"\b(left|right|leftwards|rightwards|clockwise|anticlockwise|counterclockwise|facing)\b",
                          re.IGNORECASE)


@dataclass
class Pair:
    image_path: str
    caption: str
    tags: str
    concept: str
    style: str


def read_manifest(path: str, drop_groups: Sequence[str] = ()) -> List[Pair]:
    base = os.path.dirname(os.path.abspath(path))
    out: List[Pair] = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                if r.get("group") in drop_groups:
                    continue
                out.append(Pair(os.path.join(base, r["image"]), r["caption"], r.get("caption_tags") or "",
                                str(r["id"]), r.get("style", "")))
            except (json.JSONDecodeError, KeyError) as e:
                raise ValueError(f"{path}:{lineno}: bad manifest row ({e})") from e
    return out


def load_rgb(path: str) -> Image.Image:
    im = Image.open(path)
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, im)
    return im.convert("RGB")


def to_tensor(im: Image.Image) -> torch.Tensor:
    a = torch.from_numpy(np.asarray(im, dtype=np.float32) / 255.0).permute(2, 0, 1)
    mean = torch.tensor(MEAN).view(3, 1, 1)
    std = torch.tensor(STD).view(3, 1, 1)
    return (a - mean) / std


def test_transform(im: Image.Image, res: int) -> torch.Tensor:
    return to_tensor(im.resize((res, res), Image.BICUBIC))


def random_resized_crop_box(w: int, h: int, rng: random.Random, scale=(0.5, 1.0), ratio=(3 / 4, 4 / 3)):
    """torchvision RandomResizedCrop.get_params: 10 tries, then a centre crop clamped to the ratio range."""
    area = w * h
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * rng.uniform(*scale)
        ar = math.exp(rng.uniform(*log_ratio))
        cw = int(round(math.sqrt(target * ar)))
        ch = int(round(math.sqrt(target / ar)))
        if 0 < cw <= w and 0 < ch <= h:
            x = rng.randint(0, w - cw)
            y = rng.randint(0, h - ch)
            return x, y, cw, ch
    in_ratio = w / h
    if in_ratio < ratio[0]:
        cw, ch = w, int(round(w / ratio[0]))
    elif in_ratio > ratio[1]:
        ch, cw = h, int(round(h * ratio[1]))
    else:
        cw, ch = w, h
    return (w - cw) // 2, (h - ch) // 2, cw, ch


def photometric_jitter(im: Image.Image, rng: random.Random) -> Image.Image:
    """Hue-preserving jitter: each of brightness / contrast / saturation with p=0.5 by a factor in [0.7, 1.3],
    then a Gaussian blur (radius 0.3–1.2 px) with p=0.3."""
    for enhance in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        if rng.random() < 0.5:
            im = enhance(im).enhance(rng.uniform(0.7, 1.3))
    if rng.random() < 0.3:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    return im


def shade(im: Image.Image, rng: random.Random) -> Image.Image:
    """Volume-like lighting on the drawn object (not the white background): a linear light falloff in a random
    direction (factor 1 ± up to 0.35) and a soft specular highlight pulled toward white. Why: the held-out
    Fluent 3D style is the flat training styles' concepts rendered with light and shade; flat colours teach
    the encoder that a uniform fill is part of what "apple" looks like."""
    a = np.asarray(im, dtype=np.float32) / 255.0
    h, w, _ = a.shape
    mask = Image.fromarray(((1.0 - a.min(axis=2)) > 0.04).astype(np.uint8) * 255).filter(ImageFilter.GaussianBlur(1))
    m = (np.asarray(mask, dtype=np.float32) / 255.0)[..., None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    yy, xx = yy / (h - 1) - 0.5, xx / (w - 1) - 0.5
    theta = rng.uniform(-math.pi, math.pi)
    field = 1.0 - rng.uniform(0.1, 0.35) * 2 * (xx * math.cos(theta) + yy * math.sin(theta))
    cx, cy, sigma = rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(0.08, 0.25)
    glow = rng.uniform(0.0, 0.4) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sigma * sigma))
    lit = np.clip(a * field[..., None], 0, 1)
    lit = lit + glow[..., None] * (1.0 - lit)
    out = a + m * (lit - a)
    return Image.fromarray(np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8))


def train_transform(im: Image.Image, res: int, rng: random.Random, allow_flip: bool,
                    photometric: bool = False, shading: bool = False) -> torch.Tensor:
    x, y, cw, ch = random_resized_crop_box(im.width, im.height, rng)
    out = im.resize((res, res), Image.BICUBIC, box=(x, y, x + cw, y + ch))
    if allow_flip and rng.random() < 0.5:
        out = out.transpose(Image.FLIP_LEFT_RIGHT)
    if photometric:
        out = photometric_jitter(out, rng)
    if shading and rng.random() < 0.5:
        out = shade(out, rng)
    return to_tensor(out)


def is_directional(caption: str) -> bool:
    return bool(_DIRECTIONAL.search(caption))


class TrainSet:
    """Pairs with their images in memory; `caption_mode` picks the caption per draw (label / tags / both)."""

    def __init__(self, pairs: List[Pair], res: int, seed: int = 0, p_label: float = 0.5, p_tags: float = 0.25,
                 photometric: bool = False, shading: bool = False) -> None:
        self.pairs = pairs
        self.photometric, self.shading = photometric, shading
        self.res = res
        self.images = [load_rgb(p.image_path) for p in pairs]
        concepts = sorted({p.concept for p in pairs})
        self.concept_index: Dict[str, int] = {c: i for i, c in enumerate(concepts)}
        self.rng = random.Random(seed)
        self.p_label, self.p_tags = p_label, p_tags

    def __len__(self) -> int:
        return len(self.pairs)

    def caption_for(self, p: Pair, rng: random.Random | None = None) -> str:
        r = (rng or self.rng).random()
        if not p.tags or r < self.p_label:
            return p.caption
        if r < self.p_label + self.p_tags:
            return p.tags
        return f"{p.caption}, {p.tags}"

    def batch(self, indices: Sequence[int], rng: random.Random | None = None):
        """`rng` (default: the set's own stream) lets loader workers draw a batch reproducibly on their own."""
        rng = rng or self.rng
        imgs, caps, idx = [], [], []
        for i in indices:
            p = self.pairs[i]
            cap = self.caption_for(p, rng)
            flip_ok = not is_directional(p.caption) and not is_directional(p.tags)
            imgs.append(train_transform(self.images[i], self.res, rng, flip_ok, self.photometric, self.shading))
            caps.append(cap)
            idx.append(self.concept_index[p.concept])
        return torch.stack(imgs), caps, torch.tensor(idx, dtype=torch.long)

    def epoch_order(self, epoch: int, batch_size: int, seed: int = 0) -> List[List[int]]:
        """Shuffled full batches (drop_last: the queue size must stay a multiple of the batch)."""
        order = list(range(len(self.pairs)))
        random.Random(seed * 1000003 + epoch).shuffle(order)
        return [order[i:i + batch_size] for i in range(0, len(order) - batch_size + 1, batch_size)]


class EpochBatches(torch.utils.data.Dataset):
    """One epoch's batches as a Dataset for a multi-process DataLoader (train.py --workers): batch b of epoch e
    draws its augmentation from Random((seed, e, b)), so the batches do not depend on which worker makes them."""

    def __init__(self, ds: TrainSet, batches: List[List[int]], epoch: int, first: int, seed: int) -> None:
        self.ds, self.batches, self.epoch, self.first, self.seed = ds, batches, epoch, first, seed

    def __len__(self) -> int:
        return len(self.batches) - self.first

    def __getitem__(self, i: int):
        b = self.first + i
        return self.ds.batch(self.batches[b], random.Random(f"{self.seed}/{self.epoch}/{b}"))


def load_eval_images(pairs: List[Pair], res: int) -> torch.Tensor:
    return torch.stack([test_transform(load_rgb(p.image_path), res) for p in pairs])

