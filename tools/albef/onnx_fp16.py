"""Convert an fp32 ONNX graph to fp16 weights and arithmetic while keeping fp32 graph I/O.

Spec §4.3 (fp16): BERT's LayerNorm eps 1e-12 underflows to 0 in fp16 and Softmax over −10000-biased
scores loses precision, so LayerNormalization and Softmax stay fp32 (inputs cast up, outputs cast down,
their weights stored fp32), and the graph inputs/outputs stay fp32 so the app feeds the same tensors to
either variant (docs/bundle-format.md "fp32 I/O, fp16 weights"). Written against the `onnx` package
directly; the converters of onnxconverter-common / onnxruntime are not available here.

Example:
    >>> model16 = convert_to_fp16(onnx.load("text.onnx"))
    >>> onnx.save(model16, "text.fp16.onnx")
"""

from __future__ import annotations

from typing import Dict, List, Set

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FP32_OPS = frozenset({"LayerNormalization", "Softmax"})
_F32, _F16 = TensorProto.FLOAT, TensorProto.FLOAT16


def _tensor_to_fp16(t: TensorProto) -> TensorProto:
    arr = numpy_helper.to_array(t)
    out = numpy_helper.from_array(arr.astype(np.float16), t.name)
    return out


def _consumers(graph: onnx.GraphProto) -> Dict[str, List[onnx.NodeProto]]:
    users: Dict[str, List[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    return users


def convert_to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Return a converted copy of `model` (the argument is not modified)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    if any(n.op_type in ("If", "Loop", "Scan") for n in g.node):
        raise ValueError("graphs with subgraphs are not supported by this converter")
    users = _consumers(g)

    # Initializers read only by fp32-kept ops stay fp32 (LayerNorm scale/bias); other float ones → fp16.
    keep32: Set[str] = set()
    new_inits = []
    for init in g.initializer:
        if init.data_type == _F32:
            readers = users.get(init.name, [])
            if readers and all(n.op_type in FP32_OPS for n in readers):
                keep32.add(init.name)
                new_inits.append(init)
            else:
                new_inits.append(_tensor_to_fp16(init))
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)

    nodes: List[onnx.NodeProto] = []
    # fp32 graph inputs: cast once to fp16 at the top, and make every reader use the cast value.
    renamed: Dict[str, str] = {}
    for inp in g.input:
        if inp.type.tensor_type.elem_type == _F32:
            renamed[inp.name] = inp.name + "__fp16"
            cast = helper.make_node("Cast", [inp.name], [renamed[inp.name]], to=_F16, name=inp.name + "__to_fp16")
            nodes.append(cast)
    outputs32 = [o.name for o in g.output if o.type.tensor_type.elem_type == _F32]  # graph order: deterministic

    for node in g.node:
        for i, name in enumerate(node.input):
            if name in renamed:
                node.input[i] = renamed[name]
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value" and attr.t.data_type == _F32:
                    attr.t.CopyFrom(_tensor_to_fp16(attr.t))
        elif node.op_type == "ConstantOfShape":
            for attr in node.attribute:
                if attr.name == "value" and attr.t.data_type == _F32:
                    attr.t.CopyFrom(_tensor_to_fp16(attr.t))
        elif node.op_type == "Cast":
            for attr in node.attribute:
                if attr.name == "to" and attr.i == _F32:
                    attr.i = _F16
        elif node.op_type in FP32_OPS:
            # Cast fp16 activations up; weights kept fp32 above need no cast.
            for i, name in enumerate(node.input):
                if name and name not in keep32:
                    up = f"{name}__{node.name or node.op_type}_{i}__fp32"
                    nodes.append(helper.make_node("Cast", [name], [up], to=_F32, name=up))
                    node.input[i] = up
            produced = list(node.output)
            for i, name in enumerate(produced):
                node.output[i] = name + "__fp32"
            nodes.append(node)
            for name in produced:
                nodes.append(helper.make_node("Cast", [name + "__fp32"], [name], to=_F16, name=name + "__to_fp16"))
            continue
        elif any(a.name in ("dtype", "to") and a.i == _F32 for a in node.attribute):
            raise ValueError(f"node {node.name} ({node.op_type}) creates fp32 values; not handled")
        nodes.append(node)

    # fp32 graph outputs: the producer writes an fp16 value, a final Cast restores the name and type.
    for name in outputs32:
        for node in nodes:
            for i, out in enumerate(node.output):
                if out == name:
                    node.output[i] = name + "__fp16"
        for node in nodes:
            for i, inp in enumerate(node.input):
                if inp == name:
                    node.input[i] = name + "__fp16"
        nodes.append(helper.make_node("Cast", [name + "__fp16"], [name], to=_F32, name=name + "__to_fp32"))

    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]  # stale fp32 annotations; ORT infers types again
    onnx.checker.check_model(m)
    return m
