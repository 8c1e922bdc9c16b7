"""ALBEF objective (spec §1.8): masking rules, guarded negative sampling, one full training step."""
import torch

from tools.albef.losses import albef_losses, mask_tokens, sample_negatives
from tools.albef.model import ALBEF, AlbefConfig

SPECIAL = {"pad": 0, "cls": 2, "mask": 4}


def _model():
    cfg = AlbefConfig(image_res=32, patch_size=16, vision_width=32, vision_depth=1, vision_heads=2,
                      text_width=32, text_layers=2, fusion_layer=1, text_heads=2, text_intermediate=64,
                      vocab_size=40, max_position_embeddings=16, embed_dim=16, queue_size=8)
    torch.manual_seed(0)
    return ALBEF(cfg, mlm_head=True).train()


def test_mask_tokens_never_masks_pad_or_cls_and_labels_only_masked_positions():
    g = torch.Generator().manual_seed(1)
    ids = torch.tensor([[2] + list(range(5, 25)) + [0] * 5] * 50)
    masked, labels = mask_tokens(ids, 40, 0, 2, 4, 0.5, g)
    sel = labels != -100
    assert not sel[:, 0].any() and not sel[:, 21:].any()
    assert torch.equal(labels[sel], ids[sel])
    assert torch.equal(masked[~sel], ids[~sel])
    frac_mask_token = (masked[sel] == 4).float().mean().item()
    assert 0.7 < frac_mask_token < 0.9  # 80% of masked positions become [MASK]


def test_sample_negatives_flags_rows_without_any_candidate_instead_of_raising():
    w = torch.tensor([[0.0, 0.5, 0.5], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    choice, valid = sample_negatives(w, torch.Generator().manual_seed(0))
    assert valid.tolist() == [True, False, True]
    assert choice[0].item() in (1, 2) and choice[2].item() == 0


def test_training_step_gives_finite_losses_updates_queue_and_moves_teacher():
    m = _model()
    opt = torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=1e-3)
    img = torch.randn(4, 3, 32, 32)
    ids = torch.tensor([[2, 5, 6, 7], [2, 8, 9, 0], [2, 10, 0, 0], [2, 11, 12, 13]])
    mask = (ids != 0).long()
    idx = torch.tensor([3, 7, 3, 9])  # rows 0 and 2 share a concept: grouped positives, never ITM negatives
    teacher_before = m.visual_encoder_m.patch_embed.proj.weight.clone()
    out = albef_losses(m, img, ids, mask, idx, 0.4, SPECIAL, gen=torch.Generator().manual_seed(0))
    assert set(out) == {"itc", "itm", "mlm", "loss"}
    assert all(torch.isfinite(v).item() for v in out.values())
    opt.zero_grad()
    out["loss"].backward()
    assert m.vision_proj.weight.grad is not None and m.itm_head.weight.grad is not None
    assert m.mlm_head.transform.dense.weight.grad is not None
    opt.step()
    assert m.queue_ptr.tolist() == [4]
    assert m.idx_queue[0, :4].tolist() == [3, 7, 3, 9]
    assert m.idx_queue[0, 4:].tolist() == [-100] * 4
    m.momentum_update()
    assert not torch.equal(m.visual_encoder_m.patch_embed.proj.weight, teacher_before)


def test_batch_of_one_concept_has_no_itm_negatives_and_still_trains():
    m = _model()
    img = torch.randn(2, 3, 32, 32)
    ids = torch.tensor([[2, 5, 6], [2, 5, 7]])
    out = albef_losses(m, img, ids, torch.ones_like(ids), torch.tensor([1, 1]), 0.4, SPECIAL, mlm=False)
    assert torch.isfinite(out["itm"]).item()
    assert "mlm" not in out


def test_unfilled_and_disabled_queue_columns_get_no_probability():
    import copy

    ids = torch.tensor([[2, 5, 6], [2, 7, 8], [2, 9, 10], [2, 11, 12]])
    img, idx = torch.randn(4, 3, 32, 32), torch.tensor([1, 2, 3, 4])

    def itc(model, **kw):
        model.eval()  # no dropout: two calls see the same features
        return albef_losses(model, img, ids, torch.ones_like(ids), idx, 0.4, SPECIAL, mlm=False, **kw)["itc"].item()

    a = _model()
    b = copy.deepcopy(a)
    with torch.no_grad():  # different random contents in slots that were never written (idx -100)
        b.image_queue.copy_(torch.nn.functional.normalize(torch.randn_like(b.image_queue), dim=0))
        b.text_queue.copy_(torch.nn.functional.normalize(torch.randn_like(b.text_queue), dim=0))
    assert abs(itc(a) - itc(b)) < 1e-6
    # Now the first 4 slots hold real features; with use_queue=False they are still ignored.
    c, d = copy.deepcopy(a), copy.deepcopy(b)
    with torch.no_grad():
        d.image_queue[:, :4] = torch.nn.functional.normalize(torch.randn(16, 4), dim=0)
        d.text_queue[:, :4] = torch.nn.functional.normalize(torch.randn(16, 4), dim=0)
    assert abs(itc(c, use_queue=False) - itc(d, use_queue=False)) < 1e-6
    assert abs(itc(c) - itc(d)) > 1e-4  # with the queue on, written slots do count
