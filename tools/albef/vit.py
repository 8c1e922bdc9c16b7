"""Vision tower: timm-style pre-LN ViT as ALBEF's models/vit.py uses it (spec §1.2).

Parameter names follow timm 0.4.x (`cls_token`, `pos_embed`, `patch_embed.proj`, `blocks.i.{norm1,attn.qkv,
attn.proj,norm2,mlp.fc1,mlp.fc2}`, `norm`) so official `visual_encoder.*` keys load unchanged.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import AlbefConfig


class PatchEmbed(nn.Module):
    def __init__(self, patch: int, width: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(3, width, kernel_size=patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, N, W]


class Attention(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.scale = (width // heads) ** -0.5
        self.qkv = nn.Linear(width, width * 3, bias=True)  # rows ordered q|k|v
        self.proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, width: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))  # exact (erf) GELU, as nn.GELU in vit.py


class Block(nn.Module):
    def __init__(self, width: int, heads: int, mlp_ratio: float, eps: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=eps)
        self.attn = Attention(width, heads)
        self.norm2 = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, int(width * mlp_ratio))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    def __init__(self, cfg: AlbefConfig) -> None:
        super().__init__()
        w = cfg.vision_width
        self.patch_embed = PatchEmbed(cfg.patch_size, w)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, w))
        self.pos_embed = nn.Parameter(torch.zeros(1, cfg.num_image_tokens, w))
        self.blocks = nn.ModuleList(
            [Block(w, cfg.vision_heads, cfg.vision_mlp_ratio, cfg.vision_ln_eps) for _ in range(cfg.vision_depth)]
        )
        self.norm = nn.LayerNorm(w, eps=cfg.vision_ln_eps)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # timm init: truncated normal std .02 for tokens and Linear weights, zero biases, unit LayerNorm.
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """[B,3,R,R] → normalised token sequence [B, 1+(R/p)², W]; index 0 is CLS."""
        x = self.patch_embed(pixel_values)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1)
        x = x + self.pos_embed[:, : x.size(1), :]
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


def interpolate_pos_embed(pos_embed: torch.Tensor, num_tokens: int) -> torch.Tensor:
    """Resize a [1, 1+g², W] pos-embed to [1, num_tokens, W] (bicubic, align_corners=False; spec §1.2)."""
    if pos_embed.shape[1] == num_tokens:
        return pos_embed
    extra = pos_embed[:, :1]
    grid = pos_embed[:, 1:]
    old = int(round(grid.shape[1] ** 0.5))
    new = int(round((num_tokens - 1) ** 0.5))
    w = grid.shape[-1]
    grid = grid.reshape(1, old, old, w).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(new, new), mode="bicubic", align_corners=False)
    grid = grid.permute(0, 2, 3, 1).reshape(1, new * new, w)
    return torch.cat((extra, grid), dim=1)
