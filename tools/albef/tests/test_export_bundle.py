"""Bundle export at a tiny size: manifest exactly as docs/bundle-format.md, graph I/O, heads, idempotence, refusals."""
import hashlib
from dataclasses import replace
import json
import struct
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto

from tools.albef.export import ExportError, export_bundle, main, verify_bundle
from tools.albef.model import ALBEF
from tools.albef.onnx_fp16 import convert_to_fp16
from tools.albef.safetensors_io import SafetensorsError, decode_safetensors, encode_safetensors, read_safetensors
from tools.albef.tiny_fixture import DEFAULT_OUT, TINY_CONFIG, generate, random_state_dict, tiny_vocab

BUNDLE_KEYS = [
    "format", "formatVersion", "name", "description", "source", "architecture", "image", "text", "temp", "itm",
    "graphs", "graphs_fp16", "heads", "files",
]  # fmt: skip


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ckpt") / "tiny_flickr.pth"
    torch.save({"model": random_state_dict(TINY_CONFIG), "epoch": 0}, path)
    return path


@pytest.fixture(scope="module")
def vocab(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vocab") / "vocab.txt"
    path.write_text("\n".join(tiny_vocab()) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, checkpoint, vocab):
    out = tmp_path_factory.mktemp("bundle") / "b"
    return export_bundle(out, vocab, checkpoint=checkpoint, config=TINY_CONFIG, fp16=True, k_test=64, log=lambda s: None)


def test_manifest_has_exactly_the_documented_fields_and_values(bundle, checkpoint):
    m = json.loads((bundle.out_dir / "manifest.json").read_text())
    assert list(m) == BUNDLE_KEYS
    assert m["format"] == "pairscope-albef-bundle" and m["formatVersion"] == 1
    assert m["name"] == "albef-tiny_flickr"
    assert m["source"] == {
        "kind": "official",
        "checkpoint": "tiny_flickr.pth",
        "sha256": hashlib.sha256(checkpoint.read_bytes()).hexdigest(),
    }
    assert m["architecture"] == TINY_CONFIG.architecture()
    assert m["image"] == {
        "resolution": 32,
        "mean": [0.48145466, 0.4578275, 0.40821073],
        "std": [0.26862954, 0.26130258, 0.27577711],
        "resize": "bicubic-square",
        "background": [255, 255, 255],
    }
    assert m["text"] == {
        "vocab": "vocab.txt",
        "lowercase": True,
        "strip_accents": True,
        "pre_caption": {"max_words": 30},
        "add_sep": False,
        "max_length": 30,
        "special_tokens": {"pad": "[PAD]", "unk": "[UNK]", "cls": "[CLS]", "sep": "[SEP]", "mask": "[MASK]"},
    }
    assert m["temp"] == 0.07 and m["itm"] == {"k_test": 64}
    assert m["graphs"] == {"vision": "vision.onnx", "text": "text.onnx", "fusion": "fusion.onnx"}
    assert m["graphs_fp16"] == {"vision": "vision.fp16.onnx", "text": "text.fp16.onnx", "fusion": "fusion.fp16.onnx"}
    assert m["heads"] == "heads.safetensors"


def test_manifest_files_lists_every_other_file_with_its_sha256_and_size(bundle):
    m = json.loads((bundle.out_dir / "manifest.json").read_text())
    on_disk = sorted(p.name for p in bundle.out_dir.iterdir() if p.name != "manifest.json")
    assert sorted(m["files"]) == on_disk == [
        "fusion.fp16.onnx", "fusion.onnx", "heads.safetensors", "text.fp16.onnx", "text.onnx",
        "vision.fp16.onnx", "vision.onnx", "vocab.txt",
    ]  # fmt: skip
    for name, info in m["files"].items():
        blob = (bundle.out_dir / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}


def _io(model: onnx.ModelProto, values):
    def dims(v):
        return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]

    return {v.name: (TensorProto.DataType.Name(v.type.tensor_type.elem_type), dims(v)) for v in values}


