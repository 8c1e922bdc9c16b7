"""Write and read the safetensors format by hand (the `safetensors` package is not available here).

Format (docs/bundle-format.md, huggingface/safetensors README): an 8-byte little-endian unsigned header
length N, then N bytes of UTF-8 JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}`
(offsets relative to the end of the header, contiguous, no gaps), then the raw little-endian tensor bytes.
The header is padded with spaces to a multiple of 8 so the data starts aligned, as the reference writer does.

Output is deterministic: tensors are written in sorted name order, the JSON is compact with sorted keys,
so the same tensors always give the same bytes (the bundle export is idempotent, style.md §13).

Example:
    >>> write_safetensors(path, {"temp": np.array([0.07], np.float32)})
    >>> read_safetensors(path)["temp"]
    array([0.07], dtype=float32)
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Dict, Mapping, Optional

import numpy as np

_DTYPES: Dict[str, np.dtype] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_NAMES = {dt: name for name, dt in _DTYPES.items()}

MAX_HEADER_BYTES = 100 * 1024 * 1024  # same cap as the reference reader


class SafetensorsError(ValueError):
    """A file that is not valid safetensors; the message names the file and the offending field."""


def encode_safetensors(tensors: Mapping[str, np.ndarray], metadata: Optional[Mapping[str, str]] = None) -> bytes:
    header: Dict[str, object] = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        dt = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
        if dt not in _NAMES:
            raise SafetensorsError(f"tensor {name!r}: dtype {arr.dtype} is not supported")
        data = np.ascontiguousarray(arr, dtype=dt).tobytes()
        header[name] = {"dtype": _NAMES[dt], "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write_safetensors(
    path: Path, tensors: Mapping[str, np.ndarray], metadata: Optional[Mapping[str, str]] = None
) -> None:
    Path(path).write_bytes(encode_safetensors(tensors, metadata))


def decode_safetensors(blob: bytes, source: str = "<bytes>") -> Dict[str, np.ndarray]:
    if len(blob) < 8:
        raise SafetensorsError(f"{source}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER_BYTES or 8 + n > len(blob):
        raise SafetensorsError(f"{source}: header length {n} does not fit a file of {len(blob)} bytes")
    try:
        header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SafetensorsError(f"{source}: header is not JSON ({err})") from err
    if not isinstance(header, dict):
        raise SafetensorsError(f"{source}: header is not a JSON object")
    data = blob[8 + n :]
    out: Dict[str, np.ndarray] = {}
    expected_begin = 0
    entries = sorted(
        ((k, v) for k, v in header.items() if k != "__metadata__"),
        key=lambda kv: kv[1].get("data_offsets", [0])[0] if isinstance(kv[1], dict) else 0,
    )
    for name, info in entries:
        if not isinstance(info, dict) or info.get("dtype") not in _DTYPES:
            raise SafetensorsError(f"{source}: tensor {name!r} has a missing or unknown dtype")
        dt = _DTYPES[info["dtype"]]
        shape = info.get("shape")
        offsets = info.get("data_offsets")
        if not isinstance(shape, list) or not isinstance(offsets, list) or len(offsets) != 2:
            raise SafetensorsError(f"{source}: tensor {name!r} needs 'shape' and 'data_offsets'")
        begin, end = offsets
        count = int(np.prod(shape)) if shape else 1
        if begin != expected_begin or end - begin != count * dt.itemsize or end > len(data):
            raise SafetensorsError(
                f"{source}: tensor {name!r} data_offsets {offsets} do not match shape {shape} {info['dtype']}"
            )
        out[name] = np.frombuffer(data, dtype=dt, count=count, offset=begin).reshape(shape).copy()
        expected_begin = end
    if expected_begin != len(data):
        raise SafetensorsError(f"{source}: {len(data) - expected_begin} trailing bytes after the last tensor")
    return out


def read_safetensors(path: Path) -> Dict[str, np.ndarray]:
    return decode_safetensors(Path(path).read_bytes(), str(path))
