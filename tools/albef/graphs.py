"""The three exported graphs (spec §4.1, docs/bundle-format.md "Graphs") and their ONNX export.

Each wrapper calls the ALBEF methods with the mode fixed at trace time (spec §4.2 step 3):
  vision: pixel_values → image_tokens, image_emb
  text:   input_ids, attention_mask → text_tokens, text_emb
  fusion: text_tokens, text_attention_mask, image_tokens → itm_logits
The fusion wrapper expands whichever batch is 1 to the other (`Expand` in ONNX), so the app can score
1 image against k texts or 1 text against k images without copying tokens in JS; it is traced with
Bt ≠ Bi so both batch axes stay dynamic.

Example:
    >>> blobs = export_graphs(model)   # {"vision": b"...", "text": b"...", "fusion": b"..."}
"""

from __future__ import annotations

import io
import warnings
from typing import Dict, Tuple

import onnx
import torch
from torch import nn

from .model import ALBEF

OPSET = 17
GRAPH_NAMES = ("vision", "text", "fusion")


class VisionGraph(nn.Module):
    def __init__(self, model: ALBEF) -> None:
        super().__init__()
        self.model = model

    def forward(self, pixel_values: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        tokens = self.model.encode_image(pixel_values)
        return tokens, self.model.image_embed(tokens)


class TextGraph(nn.Module):
    def __init__(self, model: ALBEF) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        tokens = self.model.encode_text(input_ids, attention_mask)
        return tokens, self.model.text_embed(tokens)


class FusionGraph(nn.Module):
    def __init__(self, model: ALBEF) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, text_tokens: torch.Tensor, text_attention_mask: torch.Tensor, image_tokens: torch.Tensor
    ) -> torch.Tensor:
        # Shape arithmetic on tensors (not Python ints) so the batch size stays symbolic in the trace.
        b = torch.maximum(torch._shape_as_tensor(text_tokens)[0], torch._shape_as_tensor(image_tokens)[0])
        text_tokens = text_tokens.expand(b, -1, -1)
        text_attention_mask = text_attention_mask.expand(b, -1)
        image_tokens = image_tokens.expand(b, -1, -1)
        return self.model.itm_logits(text_tokens, text_attention_mask, image_tokens)


def trace_inputs(model: ALBEF) -> Dict[str, Tuple[torch.Tensor, ...]]:
    """Small fixed example inputs; batch sizes differ between text and image side (Bt=1, Bi=3 for fusion)."""
    cfg = model.config
    g = torch.Generator().manual_seed(0)
    r, n = cfg.image_res, cfg.num_image_tokens
    seq = min(7, cfg.max_position_embeddings)
    ids = torch.randint(1, cfg.vocab_size, (2, seq), generator=g)
    mask = torch.ones(2, seq, dtype=torch.long)
    mask[1, seq - 2 :] = 0
    return {
        "vision": (torch.randn(2, 3, r, r, generator=g),),
        "text": (ids, mask),
        "fusion": (
            torch.randn(1, seq, cfg.text_width, generator=g),
            mask[:1].clone(),
            torch.randn(3, n, cfg.vision_width, generator=g),
        ),
    }


_IO = {
    "vision": (["pixel_values"], ["image_tokens", "image_emb"]),
    "text": (["input_ids", "attention_mask"], ["text_tokens", "text_emb"]),
    "fusion": (["text_tokens", "text_attention_mask", "image_tokens"], ["itm_logits"]),
}
_DYNAMIC = {
    "vision": {"pixel_values": {0: "batch"}, "image_tokens": {0: "batch"}, "image_emb": {0: "batch"}},
    "text": {
        "input_ids": {0: "batch", 1: "seq"},
        "attention_mask": {0: "batch", 1: "seq"},
        "text_tokens": {0: "batch", 1: "seq"},
        "text_emb": {0: "batch"},
    },
    "fusion": {
        "text_tokens": {0: "text_batch", 1: "seq"},
        "text_attention_mask": {0: "text_batch", 1: "seq"},
        "image_tokens": {0: "image_batch"},
        "itm_logits": {0: "batch"},
    },
}


def _output_shapes(model: ALBEF, graph: str) -> Dict[str, Tuple[object, ...]]:
    cfg = model.config
    return {
        "vision": {
            "image_tokens": ("batch", cfg.num_image_tokens, cfg.vision_width),
            "image_emb": ("batch", cfg.embed_dim),
        },
        "text": {"text_tokens": ("batch", "seq", cfg.text_width), "text_emb": ("batch", cfg.embed_dim)},
        "fusion": {"itm_logits": ("batch", 2)},
    }[graph]


def _declare_output_shapes(proto: onnx.ModelProto, shapes: Dict[str, Tuple[object, ...]]) -> None:
    """torch 1.13's shape inference leaves invented symbols (e.g. `LayerNormalizationimage_tokens_dim_1`) on
    outputs; declare the documented shapes instead so Ni, widths and E read as static (bundle-format.md)."""
    for out in proto.graph.output:
        dims = out.type.tensor_type.shape.dim
        del dims[:]
        for d in shapes[out.name]:
            dim = dims.add()
            if isinstance(d, int):
                dim.dim_value = d
            else:
                dim.dim_param = str(d)


def wrap(model: ALBEF, graph: str) -> nn.Module:
    return {"vision": VisionGraph, "text": TextGraph, "fusion": FusionGraph}[graph](model).eval()


def export_graph(model: ALBEF, graph: str) -> onnx.ModelProto:
    """Trace one wrapper to an opset-17 ONNX model (eval mode, no grad, constants folded)."""
    inputs, outputs = _IO[graph]
    buf = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        # torch 1.13 warns about shape inference of the traced Expand/Shape ops; the graphs are checked by parity tests.
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(
            wrap(model, graph),
            trace_inputs(model)[graph],
            buf,
            opset_version=OPSET,
            do_constant_folding=True,
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=_DYNAMIC[graph],
        )
    proto = onnx.load_from_string(buf.getvalue())
    _declare_output_shapes(proto, _output_shapes(model, graph))
    onnx.checker.check_model(proto)
    proto.doc_string = f"pairscope-albef {graph} graph"
    return proto


def reference_outputs(model: ALBEF, graph: str, *inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """PyTorch outputs of the same wrapper the ONNX graph was traced from (for parity fixtures)."""
    with torch.no_grad():
        out = wrap(model, graph)(*inputs)
    return out if isinstance(out, tuple) else (out,)
