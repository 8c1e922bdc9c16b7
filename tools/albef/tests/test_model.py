"""ALBEF module: official key set and shapes (spec §1.5), padding invariance, fusion shapes."""
import torch

from tools.albef.model import ALBEF, AlbefConfig, MLM_PREFIXES


def _expected_base_shapes():
    """The official retrieval checkpoint table of spec §1.5, written out independently of the module."""
    shapes = {}
    for p in ("visual_encoder.", "visual_encoder_m."):
        shapes[p + "cls_token"] = (1, 1, 768)
        shapes[p + "pos_embed"] = (1, 577, 768)
        shapes[p + "patch_embed.proj.weight"] = (768, 3, 16, 16)
        shapes[p + "patch_embed.proj.bias"] = (768,)
        for i in range(12):
            b = f"{p}blocks.{i}."
            for n in ("norm1", "norm2"):
                shapes[b + n + ".weight"] = (768,)
                shapes[b + n + ".bias"] = (768,)
            shapes[b + "attn.qkv.weight"] = (2304, 768)
            shapes[b + "attn.qkv.bias"] = (2304,)
            shapes[b + "attn.proj.weight"] = (768, 768)
            shapes[b + "attn.proj.bias"] = (768,)
            shapes[b + "mlp.fc1.weight"] = (3072, 768)
            shapes[b + "mlp.fc1.bias"] = (3072,)
            shapes[b + "mlp.fc2.weight"] = (768, 3072)
            shapes[b + "mlp.fc2.bias"] = (768,)
        shapes[p + "norm.weight"] = (768,)
        shapes[p + "norm.bias"] = (768,)
    for p in ("text_encoder.", "text_encoder_m."):
        e = p + "embeddings."
        shapes[e + "word_embeddings.weight"] = (30522, 768)
        shapes[e + "position_embeddings.weight"] = (512, 768)
        shapes[e + "token_type_embeddings.weight"] = (2, 768)
        shapes[e + "LayerNorm.weight"] = (768,)
        shapes[e + "LayerNorm.bias"] = (768,)
        shapes[e + "position_ids"] = (1, 512)
        for i in range(12):
            lay = f"{p}encoder.layer.{i}."
            blocks = ["attention."] + (["crossattention."] if i >= 6 else [])
            for a in blocks:
                for n in ("query", "key", "value"):
                    shapes[f"{lay}{a}self.{n}.weight"] = (768, 768)
                    shapes[f"{lay}{a}self.{n}.bias"] = (768,)
                shapes[f"{lay}{a}output.dense.weight"] = (768, 768)
                shapes[f"{lay}{a}output.dense.bias"] = (768,)
                shapes[f"{lay}{a}output.LayerNorm.weight"] = (768,)
                shapes[f"{lay}{a}output.LayerNorm.bias"] = (768,)
            shapes[lay + "intermediate.dense.weight"] = (3072, 768)
            shapes[lay + "intermediate.dense.bias"] = (3072,)
            shapes[lay + "output.dense.weight"] = (768, 3072)
            shapes[lay + "output.dense.bias"] = (768,)
            shapes[lay + "output.LayerNorm.weight"] = (768,)
            shapes[lay + "output.LayerNorm.bias"] = (768,)
    for p in ("vision_proj", "text_proj", "vision_proj_m", "text_proj_m"):
        shapes[p + ".weight"] = (256, 768)
        shapes[p + ".bias"] = (256,)
    shapes["itm_head.weight"] = (2, 768)
    shapes["itm_head.bias"] = (2,)
    shapes["temp"] = ()
    shapes["image_queue"] = (256, 65536)
    shapes["text_queue"] = (256, 65536)
    shapes["idx_queue"] = (1, 65536)
    shapes["queue_ptr"] = (1,)
    return shapes


def _build_base_on_meta():
    # The base model has ~420 M parameters with its momentum copies: build it without allocating memory.
    try:
        with torch.device("meta"):  # torch >= 2.0
            return ALBEF(AlbefConfig.base())
    except (AttributeError, TypeError):
        return ALBEF(AlbefConfig.base())


def test_base_state_dict_has_exactly_the_official_retrieval_keys_and_shapes():
    sd = _build_base_on_meta().state_dict()
    expected = _expected_base_shapes()
    assert sorted(set(sd) - set(expected)) == []
    assert sorted(set(expected) - set(sd)) == []
    wrong = {k: (tuple(sd[k].shape), v) for k, v in expected.items() if tuple(sd[k].shape) != v}
    assert wrong == {}
    assert sd["idx_queue"].dtype == torch.int64
    assert sd["queue_ptr"].dtype == torch.int64
    assert sd["text_encoder.embeddings.position_ids"].dtype == torch.int64


