"""Text + fusion tower: post-LN BERT with cross-attention from `fusion_layer` on (spec §1.3).

Names follow HF BertModel as ALBEF's models/xbert.py builds it with add_pooling_layer=False, so official
`text_encoder.*` keys (retrieval layout, no `bert.` infix) load unchanged.
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .config import AlbefConfig


def additive_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """[B,L] 1 = real token → [B,1,1,L] bias (1-mask)*-10000 (xbert.py get_extended_attention_mask)."""
    return (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0


class BertEmbeddings(nn.Module):
    def __init__(self, cfg: AlbefConfig) -> None:
        super().__init__()
        w = cfg.text_width
        self.word_embeddings = nn.Embedding(cfg.vocab_size, w, padding_idx=0)
        self.position_embeddings = nn.Embedding(cfg.max_position_embeddings, w)
        self.token_type_embeddings = nn.Embedding(cfg.type_vocab_size, w)
        self.LayerNorm = nn.LayerNorm(w, eps=cfg.text_ln_eps)
        self.dropout = nn.Dropout(cfg.text_dropout)
        # Persistent buffer: official checkpoints carry `embeddings.position_ids` [1, max_pos] int64.
        self.register_buffer("position_ids", torch.arange(cfg.max_position_embeddings).expand((1, -1)))

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        pos = self.position_ids[:, : input_ids.size(1)]
        # token_type_ids are never passed in ALBEF: row 0 is always added (unlike LAVIS; spec §1.5).
        x = self.word_embeddings(input_ids) + self.position_embeddings(pos) + self.token_type_embeddings.weight[0]
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int, kv_width: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.head_dim = width // heads
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(kv_width, width)
        self.value = nn.Linear(kv_width, width)
        self.dropout = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x: torch.Tensor, kv: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(kv)), self._split(self.value(kv))
        scores = (q @ k.transpose(-1, -2)) / (self.head_dim ** 0.5)
        if bias is not None:
            scores = scores + bias
        probs = self.dropout(scores.softmax(dim=-1))
        out = (probs @ v).permute(0, 2, 1, 3)
        return out.reshape(out.shape[0], out.shape[1], -1)


class BertOutputBlock(nn.Module):
    """dense → dropout → LayerNorm(h + residual): BertSelfOutput and BertOutput share this shape."""

    def __init__(self, in_width: int, width: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.dense = nn.Linear(in_width, width)
        self.LayerNorm = nn.LayerNorm(width, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class BertAttention(nn.Module):
    def __init__(self, cfg: AlbefConfig, kv_width: int) -> None:
        super().__init__()
        self.self = BertSelfAttention(cfg.text_width, cfg.text_heads, kv_width, cfg.text_dropout)
        self.output = BertOutputBlock(cfg.text_width, cfg.text_width, cfg.text_ln_eps, cfg.text_dropout)

    def forward(self, x: torch.Tensor, kv: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
        return self.output(self.self(x, kv, bias), x)


class BertIntermediate(nn.Module):
    def __init__(self, cfg: AlbefConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(cfg.text_width, cfg.text_intermediate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))  # exact GELU ("gelu" in config_bert.json)


class BertLayer(nn.Module):
    def __init__(self, cfg: AlbefConfig, layer_num: int) -> None:
        super().__init__()
        self.attention = BertAttention(cfg, cfg.text_width)
        self.has_cross = layer_num >= cfg.fusion_layer  # xbert.py BertLayer: crossattention iff layer >= fusion_layer
        if self.has_cross:
            # K/V read image tokens of width encoder_width = vision_width.
            self.crossattention = BertAttention(cfg, cfg.vision_width)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutputBlock(cfg.text_intermediate, cfg.text_width, cfg.text_ln_eps, cfg.text_dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor, image_tokens: Optional[torch.Tensor]) -> torch.Tensor:
        x = self.attention(x, x, bias)
        if self.has_cross:
            if image_tokens is None:
                raise ValueError("fusion layer called without image tokens")
            # Image mask is all ones → zero bias (spec §1.3); omitted.
            x = self.crossattention(x, image_tokens, None)
        return self.output(self.intermediate(x), x)


class BertEncoder(nn.Module):
    def __init__(self, cfg: AlbefConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg, i) for i in range(cfg.text_layers)])


class BertModel(nn.Module):
    """Exposes ALBEF's three modes as methods: text (layers < fusion_layer), fusion (the rest), full."""

    def __init__(self, cfg: AlbefConfig) -> None:
        super().__init__()
        self.fusion_layer = cfg.fusion_layer
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = BertEncoder(cfg)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # HF BertPreTrainedModel._init_weights: normal(0, 0.02), zero bias, unit LayerNorm.
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
                if isinstance(m, nn.Linear):
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        with torch.no_grad():
            self.embeddings.word_embeddings.weight[0].zero_()  # padding_idx row

    def text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.embeddings(input_ids)
        bias = additive_mask(attention_mask)
        for layer in self.encoder.layer[: self.fusion_layer]:
            x = layer(x, bias, None)
        return x

    def fusion(self, text_tokens: torch.Tensor, attention_mask: torch.Tensor, image_tokens: torch.Tensor) -> torch.Tensor:
        x = text_tokens
        bias = additive_mask(attention_mask)
        for layer in self.encoder.layer[self.fusion_layer:]:
            x = layer(x, bias, image_tokens)
        return x

    def full(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, image_tokens: torch.Tensor) -> torch.Tensor:
        """'multi_modal' mode: all layers from input ids (used by MLM)."""
        return self.fusion(self.text(input_ids, attention_mask), attention_mask, image_tokens)


class MlmHead(nn.Module):
    """BertOnlyMLMHead: transform (dense, GELU, LayerNorm) then a decoder tied to the word embeddings.

    Lives at ALBEF.mlm_head (momentum copy ALBEF.mlm_head_m): keys `mlm_head.transform.dense.*`,
    `mlm_head.transform.LayerNorm.*`, `mlm_head.bias`. No official retrieval checkpoint has them;
    exporters drop `mlm_head.*` and `*_m.*`. The decoder weight is the tied word-embedding table, so it
    has no key of its own.
    """

    def __init__(self, cfg: AlbefConfig) -> None:
        super().__init__()
        self.transform = nn.Module()
        self.transform.dense = nn.Linear(cfg.text_width, cfg.text_width)
        self.transform.LayerNorm = nn.LayerNorm(cfg.text_width, eps=cfg.text_ln_eps)
        self.bias = nn.Parameter(torch.zeros(cfg.vocab_size))
        nn.init.normal_(self.transform.dense.weight, std=0.02)
        nn.init.zeros_(self.transform.dense.bias)

    def forward(self, hidden: torch.Tensor, word_embeddings: torch.Tensor) -> torch.Tensor:
        h = self.transform.LayerNorm(F.gelu(self.transform.dense(hidden)))
        return F.linear(h, word_embeddings, self.bias)
