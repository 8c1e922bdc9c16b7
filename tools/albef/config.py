"""ALBEF size configuration (spec §1.1–1.4; bundle-format.md "architecture" block).

Field names equal the keys of the bundle manifest's "architecture" block so the exporter can write
`config.architecture()` verbatim. `text_layers` is the TOTAL number of BERT layers (text + fusion);
layers [0, fusion_layer) are text-only, [fusion_layer, text_layers) carry cross-attention.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

# Keys of the manifest "architecture" block (besides "family"), in the order bundle-format.md lists them.
ARCHITECTURE_KEYS = (
    "image_res", "patch_size",
    "vision_width", "vision_depth", "vision_heads", "vision_mlp_ratio", "vision_ln_eps",
    "text_width", "text_layers", "fusion_layer", "text_heads", "text_intermediate",
    "text_ln_eps", "vocab_size", "max_position_embeddings", "type_vocab_size",
    "embed_dim",
)


@dataclass
class AlbefConfig:
    # vision tower (timm ViT, pre-LN)
    image_res: int = 96
    patch_size: int = 16
    vision_width: int = 256
    vision_depth: int = 6
    vision_heads: int = 4
    vision_mlp_ratio: float = 4
    vision_ln_eps: float = 1e-6
    # text + fusion tower (BERT, post-LN)
    text_width: int = 256
    text_layers: int = 6
    fusion_layer: int = 4
    text_heads: int = 4
    text_intermediate: int = 1024
    text_ln_eps: float = 1e-12
    vocab_size: int = 8000
    max_position_embeddings: int = 40
    type_vocab_size: int = 2
    # heads and training objective (spec §1.8)
    embed_dim: int = 256
    temp: float = 0.07
    queue_size: int = 4096
    momentum: float = 0.995
    alpha: float = 0.4
    mlm_probability: float = 0.15
    # BERT's hidden/attention dropout (config_bert.json: 0.1); inactive in eval()/export.
    text_dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.image_res % self.patch_size != 0:
            raise ValueError(f"image_res {self.image_res} is not a multiple of patch_size {self.patch_size}")
        if self.vision_width % self.vision_heads or self.text_width % self.text_heads:
            raise ValueError("vision_width/text_width must be divisible by their head counts")
        if not 0 <= self.fusion_layer <= self.text_layers:
            raise ValueError(f"fusion_layer {self.fusion_layer} outside [0, text_layers={self.text_layers}]")

    @classmethod
    def base(cls, image_res: int = 384) -> "AlbefConfig":
        """Official ALBEF-B sizes (ViT-B/16 + bert-base-uncased, configs/config_bert.json, Retrieval_*.yaml)."""
        return cls(
            image_res=image_res, patch_size=16,
            vision_width=768, vision_depth=12, vision_heads=12, vision_mlp_ratio=4, vision_ln_eps=1e-6,
            text_width=768, text_layers=12, fusion_layer=6, text_heads=12, text_intermediate=3072,
            text_ln_eps=1e-12, vocab_size=30522, max_position_embeddings=512, type_vocab_size=2,
            embed_dim=256, temp=0.07, queue_size=65536, momentum=0.995, alpha=0.4, mlm_probability=0.15,
        )

    @property
    def num_image_tokens(self) -> int:
        return (self.image_res // self.patch_size) ** 2 + 1

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "AlbefConfig":
        """Build from a dict; unknown keys (e.g. "family" of a manifest block) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def architecture(self) -> dict:
        """The manifest "architecture" block (bundle-format.md)."""
        out: dict = {"family": "albef"}
        for k in ARCHITECTURE_KEYS:
            out[k] = getattr(self, k)
        return out