def test_graphs_have_the_documented_inputs_outputs_dtypes_and_dynamic_axes(bundle):
    vision = onnx.load(str(bundle.out_dir / "vision.onnx"))
    text = onnx.load(str(bundle.out_dir / "text.onnx"))
    fusion = onnx.load(str(bundle.out_dir / "fusion.onnx"))
    for g in (vision, text, fusion):
        onnx.checker.check_model(g)
        assert [o.version for o in g.opset_import if o.domain in ("", "ai.onnx")] == [17]
    assert _io(vision, vision.graph.input) == {"pixel_values": ("FLOAT", ["batch", 3, 32, 32])}
    assert _io(vision, vision.graph.output) == {
        "image_tokens": ("FLOAT", ["batch", 5, 32]),
        "image_emb": ("FLOAT", ["batch", 16]),
    }
    assert _io(text, text.graph.input) == {
        "input_ids": ("INT64", ["batch", "seq"]),
        "attention_mask": ("INT64", ["batch", "seq"]),
    }
    assert _io(text, text.graph.output)["text_emb"] == ("FLOAT", ["batch", 16])
    assert _io(text, text.graph.output)["text_tokens"][1][::2] == ["batch", 32]
    assert _io(fusion, fusion.graph.input) == {
        "text_tokens": ("FLOAT", ["text_batch", "seq", 32]),
        "text_attention_mask": ("INT64", ["text_batch", "seq"]),
        "image_tokens": ("FLOAT", ["image_batch", 5, 32]),
    }
    assert list(_io(fusion, fusion.graph.output)) == ["itm_logits"]
    assert any(n.op_type == "Expand" for n in fusion.graph.node)


def test_fp16_graphs_keep_fp32_io_layernorm_and_softmax_and_store_other_weights_in_fp16(bundle):
    for name in ("vision", "text", "fusion"):
        g32 = onnx.load(str(bundle.out_dir / f"{name}.onnx")).graph
        g16 = onnx.load(str(bundle.out_dir / f"{name}.fp16.onnx")).graph
        assert _io(onnx.ModelProto(graph=g16), g16.input) == _io(onnx.ModelProto(graph=g32), g32.input)
        assert _io(onnx.ModelProto(graph=g16), g16.output) == _io(onnx.ModelProto(graph=g32), g32.output)
        producers = {o: n for n in g16.node for o in n.output}
        inits = {i.name: i for i in g16.initializer}
        blocked = [n for n in g16.node if n.op_type in ("LayerNormalization", "Softmax")]
        assert blocked, name
        for node in blocked:
            for inp in node.input:
                if inp in inits:
                    assert inits[inp].data_type == TensorProto.FLOAT, (name, inp)
                else:
                    src = producers[inp]
                    assert src.op_type == "Cast" and src.attribute[0].i == TensorProto.FLOAT, (name, inp)
        float_inits = [i for i in g16.initializer if i.data_type in (TensorProto.FLOAT, TensorProto.FLOAT16)]
        big16 = [i for i in float_inits if i.data_type == TensorProto.FLOAT16]
        assert len(big16) > len(float_inits) / 2
        assert all(len(i.dims) <= 1 for i in float_inits if i.data_type == TensorProto.FLOAT)  # LN scale/bias only


def test_fp16_conversion_does_not_modify_its_input_graph(bundle):
    g32 = onnx.load(str(bundle.out_dir / "text.onnx"))
    before = g32.SerializeToString()
    convert_to_fp16(g32)
    assert g32.SerializeToString() == before


def test_heads_file_holds_the_checkpoint_heads_momentum_heads_itm_head_and_temp_in_fp32(bundle, checkpoint):
    raw = torch.load(str(checkpoint))["model"]
    heads = read_safetensors(bundle.out_dir / "heads.safetensors")
    assert sorted(heads) == sorted(
        [f"{h}.{p}" for h in ("vision_proj", "text_proj", "vision_proj_m", "text_proj_m", "itm_head") for p in ("weight", "bias")]
        + ["temp"]
    )
    for name, arr in heads.items():
        assert arr.dtype == np.float32
        want = raw[name].reshape(1).numpy() if name == "temp" else raw[name].numpy()
        assert arr.shape == want.shape and np.array_equal(arr, want), name
    assert heads["vision_proj.weight"].shape == (16, 32) and heads["itm_head.weight"].shape == (2, 32)


