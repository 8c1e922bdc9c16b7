"""Official key sets, checkpoint loading/refusal and pos-embed interpolation (spec §1.2, §1.5)."""
import math
from dataclasses import replace
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from tools.albef.checkpoint import (
    CheckpointError,
    check_keys,
    compress_keys,
    infer_config,
    interpolate_pos_embed,
    load_checkpoint,
    prepare_state_dict,
)
from tools.albef.config import AlbefConfig
from tools.albef.model import ALBEF
from tools.albef.official_keys import official_keys, pretrain_keys, retrieval_keys
from tools.albef.tiny_fixture import TINY_CONFIG
from tools.albef.vit import interpolate_pos_embed as model_interpolate_pos_embed


def synthetic(layout, cfg, device="cpu", seed=0):
    """A state dict with exactly the official key set of `layout` at `cfg`, random values (meta: shapes only)."""
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name, spec in official_keys(layout, cfg).items():
        if device == "meta":
            out[name] = torch.empty(spec.shape, dtype=spec.dtype, device="meta")
        elif spec.dtype.is_floating_point:
            out[name] = torch.randn(spec.shape, generator=g)
        else:
            out[name] = torch.zeros(spec.shape, dtype=spec.dtype)
    if device != "meta":
        out["temp"] = torch.tensor(0.07)
    return out


def test_official_retrieval_keys_equal_the_model_state_dict_names_shapes_and_dtypes():
    model_sd = ALBEF(TINY_CONFIG).state_dict()
    keys = retrieval_keys(TINY_CONFIG)
    assert {k: (tuple(v.shape), v.dtype) for k, v in model_sd.items()} == {
        k: (s.shape, s.dtype) for k, s in keys.items()
    }


def test_albef_b_key_counts_and_parameter_total_match_the_spec_table():
    base = AlbefConfig.base(384)
    keys = retrieval_keys(base)
    assert len(keys) == 831
    assert len(pretrain_keys(AlbefConfig.base(256))) == 844
    student = [k for k, s in keys.items() if "_m." not in k and "queue" not in k and s.dtype == torch.float32]
    total = sum(math.prod(keys[k].shape) for k in student)
    assert total == 209_560_835  # spec §1.1: 209.6 M without the momentum copies
    assert keys["visual_encoder.pos_embed"].shape == (1, 577, 768)
    assert pretrain_keys(AlbefConfig.base(256))["visual_encoder.pos_embed"].shape == (1, 257, 768)


def test_pretrain_layout_is_retrieval_layout_with_bert_infix_mlm_heads_and_no_idx_queue():
    cfg = AlbefConfig.base(256)
    retrieval, pretrain = set(retrieval_keys(cfg)), set(pretrain_keys(cfg))
    renamed = {k.replace("text_encoder.bert.", "text_encoder.").replace("text_encoder_m.bert.", "text_encoder_m.") for k in pretrain}
    mlm = {k for k in renamed if k.startswith(("text_encoder.cls.", "text_encoder_m.cls."))}
    assert renamed - mlm == retrieval - {"idx_queue"}
    assert sorted(k for k in mlm if k.startswith("text_encoder.cls.")) == [
        "text_encoder.cls.predictions.bias",
        "text_encoder.cls.predictions.decoder.bias",
        "text_encoder.cls.predictions.decoder.weight",
        "text_encoder.cls.predictions.transform.LayerNorm.bias",
        "text_encoder.cls.predictions.transform.LayerNorm.weight",
        "text_encoder.cls.predictions.transform.dense.bias",
        "text_encoder.cls.predictions.transform.dense.weight",
    ]


@pytest.mark.parametrize("layout,res", [("retrieval", 384), ("pretrain", 256)])
def test_full_size_official_key_sets_pass_the_check_and_give_the_albef_b_config(layout, res):
    sd = synthetic(layout, AlbefConfig.base(res), device="meta")
    cfg = infer_config(sd, layout)
    assert cfg.architecture() == AlbefConfig.base(res).architecture()
    check_keys(sd, layout, cfg, "x.pth")  # does not raise