def _small(**kw):
    cfg = AlbefConfig(image_res=32, patch_size=16, vision_width=32, vision_depth=2, vision_heads=2,
                      text_width=32, text_layers=3, fusion_layer=2, text_heads=2, text_intermediate=64,
                      vocab_size=50, max_position_embeddings=16, embed_dim=16, queue_size=8, **kw)
    torch.manual_seed(0)
    return ALBEF(cfg, mlm_head=True).eval()


def test_small_model_queues_start_normalised_with_idx_minus_100():
    m = _small()
    assert torch.allclose(m.image_queue.norm(dim=0), torch.ones(8), atol=1e-6)
    assert torch.allclose(m.text_queue.norm(dim=0), torch.ones(8), atol=1e-6)
    assert m.idx_queue.tolist() == [[-100] * 8]
    assert m.queue_ptr.tolist() == [0]


def test_mlm_head_keys_are_extra_and_dropped_by_retrieval_state_dict():
    m = _small()
    extra = [k for k in m.state_dict() if k.startswith(MLM_PREFIXES)]
    assert sorted(extra) == sorted(
        f"{p}{n}" for p in ("mlm_head.", "mlm_head_m.")
        for n in ("bias", "transform.dense.weight", "transform.dense.bias",
                  "transform.LayerNorm.weight", "transform.LayerNorm.bias"))
    assert not any(k.startswith(MLM_PREFIXES) for k in m.retrieval_state_dict())


def test_text_cls_and_embedding_do_not_depend_on_padding():
    m = _small()
    ids = torch.tensor([[2, 7, 9, 11]])
    mask = torch.ones_like(ids)
    padded_ids = torch.tensor([[2, 7, 9, 11, 0, 0, 0]])
    padded_mask = torch.tensor([[1, 1, 1, 1, 0, 0, 0]])
    with torch.no_grad():
        a = m.encode_text(ids, mask)
        b = m.encode_text(padded_ids, padded_mask)
    assert (a[:, :4] - b[:, :4]).abs().max().item() < 1e-5
    assert (m.text_embed(a) - m.text_embed(b)).abs().max().item() < 1e-6


def test_fusion_and_itm_shapes_follow_text_and_image_batches():
    m = _small()
    with torch.no_grad():
        img = m.encode_image(torch.randn(3, 3, 32, 32))
        txt = m.encode_text(torch.randint(1, 50, (3, 5)), torch.ones(3, 5, dtype=torch.long))
        fused = m.fuse(txt, torch.ones(3, 5, dtype=torch.long), img)
        logits = m.itm_logits(txt, torch.ones(3, 5, dtype=torch.long), img)
        mlm = m.mlm_logits(torch.randint(1, 50, (3, 5)), torch.ones(3, 5, dtype=torch.long), img)
    assert tuple(img.shape) == (3, 5, 32)  # (32/16)^2 + 1 tokens
    assert tuple(txt.shape) == (3, 5, 32)
    assert tuple(fused.shape) == (3, 5, 32)
    assert tuple(logits.shape) == (3, 2)
    assert tuple(mlm.shape) == (3, 5, 50)
    assert tuple(m.image_embed(img).shape) == (3, 16)
    assert torch.allclose(m.image_embed(img).norm(dim=-1), torch.ones(3), atol=1e-6)


def test_fusion_output_depends_on_the_image():
    m = _small()
    with torch.no_grad():
        txt = m.encode_text(torch.tensor([[2, 5, 6]]), torch.ones(1, 3, dtype=torch.long))
        a = m.fuse(txt, torch.ones(1, 3, dtype=torch.long), m.encode_image(torch.zeros(1, 3, 32, 32)))
        b = m.fuse(txt, torch.ones(1, 3, dtype=torch.long), m.encode_image(torch.ones(1, 3, 32, 32)))
    assert (a - b).abs().max().item() > 1e-4


def test_momentum_update_moves_teacher_toward_student():
    m = _small()
    with torch.no_grad():
        m.vision_proj.weight.add_(1.0)
    before = m.vision_proj_m.weight.clone()
    m.momentum_update()
    expected = 0.995 * before + 0.005 * m.vision_proj.weight
    assert torch.allclose(m.vision_proj_m.weight, expected, atol=1e-7)
    assert not m.vision_proj_m.weight.requires_grad


def test_config_round_trips_and_architecture_block_has_bundle_keys():
    cfg = AlbefConfig.base()
    assert AlbefConfig.from_dict(cfg.to_dict()) == cfg
    arch = cfg.architecture()
    assert arch == {
        "family": "albef", "image_res": 384, "patch_size": 16, "vision_width": 768, "vision_depth": 12,
        "vision_heads": 12, "vision_mlp_ratio": 4, "vision_ln_eps": 1e-6, "text_width": 768, "text_layers": 12,
        "fusion_layer": 6, "text_heads": 12, "text_intermediate": 3072, "text_ln_eps": 1e-12,
        "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2, "embed_dim": 256,
    }
    assert AlbefConfig.from_dict(arch).to_dict()["vision_width"] == 768
