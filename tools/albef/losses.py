"""The full ALBEF training objective (spec §1.8): ITC with momentum distillation over queues and idx-aware
positives, ITM with contrastive hard negatives, MLM with momentum distillation. Total = itc + itm + mlm.

Order inside a step follows models/model_retrieval.py + model_pretrain.py: student features → (no-grad)
momentum update → teacher features → ITC → enqueue → ITM → MLM.
"""
from __future__ import annotations

from typing import Dict, Optional

import torch
import torch.nn.functional as F

from .model import ALBEF


def mask_tokens(input_ids: torch.Tensor, vocab_size: int, pad_id: int, cls_id: int, mask_id: int,
                prob: float, gen: Optional[torch.Generator] = None):
    """BERT masking (model_pretrain.py `mask`): Bernoulli(prob) over non-[PAD]/[CLS] positions; of those 80%
    → [MASK], half of the rest → a uniform random id in [0, vocab), the remainder unchanged. Labels are -100
    except at masked positions."""
    # Random draws come from the CPU generator whatever the device, so a run's masks do not depend on it.
    dev = input_ids.device
    ids = input_ids.cpu().clone()
    labels = ids.clone()
    masked = torch.bernoulli(torch.full(ids.shape, prob), generator=gen).bool()
    masked &= (ids != pad_id) & (ids != cls_id)
    labels[~masked] = -100
    replaced = torch.bernoulli(torch.full(ids.shape, 0.8), generator=gen).bool() & masked
    ids[replaced] = mask_id
    rand = torch.bernoulli(torch.full(ids.shape, 0.5), generator=gen).bool() & masked & ~replaced
    ids[rand] = torch.randint(vocab_size, ids.shape, generator=gen)[rand]
    return ids.to(dev), labels.to(dev)


def soft_ce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return -(F.log_softmax(logits, dim=1) * targets).sum(dim=1).mean()


def sample_negatives(weights: torch.Tensor, gen: Optional[torch.Generator] = None):
    """One index per row drawn ∝ weights. Rows whose weights are all zero (every other in-batch sample shares
    the row's concept id) have no valid negative: they are returned as invalid instead of raising (spec §1.8)."""
    dev = weights.device
    weights = weights.float().cpu()  # drawn with the CPU generator (see mask_tokens)
    valid = weights.sum(dim=1) > 0
    choice = torch.zeros(weights.shape[0], dtype=torch.long)
    if valid.any():
        choice[valid] = torch.multinomial(weights[valid], 1, generator=gen).squeeze(1)
    return choice.to(dev), valid.to(dev)