def test_export_is_idempotent_and_a_rerun_without_fp16_removes_the_old_fp16_files(tmp_path, bundle, checkpoint, vocab):
    kwargs = dict(checkpoint=checkpoint, config=TINY_CONFIG, k_test=64, log=lambda s: None)
    export_bundle(tmp_path / "again", vocab, fp16=True, **kwargs)
    for p in bundle.out_dir.iterdir():
        assert (tmp_path / "again" / p.name).read_bytes() == p.read_bytes(), p.name
    export_bundle(tmp_path / "again", vocab, fp16=False, **kwargs)
    names = sorted(p.name for p in (tmp_path / "again").iterdir())
    assert not any("fp16" in n for n in names)
    m = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert "graphs_fp16" not in m and sorted(m["files"]) == [n for n in names if n != "manifest.json"]
    assert (tmp_path / "again" / "vision.onnx").read_bytes() == (bundle.out_dir / "vision.onnx").read_bytes()


def test_export_refuses_a_folder_with_foreign_files_a_wrong_vocab_and_a_non_positive_temp(tmp_path, checkpoint, vocab):
    kwargs = dict(checkpoint=checkpoint, config=TINY_CONFIG, log=lambda s: None)
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "notes.txt").write_text("mine")
    with pytest.raises(ExportError) as err:
        export_bundle(tmp_path / "dir", vocab, **kwargs)
    assert err.value.code == "OUT_DIR_NOT_BUNDLE" and "notes.txt" in str(err.value)
    assert (tmp_path / "dir" / "notes.txt").read_text() == "mine"

    short = tmp_path / "short.txt"
    short.write_text("\n".join(tiny_vocab()[:-1]) + "\n")
    with pytest.raises(ExportError) as err:
        export_bundle(tmp_path / "b1", short, **kwargs)
    assert err.value.code == "VOCAB_SIZE_MISMATCH"
    assert str(err.value) == f"{short}: 131 tokens, but the checkpoint's word embeddings have 132 rows"

    no_mask = tmp_path / "nomask.txt"
    no_mask.write_text("\n".join(t if t != "[MASK]" else "[MASK0]" for t in tiny_vocab()) + "\n")
    with pytest.raises(ExportError) as err:
        export_bundle(tmp_path / "b2", no_mask, **kwargs)
    assert err.value.code == "VOCAB_MISSING_SPECIAL" and "[MASK]" in str(err.value)

    sd = random_state_dict(TINY_CONFIG)
    sd["temp"] = torch.tensor(-0.5)
    with pytest.raises(ExportError) as err:
        export_bundle(tmp_path / "b3", vocab, state_dict=sd, config=TINY_CONFIG, log=lambda s: None)
    assert err.value.code == "TEMP_NOT_POSITIVE"


def test_cli_writes_a_bundle_and_reports_a_refused_checkpoint_with_exit_code_2(tmp_path, checkpoint, vocab, capsys):
    assert main(["--checkpoint", str(checkpoint), "--vocab", str(vocab), "--out", str(tmp_path / "cli"),
                 "--name", "x", "--k-test", "8", "--image-res", "48"]) == 0  # fmt: skip
    m = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    assert (m["name"], m["itm"]["k_test"], m["image"]["resolution"], m["architecture"]["image_res"]) == ("x", 8, 48, 48)

    bad = torch.load(str(checkpoint))
    del bad["model"]["text_encoder.embeddings.LayerNorm.weight"]
    torch.save(bad, tmp_path / "bad.pth")
    assert main(["--checkpoint", str(tmp_path / "bad.pth"), "--vocab", str(vocab), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "error [CHECKPOINT_KEYS_MISMATCH]: bad.pth: keys do not fit" in err
    assert "    text_encoder.embeddings.LayerNorm.weight" in err
    assert not (tmp_path / "o").exists()


def test_safetensors_bytes_follow_the_format_and_round_trip():
    tensors = {"b": np.arange(6, dtype=np.float32).reshape(2, 3), "a": np.array([7], dtype=np.int64)}
    blob = encode_safetensors(tensors)
    (n,) = struct.unpack("<Q", blob[:8])
    assert n % 8 == 0
    header = json.loads(blob[8 : 8 + n])
    assert header == {
        "a": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]},
        "b": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 32]},
    }
    assert blob[8 + n :] == np.array([7], "<i8").tobytes() + np.arange(6, dtype="<f4").tobytes()
    assert encode_safetensors(dict(reversed(list(tensors.items())))) == blob
    back = decode_safetensors(blob)
    assert back.keys() == tensors.keys() and all(np.array_equal(back[k], tensors[k]) for k in tensors)
    with pytest.raises(SafetensorsError, match="x.st: tensor 'b' data_offsets"):
        decode_safetensors(blob[:-4], "x.st")