def test_wrapped_and_bare_checkpoint_files_load_the_same_tensors(tmp_path: Path):
    sd = synthetic("retrieval", TINY_CONFIG)
    torch.save({"model": sd, "optimizer": {}, "config": {}, "epoch": 3}, tmp_path / "wrapped.pth")
    torch.save(sd, tmp_path / "bare.pth")
    a = load_checkpoint(tmp_path / "wrapped.pth", base=TINY_CONFIG)
    b = load_checkpoint(tmp_path / "bare.pth", base=TINY_CONFIG)
    assert a.state_dict.keys() == b.state_dict.keys()
    assert all(torch.equal(a.state_dict[k], b.state_dict[k]) for k in a.state_dict)
    assert a.layout == "retrieval" and a.has_momentum_heads and not a.interpolated


def test_inference_state_dict_keeps_towers_heads_momentum_heads_and_temp_only():
    ck = prepare_state_dict(synthetic("retrieval", TINY_CONFIG), base=TINY_CONFIG)
    prefixes = {k.split(".")[0] for k in ck.state_dict}
    assert prefixes == {
        "visual_encoder", "text_encoder", "vision_proj", "text_proj", "vision_proj_m", "text_proj_m", "itm_head", "temp",
    }  # fmt: skip
    assert ck.temp == pytest.approx(0.07)


def test_pretrain_checkpoint_is_renamed_trimmed_and_interpolated_to_the_target_resolution():
    raw = synthetic("pretrain", TINY_CONFIG)  # 32 px: 2×2 grid → 5 rows
    ck = prepare_state_dict(raw, image_res=64, source="ALBEF_4M.pth", base=TINY_CONFIG)
    assert ck.layout == "pretrain" and ck.native_res == 32 and ck.arch.image_res == 64 and ck.interpolated
    assert not any(".bert." in k or ".cls." in k for k in ck.state_dict)
    assert torch.equal(
        ck.state_dict["text_encoder.encoder.layer.3.crossattention.self.key.weight"],
        raw["text_encoder.bert.encoder.layer.3.crossattention.self.key.weight"],
    )
    assert ck.state_dict["visual_encoder.pos_embed"].shape == (1, 17, 32)
    assert torch.equal(ck.state_dict["visual_encoder.pos_embed"], interpolate_pos_embed(raw["visual_encoder.pos_embed"], 17))
    model = ALBEF(replace(ck.arch, queue_size=1))
    missing, unexpected = model.load_state_dict(ck.state_dict, strict=False)
    assert unexpected == []
    assert all(k.startswith(("visual_encoder_m.", "text_encoder_m.", "image_queue", "text_queue", "idx_queue", "queue_ptr")) for k in missing)


def test_pos_embed_257_to_577_equals_torch_bicubic_on_the_grid_and_keeps_cls():
    g = torch.Generator().manual_seed(3)
    pos = torch.randn(1, 257, 768, generator=g)
    out = interpolate_pos_embed(pos, 577)
    grid = pos[0, 1:].T.reshape(1, 768, 16, 16)  # row r*16+c of the table = grid cell (r, c)
    want = F.interpolate(grid, size=(24, 24), mode="bicubic", align_corners=False).reshape(768, 576).T
    assert out.shape == (1, 577, 768)
    assert torch.equal(out[0, 0], pos[0, 0])
    assert (out[0, 1:] - want).abs().max().item() < 1e-6
    # Same numbers as the model module's own loader helper (written independently, tools/albef/vit.py).
    assert (out - model_interpolate_pos_embed(pos, 577)).abs().max().item() < 1e-6
    # A constant grid stays constant (bicubic weights sum to 1); a non-square target is refused.
    const = torch.full((1, 257, 4), 0.25)
    assert (interpolate_pos_embed(const, 577) - 0.25).abs().max().item() < 1e-6
    with pytest.raises(CheckpointError) as err:
        interpolate_pos_embed(pos, 500)
    assert err.value.code == "POS_EMBED_NOT_SQUARE"