def albef_losses(model: ALBEF, image: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                 idx: torch.Tensor, alpha: float, special_ids: Dict[str, int], mlm: bool = True,
                 gen: Optional[torch.Generator] = None, mlm_rows: int = 0,
                 use_queue: bool = True, momentum: Optional[float] = None) -> Dict[str, torch.Tensor]:
    """`mlm_rows` > 0 runs MLM on the first that many pairs of the batch only (CPU budget; 0 = all).
    `use_queue=False` masks every queue column (in-batch ITC only; the queue is still filled): a warm-up for
    training from scratch, when stale queue features from fast-moving encoders drive the features to collapse.
    `momentum` overrides config.momentum for this step's EMA update (warm-up from scratch: a teacher that lags
    a random student gives nearly identical targets, so ITC cannot bootstrap while m is already 0.995)."""
    cfg = model.config
    with torch.no_grad():
        model.temp.clamp_(0.001, 0.5)  # as pre-training does (model_pretrain.py L90)

    image_tokens = model.encode_image(image)
    image_feat = model.image_embed(image_tokens)
    text_tokens = model.encode_text(input_ids, attention_mask)
    text_feat = model.text_embed(text_tokens)

    # ---- ITC with momentum distillation -----------------------------------------------------------
    idx = idx.view(-1, 1)
    idx_all = torch.cat([idx.t(), model.idx_queue.clone().detach()], dim=1)

    # Queue slots never written yet (idx -100) hold the random init vectors. From pre-trained towers (ALBEF)
    # they are harmless; from scratch, where every feature starts nearly identical, pushing all features away
    # from random vectors and toward each other is a collapse attractor (all text/image features equal, zero
    # gradient). So unfilled slots are masked out of both student and teacher logits until they are written.
    unused = model.idx_queue == -100 if use_queue else torch.ones_like(model.idx_queue, dtype=torch.bool)
    empty = torch.cat([torch.zeros(1, idx.shape[0], dtype=torch.bool, device=idx.device), unused], dim=1)
    pos = torch.eq(idx, idx_all).masked_fill(empty, False).float()
    sim_targets = pos / pos.sum(dim=1, keepdim=True)
    with torch.no_grad():
        model.momentum_update(momentum)  # before teacher features
        image_tokens_m = model.visual_encoder_m(image)
        image_feat_m = F.normalize(model.vision_proj_m(image_tokens_m[:, 0, :]), dim=-1)
        image_feat_all = torch.cat([image_feat_m.t(), model.image_queue.clone().detach()], dim=1)
        text_tokens_m = model.text_encoder_m.text(input_ids, attention_mask)
        text_feat_m = F.normalize(model.text_proj_m(text_tokens_m[:, 0, :]), dim=-1)
        text_feat_all = torch.cat([text_feat_m.t(), model.text_queue.clone().detach()], dim=1)
        sim_i2t_m = (image_feat_m @ text_feat_all / model.temp).masked_fill(empty, -1e4)
        sim_t2i_m = (text_feat_m @ image_feat_all / model.temp).masked_fill(empty, -1e4)
        i2t_targets = alpha * F.softmax(sim_i2t_m, dim=1) + (1 - alpha) * sim_targets
        t2i_targets = alpha * F.softmax(sim_t2i_m, dim=1) + (1 - alpha) * sim_targets

    sim_i2t = (image_feat @ text_feat_all / model.temp).masked_fill(empty, -1e4)
    sim_t2i = (text_feat @ image_feat_all / model.temp).masked_fill(empty, -1e4)
    loss_itc = (soft_ce(sim_i2t, i2t_targets) + soft_ce(sim_t2i, t2i_targets)) / 2
    model.dequeue_and_enqueue(image_feat_m, text_feat_m, idx)

    # ---- ITM with contrastive hard negatives ------------------------------------------------------
    bs = image.shape[0]
    with torch.no_grad():
        same = torch.eq(idx, idx.t())
        w_i2t = F.softmax(sim_i2t[:, :bs], dim=1).masked_fill(same, 0)
        w_t2i = F.softmax(sim_t2i[:, :bs], dim=1).masked_fill(same, 0)
        neg_img, ok_t = sample_negatives(w_t2i, gen)  # a negative image for each text
        neg_txt, ok_i = sample_negatives(w_i2t, gen)  # a negative text for each image
    t_rows = ok_t.nonzero().squeeze(1)
    i_rows = ok_i.nonzero().squeeze(1)
    text_all = torch.cat([text_tokens, text_tokens[t_rows], text_tokens[neg_txt[i_rows]]], dim=0)
    mask_all = torch.cat([attention_mask, attention_mask[t_rows], attention_mask[neg_txt[i_rows]]], dim=0)
    image_all = torch.cat([image_tokens, image_tokens[neg_img[t_rows]], image_tokens[i_rows]], dim=0)
    logits = model.itm_head(model.fuse(text_all, mask_all, image_all)[:, 0, :])
    labels = torch.cat([torch.ones(bs, dtype=torch.long, device=logits.device),
                        torch.zeros(t_rows.numel() + i_rows.numel(), dtype=torch.long, device=logits.device)])
    loss_itm = F.cross_entropy(logits, labels)
    out = {"itc": loss_itc, "itm": loss_itm}

    # ---- MLM with momentum distillation -----------------------------------------------------------
    if mlm:
        n = mlm_rows if 0 < mlm_rows < bs else bs
        input_ids, attention_mask = input_ids[:n], attention_mask[:n]
        image_tokens, image_tokens_m = image_tokens[:n], image_tokens_m[:n]
        ids, mlm_labels = mask_tokens(input_ids, cfg.vocab_size, special_ids["pad"], special_ids["cls"],
                                      special_ids["mask"], cfg.mlm_probability, gen)
        sel = mlm_labels != -100
        if sel.any():
            # The vocab projection runs only at masked positions: same loss, far less work.
            with torch.no_grad():
                h_m = model.text_encoder_m.full(ids, attention_mask, image_tokens_m)[sel]
                soft = F.softmax(model.mlm_head_m(h_m, model.text_encoder_m.embeddings.word_embeddings.weight), -1)
            h = model.text_encoder.full(ids, attention_mask, image_tokens)[sel]
            logits_mlm = model.mlm_head(h, model.text_encoder.embeddings.word_embeddings.weight)
            ce = F.cross_entropy(logits_mlm, mlm_labels[sel])
            distill = -(F.log_softmax(logits_mlm, dim=-1) * soft).sum(-1).mean()
            out["mlm"] = (1 - alpha) * ce + alpha * distill
        else:
            out["mlm"] = torch.zeros((), device=image.device, requires_grad=True)
    out["loss"] = sum(v for k, v in out.items())
    return out