def test_committed_tiny_fixture_is_what_the_generator_writes(tmp_path):
    generate(tmp_path / "tiny-albef")
    committed = sorted(p.name for p in DEFAULT_OUT.iterdir())
    assert sorted(p.name for p in (tmp_path / "tiny-albef").iterdir()) == committed
    for name in committed:
        if name != "reference.json":
            assert (tmp_path / "tiny-albef" / name).read_bytes() == (DEFAULT_OUT / name).read_bytes(), name
    # Reference outputs come from float arithmetic: compare values, not bytes (other CPUs may round differently).
    new = json.loads((tmp_path / "tiny-albef" / "reference.json").read_text())
    old = json.loads((DEFAULT_OUT / "reference.json").read_text())

    def flat(x):
        if isinstance(x, dict):
            return [v for k in sorted(x) for v in flat(x[k])] if "data" not in x else x["data"]
        if isinstance(x, list):
            return [v for item in x for v in flat(item)]
        return []

    a, b = np.array(flat(new)), np.array(flat(old))
    assert a.shape == b.shape and np.abs(a - b).max() < 1e-5


def test_verify_runs_the_graphs_in_onnx_runtime_and_a_disagreeing_model_fails_the_export(tmp_path, checkpoint, vocab):
    result = export_bundle(
        tmp_path / "v", vocab, checkpoint=checkpoint, config=TINY_CONFIG, fp16=True, verify=True, log=lambda s: None
    )
    assert "verify" in result.seconds
    report = verify_bundle(result)
    lines = report.split("\n")[1:]
    # 8 fp32 outputs + 8 fp16 outputs over 6 cases (vision, text ×2, fusion ×3), every one within its limit.
    assert len(lines) == 16 and all(line.endswith(" ms") and " ok " in line for line in lines), report
    with torch.no_grad():
        result.model.itm_head.bias.add_(1e-3)  # PyTorch now disagrees with the exported fusion graph
    with pytest.raises(ExportError) as err:
        verify_bundle(result)
    assert err.value.code == "PARITY_FAILED"
    assert "fp32 fusion one image, three texts (Bt=3, Bi=1)" in str(err.value) and "FAIL" in str(err.value)
    assert not (tmp_path / "v" / "manifest.json").exists()


def test_export_leaves_the_callers_random_state_untouched(tmp_path, checkpoint, vocab):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    export_bundle(tmp_path / "rng", vocab, checkpoint=checkpoint, config=TINY_CONFIG, log=lambda s: None)
    assert torch.equal(torch.rand(3), expected)


def test_a_file_saved_by_train_py_exports_with_its_own_head_counts_as_trained_here(tmp_path, vocab):
    # 48-wide towers with 3 heads: shapes alone would suggest 12 heads (48 % 12 == 0); the saved config decides.
    cfg = replace(TINY_CONFIG, vision_width=48, vision_heads=3, text_width=48, text_heads=3)
    torch.manual_seed(5)
    model = ALBEF(cfg, mlm_head=True)
    torch.save({"model": model.state_dict(), "optimizer": {}, "config": cfg.to_dict(), "epoch": 1, "step": 9},
               tmp_path / "trained.pth")  # fmt: skip
    assert main(["--checkpoint", str(tmp_path / "trained.pth"), "--vocab", str(vocab), "--out", str(tmp_path / "t"),
                 "--verify"]) == 0  # fmt: skip
    m = json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert m["source"]["kind"] == "trained-here"
    assert (m["architecture"]["vision_heads"], m["architecture"]["text_heads"]) == (3, 3)
