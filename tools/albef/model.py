"""ALBEF retrieval model with size-configurable towers (spec §1.1–1.5).

`ALBEF(cfg).state_dict()` has exactly the key names and shapes of the official retrieval checkpoints
(`salesforce/ALBEF` models/model_retrieval.py): towers, heads, `temp`, momentum copies and the queues.
With `mlm_head=True` (training from scratch, spec §1.8 MLM) two extra prefixes appear, `mlm_head.*` and
`mlm_head_m.*`; `ALBEF.retrieval_state_dict()` and every exporter drop them.

Methods used by the exporter and the trainer:
  encode_image(pixel_values) → image tokens [B,Ni,Wv]          (visual_encoder)
  encode_text(input_ids, attention_mask) → text tokens [B,L,Wt] (BERT layers < fusion_layer)
  fuse(text_tokens, text_mask, image_tokens) → hidden [B,L,Wt]  (BERT layers ≥ fusion_layer)
  itm_logits(text_tokens, text_mask, image_tokens) → [B,2]      (class 1 = match)
  image_embed(image_tokens) / text_embed(text_tokens) → L2-normalised [B,E]
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .bert import BertModel, MlmHead
from .config import ARCHITECTURE_KEYS, AlbefConfig  # noqa: F401  (re-exported: `from tools.albef.model import AlbefConfig`)
from .vit import VisionTransformer, interpolate_pos_embed  # noqa: F401

MLM_PREFIXES = ("mlm_head.", "mlm_head_m.")


class ALBEF(nn.Module):
    def __init__(self, cfg: AlbefConfig, mlm_head: bool = False) -> None:
        super().__init__()
        self.config = cfg
        self.visual_encoder = VisionTransformer(cfg)
        self.text_encoder = BertModel(cfg)
        self.vision_proj = nn.Linear(cfg.vision_width, cfg.embed_dim)
        self.text_proj = nn.Linear(cfg.text_width, cfg.embed_dim)
        self.temp = nn.Parameter(torch.ones([]) * cfg.temp)
        self.itm_head = nn.Linear(cfg.text_width, 2)
        for lin in (self.vision_proj, self.text_proj, self.itm_head):
            nn.init.normal_(lin.weight, std=0.02)
            nn.init.zeros_(lin.bias)
        self.mlm_head = MlmHead(cfg) if mlm_head else None

        # Momentum (teacher) copies: EMA of the student, never trained by gradient (spec §1.8).
        self.visual_encoder_m = VisionTransformer(cfg)
        self.vision_proj_m = nn.Linear(cfg.vision_width, cfg.embed_dim)
        self.text_encoder_m = BertModel(cfg)
        self.text_proj_m = nn.Linear(cfg.text_width, cfg.embed_dim)
        self.mlm_head_m = MlmHead(cfg) if mlm_head else None
        self.model_pairs: List[Tuple[nn.Module, nn.Module]] = [
            (self.visual_encoder, self.visual_encoder_m),
            (self.vision_proj, self.vision_proj_m),
            (self.text_encoder, self.text_encoder_m),
            (self.text_proj, self.text_proj_m),
        ]
        if mlm_head:
            self.model_pairs.append((self.mlm_head, self.mlm_head_m))
        self.copy_params()

        q = cfg.queue_size
        self.register_buffer("image_queue", F.normalize(torch.randn(cfg.embed_dim, q), dim=0))
        self.register_buffer("text_queue", F.normalize(torch.randn(cfg.embed_dim, q), dim=0))
        self.register_buffer("idx_queue", torch.full((1, q), -100, dtype=torch.long))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))

    # ---- inference building blocks (student towers) -------------------------------------------
    def encode_image(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.visual_encoder(pixel_values)

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.text_encoder.text(input_ids, attention_mask)

    def fuse(self, text_tokens: torch.Tensor, text_mask: torch.Tensor, image_tokens: torch.Tensor) -> torch.Tensor:
        return self.text_encoder.fusion(text_tokens, text_mask, image_tokens)

    def itm_logits(self, text_tokens: torch.Tensor, text_mask: torch.Tensor, image_tokens: torch.Tensor) -> torch.Tensor:
        return self.itm_head(self.fuse(text_tokens, text_mask, image_tokens)[:, 0, :])

    def image_embed(self, image_tokens: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.vision_proj(image_tokens[:, 0, :]), dim=-1)

    def text_embed(self, text_tokens: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.text_proj(text_tokens[:, 0, :]), dim=-1)

    def mlm_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, image_tokens: torch.Tensor,
                   momentum: bool = False) -> torch.Tensor:
        """Full BERT pass (text + fusion layers) and MLM head; `momentum=True` uses the teacher copies."""
        enc, head = (self.text_encoder_m, self.mlm_head_m) if momentum else (self.text_encoder, self.mlm_head)
        if head is None:
            raise RuntimeError("model built without mlm_head=True")
        hidden = enc.full(input_ids, attention_mask, image_tokens)
        return head(hidden, enc.embeddings.word_embeddings.weight)

    # ---- momentum model and queues ---------------------------------------------------------------
    @torch.no_grad()
    def copy_params(self) -> None:
        for student, teacher in self.model_pairs:
            for p, pm in zip(student.parameters(), teacher.parameters()):
                pm.data.copy_(p.data)
                pm.requires_grad = False

    @torch.no_grad()
    def momentum_update(self, momentum: float | None = None) -> None:
        """θ_m ← m·θ_m + (1−m)·θ with m = config.momentum unless given (a from-scratch warm-up ramps it)."""
        m = self.config.momentum if momentum is None else momentum
        for student, teacher in self.model_pairs:
            for p, pm in zip(student.parameters(), teacher.parameters()):
                pm.data.mul_(m).add_(p.data, alpha=1.0 - m)

    @torch.no_grad()
    def dequeue_and_enqueue(self, image_feat: torch.Tensor, text_feat: torch.Tensor, idx: torch.Tensor) -> None:
        b = image_feat.shape[0]
        ptr = int(self.queue_ptr)
        if self.config.queue_size % b != 0:
            raise ValueError(f"queue_size {self.config.queue_size} is not a multiple of batch {b}")
        self.image_queue[:, ptr:ptr + b] = image_feat.T
        self.text_queue[:, ptr:ptr + b] = text_feat.T
        self.idx_queue[:, ptr:ptr + b] = idx.view(1, -1)
        self.queue_ptr[0] = (ptr + b) % self.config.queue_size

    # ---- state dicts ---------------------------------------------------------------------------
    def retrieval_state_dict(self) -> Dict[str, torch.Tensor]:
        """state_dict without the training-only MLM head keys: the official retrieval key set."""
        return {k: v for k, v in self.state_dict().items() if not k.startswith(MLM_PREFIXES)}
