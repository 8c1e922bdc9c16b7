"""Second training stage for a from-scratch ALBEF: teach the fusion layers and ITM head to match, encoders frozen.

    /usr/bin/python3 -m tools.albef.itm_stage --checkpoint RUN/checkpoint_last.pth --vocab RUN/vocab.txt \
        --train data/emoji/train_plus.jsonl --out RUN-itm --minutes 12 [--lr 1e-4 --batch 32 --photometric]

Why a stage of its own: trained from scratch with ALBEF's objective (train.py), the ITM loss of the small
default model never left its prior (0.636 for 1 positive : 2 negatives; docs/default-model.md) — ALBEF's
contrastive hard negatives (drawn ∝ ITC similarity, spec §1.8) are from the first step nearly as similar as
the positive, and the fusion layer never got a signal it could follow. With the encoders frozen, the same
fusion layer learns random negatives within a hundred steps. So this stage runs ITM alone on the frozen
encoders with a curriculum: each negative is a uniform random other-concept sample with probability
p_random, else ALBEF's hard negative; p_random falls linearly from --p-random-start to --p-random-end, so the
stage ends on the official hard-negative task. The unimodal towers, projections, queues and ITC embeddings
are untouched (retrieval by ITC is bit-identical); the momentum copies of the fusion layers are set equal to
the trained ones so a later `train.py --resume` starts from a consistent teacher. Output: OUT/checkpoint_last.pth
in train.py's layout (export.py and evaluate.py read it unchanged), OUT/itm_log.jsonl.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import time
from typing import List, Optional

import torch
import torch.nn.functional as F

from .data import TrainSet, read_manifest
from .evaluate import load_checkpoint_model
from .model import ALBEF
from .tokenizer import Tokenizer


def draw_negatives(sim: torch.Tensor, idx: torch.Tensor, p_random: float, gen: torch.Generator) -> tuple:
    """One negative column per row of `sim` (rows = queries): ∝ softmax(sim) (ALBEF's hard negatives) or, with
    probability p_random, uniform. Columns of the row's own concept are never drawn; rows with no other concept
    in the batch are reported invalid (as losses.sample_negatives)."""
    other = idx.view(-1, 1) != idx.view(1, -1)
    hard = F.softmax(sim, dim=1) * other
    uniform = other.float()
    pick_uniform = torch.rand(sim.shape[0], generator=gen) < p_random
    weights = torch.where(pick_uniform.view(-1, 1), uniform, hard)
    valid = weights.sum(dim=1) > 0
    choice = torch.zeros(sim.shape[0], dtype=torch.long)
    if valid.any():
        choice[valid] = torch.multinomial(weights[valid], 1, generator=gen).squeeze(1)
    return choice, valid


def fusion_parameters(model: ALBEF) -> List[torch.nn.Parameter]:
    fl = model.text_encoder.fusion_layer
    return [p for layer in model.text_encoder.encoder.layer[fl:] for p in layer.parameters()] + list(
        model.itm_head.parameters())


def itm_step(model: ALBEF, image: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor, idx: torch.Tensor,
             p_random: float, gen: torch.Generator) -> tuple:
    """ITM loss (1 positive : 2 negatives per pair, spec §1.8) with frozen encoders; returns (loss, accuracy)."""
    with torch.no_grad():
        img_tok = model.encode_image(image)
        txt_tok = model.encode_text(ids, mask)
        sim_i2t = model.image_embed(img_tok) @ model.text_embed(txt_tok).t() / model.temp
    neg_img, ok_t = draw_negatives(sim_i2t.t(), idx, p_random, gen)  # a negative image for each text
    neg_txt, ok_i = draw_negatives(sim_i2t, idx, p_random, gen)  # a negative text for each image
    t_rows, i_rows = ok_t.nonzero().squeeze(1), ok_i.nonzero().squeeze(1)
    text_all = torch.cat([txt_tok, txt_tok[t_rows], txt_tok[neg_txt[i_rows]]])
    mask_all = torch.cat([mask, mask[t_rows], mask[neg_txt[i_rows]]])
    image_all = torch.cat([img_tok, img_tok[neg_img[t_rows]], img_tok[i_rows]])
    logits = model.itm_logits(text_all, mask_all, image_all)
    labels = torch.cat([torch.ones(image.shape[0], dtype=torch.long),
                        torch.zeros(t_rows.numel() + i_rows.numel(), dtype=torch.long)])
    loss = F.cross_entropy(logits, labels)
    acc = (logits.argmax(1) == labels).float().mean()
    return loss, acc


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="ITM stage: fusion layers + ITM head on frozen ALBEF encoders")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=10, help="wall-clock budget (cosine schedule over it)")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--min-lr", type=float, default=1e-5)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--p-random-start", type=float, default=1.0)
    ap.add_argument("--p-random-end", type=float, default=0.25)
    ap.add_argument("--p-label", type=float, default=0.6)
    ap.add_argument("--train-max-length", type=int, default=20)
    ap.add_argument("--photometric", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    if os.path.abspath(a.vocab) != os.path.abspath(os.path.join(a.out, "vocab.txt")):
        shutil.copyfile(a.vocab, os.path.join(a.out, "vocab.txt"))

    src = torch.load(a.checkpoint, map_location="cpu")
    model = load_checkpoint_model(a.checkpoint)
    res = model.config.image_res
    tok = Tokenizer.from_file(a.vocab, max_length=min(a.train_max_length, model.config.max_position_embeddings))
    ds = TrainSet([p for m in a.train for p in read_manifest(m)], res, seed=a.seed, p_label=a.p_label,
                  p_tags=1.0 - a.p_label, photometric=a.photometric)
    for p in model.parameters():
        p.requires_grad_(False)
    params = fusion_parameters(model)
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.02)
    # Dropout in the fusion layers as in training; the frozen towers see train mode too, as in train.py.
    model.train()
    log = open(os.path.join(a.out, "itm_log.jsonl"), "w")
    budget = a.minutes * 60
    t0 = time.time()
    step, epoch = 0, 0

    def progress() -> float:
        if a.max_steps:
            return step / a.max_steps
        return (time.time() - t0) / budget

    while progress() < 1.0:
        for batch in ds.epoch_order(epoch, a.batch, a.seed):
            if progress() >= 1.0:
                break
            frac = min(1.0, progress())
            lr = a.lr * (step + 1) / a.warmup if step < a.warmup else \
                a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * frac))
            for g in opt.param_groups:
                g["lr"] = lr
            p_random = a.p_random_start + (a.p_random_end - a.p_random_start) * frac
            image, caps, idx = ds.batch(batch)
            ids, mask = tok.batch(caps)
            loss, acc = itm_step(model, image, ids, mask, idx, p_random, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            row = {"step": step, "epoch": epoch, "lr": lr, "p_random": round(p_random, 3),
                   "itm": round(loss.item(), 5), "acc": round(acc.item(), 4), "wall": round(time.time() - t0, 1)}
            log.write(json.dumps(row) + "\n")
            if step % 50 == 0:
                log.flush()
                print(json.dumps(row), flush=True)
        else:
            epoch += 1
            continue
        break
    log.close()
    # The teacher's fusion layers follow the student's (see the module docstring).
    with torch.no_grad():
        fl = model.text_encoder.fusion_layer
        for s, t in zip(model.text_encoder.encoder.layer[fl:], model.text_encoder_m.encoder.layer[fl:]):
            for ps, pt in zip(s.parameters(), t.parameters()):
                pt.copy_(ps)
    out = os.path.join(a.out, "checkpoint_last.pth")
    torch.save({"model": model.state_dict(), "optimizer": {}, "config": model.config.to_dict(),
                "epoch": src.get("epoch", 0), "step": src.get("step", 0), "plan": src.get("plan"),
                "wall": src.get("wall", 0.0),
                "itm_stage": {"from": os.path.abspath(a.checkpoint), "steps": step,
                              "seconds": round(time.time() - t0, 1), "args": vars(a)}}, out + ".tmp")
    os.replace(out + ".tmp", out)
    print(f"done: {step} ITM steps in {time.time() - t0:.0f}s → {out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
