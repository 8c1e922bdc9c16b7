"""The exact state-dict key sets (names, shapes, dtypes) of the public ALBEF checkpoints.

Generated from the architecture rather than listed by hand, following the table in
albef-usi-spec.md §1.5 (read against salesforce/ALBEF models/model_retrieval.py,
models/model_pretrain.py, models/vit.py, models/xbert.py):

- retrieval layout (`flickr30k.pth`, `mscoco.pth`): `text_encoder.*` (a BertModel without pooler),
  momentum copies `*_m`, queues `image_queue`/`text_queue`/`idx_queue`, `queue_ptr`;
- pre-training layout (`ALBEF.pth`, `ALBEF_4M.pth`): `text_encoder.bert.*` plus the MLM head
  `text_encoder.cls.predictions.*` (a BertForMaskedLM), the same for `text_encoder_m`, no `idx_queue`,
  and `pos_embed` with 257 rows (trained at 256 px).

The checkpoint loader uses these sets to refuse files that are not ALBEF, and the tests use them to
build synthetic checkpoints with exactly the official names and shapes.

Example:
    >>> keys = retrieval_keys(AlbefConfig.base(image_res=384))
    >>> keys["visual_encoder.pos_embed"].shape
    (1, 577, 768)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Literal, Tuple

import torch

from .config import AlbefConfig

Layout = Literal["retrieval", "pretrain"]

@dataclass(frozen=True)
class KeySpec:
    shape: Tuple[int, ...]
    dtype: torch.dtype = torch.float32


KeySet = Dict[str, KeySpec]


def vision_keys(a: AlbefConfig, prefix: str) -> KeySet:
    """timm-style ViT as in salesforce/ALBEF models/vit.py (no classification head)."""
    w, h = a.vision_width, int(a.vision_width * a.vision_mlp_ratio)
    keys: KeySet = {
        f"{prefix}cls_token": KeySpec((1, 1, w)),
        f"{prefix}pos_embed": KeySpec((1, a.num_image_tokens, w)),
        f"{prefix}patch_embed.proj.weight": KeySpec((w, 3, a.patch_size, a.patch_size)),
        f"{prefix}patch_embed.proj.bias": KeySpec((w,)),
    }
    for i in range(a.vision_depth):
        b = f"{prefix}blocks.{i}."
        keys.update(
            {
                f"{b}norm1.weight": KeySpec((w,)),
                f"{b}norm1.bias": KeySpec((w,)),
                f"{b}attn.qkv.weight": KeySpec((3 * w, w)),
                f"{b}attn.qkv.bias": KeySpec((3 * w,)),
                f"{b}attn.proj.weight": KeySpec((w, w)),
                f"{b}attn.proj.bias": KeySpec((w,)),
                f"{b}norm2.weight": KeySpec((w,)),
                f"{b}norm2.bias": KeySpec((w,)),
                f"{b}mlp.fc1.weight": KeySpec((h, w)),
                f"{b}mlp.fc1.bias": KeySpec((h,)),
                f"{b}mlp.fc2.weight": KeySpec((w, h)),
                f"{b}mlp.fc2.bias": KeySpec((w,)),
            }
        )
    keys[f"{prefix}norm.weight"] = KeySpec((w,))
    keys[f"{prefix}norm.bias"] = KeySpec((w,))
    return keys


def _linear(name: str, out_dim: int, in_dim: int) -> KeySet:
    return {f"{name}.weight": KeySpec((out_dim, in_dim)), f"{name}.bias": KeySpec((out_dim,))}


def _layer_norm(name: str, dim: int) -> KeySet:
    return {f"{name}.weight": KeySpec((dim,)), f"{name}.bias": KeySpec((dim,))}


def _attention_block(prefix: str, w: int, kv_in: int) -> KeySet:
    keys: KeySet = {}
    keys.update(_linear(f"{prefix}self.query", w, w))
    keys.update(_linear(f"{prefix}self.key", w, kv_in))
    keys.update(_linear(f"{prefix}self.value", w, kv_in))
    keys.update(_linear(f"{prefix}output.dense", w, w))
    keys.update(_layer_norm(f"{prefix}output.LayerNorm", w))
    return keys


def bert_keys(a: AlbefConfig, prefix: str) -> KeySet:
    """xbert BertModel(add_pooling_layer=False); cross-attention in layers >= fusion_layer (xbert.py L451)."""
    w = a.text_width
    keys: KeySet = {
        f"{prefix}embeddings.word_embeddings.weight": KeySpec((a.vocab_size, w)),
        f"{prefix}embeddings.position_embeddings.weight": KeySpec((a.max_position_embeddings, w)),
        f"{prefix}embeddings.token_type_embeddings.weight": KeySpec((a.type_vocab_size, w)),
        f"{prefix}embeddings.position_ids": KeySpec((1, a.max_position_embeddings), torch.int64),
    }
    keys.update(_layer_norm(f"{prefix}embeddings.LayerNorm", w))
    for i in range(a.text_layers):
        b = f"{prefix}encoder.layer.{i}."
        keys.update(_attention_block(f"{b}attention.", w, w))
        if i >= a.fusion_layer:
            keys.update(_attention_block(f"{b}crossattention.", w, a.vision_width))
        keys.update(_linear(f"{b}intermediate.dense", a.text_intermediate, w))
        keys.update(_linear(f"{b}output.dense", w, a.text_intermediate))
        keys.update(_layer_norm(f"{b}output.LayerNorm", w))
    return keys


def mlm_head_keys(a: AlbefConfig, prefix: str) -> KeySet:
    """BertForMaskedLM's `cls.predictions` (decoder.bias is the same tensor as predictions.bias)."""
    w = a.text_width
    keys: KeySet = {f"{prefix}predictions.bias": KeySpec((a.vocab_size,))}
    keys.update(_linear(f"{prefix}predictions.transform.dense", w, w))
    keys.update(_layer_norm(f"{prefix}predictions.transform.LayerNorm", w))
    keys[f"{prefix}predictions.decoder.weight"] = KeySpec((a.vocab_size, w))
    keys[f"{prefix}predictions.decoder.bias"] = KeySpec((a.vocab_size,))
    return keys