def test_checkpoint_with_missing_unexpected_and_misshapen_keys_is_refused_with_a_grouped_list():
    sd = synthetic("retrieval", TINY_CONFIG)
    for i in range(TINY_CONFIG.text_layers):
        del sd[f"text_encoder.encoder.layer.{i}.output.dense.bias"]
    del sd["vision_proj.bias"]
    sd["text_encoder.pooler.dense.weight"] = torch.zeros(32, 32)
    sd["itm_head.weight"] = torch.zeros(3, 32)
    with pytest.raises(CheckpointError) as err:
        prepare_state_dict(sd, source="flickr30k.pth", base=TINY_CONFIG)
    assert err.value.code == "CHECKPOINT_KEYS_MISMATCH"
    assert str(err.value).split("\n") == [
        "flickr30k.pth: keys do not fit the official ALBEF retrieval layout (image_res 32, 4 text layers, fusion from layer 2)",
        "  missing (5):",
        "    text_encoder.encoder.layer.{0-3}.output.dense.bias",
        "    vision_proj.bias",
        "  unexpected (1):",
        "    text_encoder.pooler.dense.weight",
        "  wrong shape (1):",
        "    itm_head.weight: expected [2, 32], got [3, 32]",
    ]


def test_a_half_present_momentum_encoder_is_refused_but_a_missing_one_is_accepted():
    sd = synthetic("retrieval", TINY_CONFIG)
    del sd["visual_encoder_m.blocks.1.attn.qkv.weight"]
    with pytest.raises(CheckpointError) as err:
        prepare_state_dict(sd, source="x.pth", base=TINY_CONFIG)
    assert "missing (1):\n    visual_encoder_m.blocks.1.attn.qkv.weight" in str(err.value)

    stripped = {k: v for k, v in synthetic("retrieval", TINY_CONFIG).items() if "_m." not in k and "queue" not in k}
    ck = prepare_state_dict(stripped, source="x.pth", base=TINY_CONFIG)
    assert not ck.has_momentum_heads
    assert torch.equal(ck.state_dict["vision_proj_m.weight"], stripped["vision_proj.weight"])
    assert torch.equal(ck.state_dict["text_proj_m.bias"], stripped["text_proj.bias"])


def test_state_dict_of_the_trained_here_model_with_its_mlm_head_is_accepted_and_the_head_dropped():
    model = ALBEF(TINY_CONFIG, mlm_head=True)
    ck = prepare_state_dict(model.state_dict(), source="trained", base=TINY_CONFIG)
    assert not any(k.startswith("mlm_head") for k in ck.state_dict)
    assert ck.arch.architecture() == TINY_CONFIG.architecture()


def test_files_that_are_not_checkpoints_are_refused(tmp_path: Path):
    (tmp_path / "junk.pth").write_bytes(b"not a pickle")
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(tmp_path / "junk.pth")
    assert err.value.code == "CHECKPOINT_UNREADABLE" and "junk.pth" in str(err.value)
    torch.save({"model": {"a": 1}}, tmp_path / "odd.pth")
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(tmp_path / "odd.pth")
    assert err.value.code == "CHECKPOINT_NOT_STATE_DICT"


def test_compress_keys_collapses_layer_indices_into_ranges():
    keys = [f"a.layer.{i}.w" for i in (0, 1, 2, 5, 7, 8)] + ["b", "c.3.x"]
    assert compress_keys(keys) == ["a.layer.{0-2,5,7-8}.w", "b", "c.3.x"]


@pytest.mark.parametrize(
    "layout,res,missing",
    [
        ("retrieval", 384, "text_encoder.encoder.layer.7.crossattention.self.value.weight"),
        ("pretrain", 256, "text_encoder.bert.encoder.layer.7.crossattention.self.value.weight"),
    ],
)
def test_full_size_official_file_with_one_key_renamed_is_refused_naming_both_keys(layout, res, missing):
    sd = synthetic(layout, AlbefConfig.base(res), device="meta")
    sd[missing.replace("value", "values")] = sd.pop(missing)
    with pytest.raises(CheckpointError) as err:
        check_keys(sd, layout, infer_config(sd, layout), "ckpt.pth")
    assert str(err.value).split("\n")[1:] == [
        "  missing (1):",
        f"    {missing}",
        "  unexpected (1):",
        f"    {missing.replace('value', 'values')}",
    ]