def head_keys(a: AlbefConfig) -> KeySet:
    """Projection heads, momentum heads, ITM head and temperature (spec §1.4)."""
    keys: KeySet = {}
    keys.update(_linear("vision_proj", a.embed_dim, a.vision_width))
    keys.update(_linear("text_proj", a.embed_dim, a.text_width))
    keys["temp"] = KeySpec(())
    keys.update(_linear("itm_head", 2, a.text_width))
    keys.update(_linear("vision_proj_m", a.embed_dim, a.vision_width))
    keys.update(_linear("text_proj_m", a.embed_dim, a.text_width))
    return keys


def retrieval_keys(a: AlbefConfig) -> KeySet:
    """Every key of `flickr30k.pth` / `mscoco.pth` ['model'] (models/model_retrieval.py)."""
    keys: KeySet = {}
    keys.update(vision_keys(a, "visual_encoder."))
    keys.update(bert_keys(a, "text_encoder."))
    keys.update(head_keys(a))
    keys.update(vision_keys(a, "visual_encoder_m."))
    keys.update(bert_keys(a, "text_encoder_m."))
    keys["image_queue"] = KeySpec((a.embed_dim, a.queue_size))
    keys["text_queue"] = KeySpec((a.embed_dim, a.queue_size))
    keys["idx_queue"] = KeySpec((1, a.queue_size), torch.int64)
    keys["queue_ptr"] = KeySpec((1,), torch.int64)
    return keys


def pretrain_keys(a: AlbefConfig) -> KeySet:
    """Every key of `ALBEF.pth` / `ALBEF_4M.pth` ['model'] (models/model_pretrain.py, BertForMaskedLM)."""
    keys: KeySet = {}
    keys.update(vision_keys(a, "visual_encoder."))
    keys.update(bert_keys(a, "text_encoder.bert."))
    keys.update(mlm_head_keys(a, "text_encoder.cls."))
    keys.update(head_keys(a))
    keys.update(vision_keys(a, "visual_encoder_m."))
    keys.update(bert_keys(a, "text_encoder_m.bert."))
    keys.update(mlm_head_keys(a, "text_encoder_m.cls."))
    keys["image_queue"] = KeySpec((a.embed_dim, a.queue_size))
    keys["text_queue"] = KeySpec((a.embed_dim, a.queue_size))
    keys["queue_ptr"] = KeySpec((1,), torch.int64)
    return keys


def official_keys(layout: Layout, a: AlbefConfig) -> KeySet:
    return retrieval_keys(a) if layout == "retrieval" else pretrain_keys(a)
