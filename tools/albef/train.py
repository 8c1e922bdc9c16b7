"""Train ALBEF from scratch on image–caption manifests with the full objective (spec §1.8).

AdamW (no weight decay on 1-D params and biases, optim_factory.py), linear warm-up then cosine to min_lr per
step, α ramped linearly over the first epoch (Retrieval.py warm_up). Checkpoints in the official layout
{'model', 'optimizer', 'config', 'epoch', 'step'} every --ckpt-minutes to RUN/checkpoint_last.pth (atomic
rename); `--resume` continues from it. One JSON line of losses per step in RUN/log.jsonl, quick ITC
evaluations (monitoring only, never used to pick a checkpoint) in RUN/eval.jsonl.

    nice -n 5 /usr/bin/python3 -m tools.albef.train --run data/train/small --train data/emoji/train_ext.jsonl \
        --eval data/emoji/test_fluent_seen.jsonl data/emoji/test_fluent_novel.jsonl --minutes 70
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from typing import Dict, List

import torch

from .data import EpochBatches, TrainSet, load_eval_images, read_manifest
from .evaluate import evaluate_pairs
from .losses import albef_losses
from .model import ALBEF, AlbefConfig
from .tokenizer import Tokenizer
from .vocab import build_vocab, emojibase_texts, word_counts


def param_groups(model: ALBEF, wd: float) -> List[Dict]:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if p.ndim <= 1 or name.endswith(".bias") else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def lr_at(step: int, progress: float, lr: float, warmup: int, min_lr: float) -> float:
    """Linear warm-up over `warmup` steps, then cosine to min_lr over `progress` ∈ [0, 1] of the run."""
    if step < warmup:
        return lr * (step + 1) / warmup
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * min(1.0, progress)))


def save(path: str, model: ALBEF, opt, epoch: int, step: int, extra: Dict) -> None:
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "config": model.config.to_dict(),
                "epoch": epoch, "step": step, **extra}, tmp)
    os.replace(tmp, path)


def build_config(a) -> AlbefConfig:
    return AlbefConfig(image_res=a.res, patch_size=a.patch, vision_width=a.vw, vision_depth=a.vd,
                       vision_heads=a.vh, text_width=a.tw, text_layers=a.tl, fusion_layer=a.fl, text_heads=a.th,
                       text_intermediate=a.ti, vocab_size=a.vocab_size, max_position_embeddings=a.max_pos,
                       embed_dim=a.embed_dim, queue_size=a.queue, temp=0.07, alpha=a.alpha)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Train ALBEF from scratch (full ITC+ITM+MLM objective)")
    ap.add_argument("--run", required=True, help="output folder: vocab.txt, checkpoints, logs")
    ap.add_argument("--train", nargs="+", required=True, help="JSONL manifests")
    ap.add_argument("--eval", nargs="*", default=[], help="manifests for quick ITC monitoring")
    ap.add_argument("--vocab", help="existing vocab.txt (default: build from emojibase + training captions)")
    ap.add_argument("--vocab-target", type=int, default=8000)
    ap.add_argument("--emojibase", default="node_modules/emojibase-data/en/data.json",
                    help="emojibase data.json whose labels and tags join the vocabulary corpus ('' = none)")
    ap.add_argument("--res", type=int, default=96)
    ap.add_argument("--patch", type=int, default=16)
    ap.add_argument("--vw", type=int, default=256)
    ap.add_argument("--vd", type=int, default=6)
    ap.add_argument("--vh", type=int, default=4)
    ap.add_argument("--tw", type=int, default=256)
    ap.add_argument("--tl", type=int, default=6)
    ap.add_argument("--fl", type=int, default=4)
    ap.add_argument("--th", type=int, default=4)
    ap.add_argument("--ti", type=int, default=1024)
    ap.add_argument("--max-pos", type=int, default=40)
    ap.add_argument("--embed-dim", type=int, default=256)
    ap.add_argument("--queue", type=int, default=4096)
    ap.add_argument("--alpha", type=float, default=0.4)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--min-lr", type=float, default=1e-5)
    ap.add_argument("--wd", type=float, default=0.02)
    ap.add_argument("--warmup", type=int, default=300, help="warm-up steps")
    ap.add_argument("--epochs", type=int, default=0, help="schedule length in epochs (0: use --minutes)")
    ap.add_argument("--minutes", type=float, default=70,
                    help="schedule length in training wall-clock minutes (robust to a shared, busy CPU)")
    ap.add_argument("--no-mlm", action="store_true")
    ap.add_argument("--queue-warmup", type=int, default=-1,
                    help="steps of in-batch-only ITC before the queue is used (-1: one epoch); see losses.py")
    ap.add_argument("--momentum-warmup", type=int, default=0,
                    help="steps over which the EMA momentum ramps linearly from 0 to config.momentum (0: off)")
    ap.add_argument("--mlm-rows", type=int, default=0, help="MLM on the first N pairs of a batch (0 = all)")
    ap.add_argument("--train-max-length", type=int, default=20, help="token cap for training captions")
    ap.add_argument("--p-label", type=float, default=0.6, help="probability of the label caption (else tags)")
    ap.add_argument("--photometric", action="store_true",
                    help="hue-preserving brightness/contrast/saturation/blur jitter on training images (data.py)")
    ap.add_argument("--shading", action="store_true",
                    help="lighting augmentation on the drawn object (data.shade), p=0.5 per image")
    ap.add_argument("--ckpt-minutes", type=float, default=5)
    ap.add_argument("--eval-every", type=int, default=0, help="steps between quick evals (0: each epoch)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (pilot)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--extend-minutes", type=float, default=0,
                    help="with --resume: lengthen the planned schedule by this many minutes (warm restart of the "
                         "cosine from the current point)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", help="torch device (cuda for a GPU; random draws stay on the CPU)")
    ap.add_argument("--workers", type=int, default=0,
                    help="processes making batches (0: in the training loop, as the documented CPU runs do)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 is faster than 2 on a busy 2-core machine (OpenMP barriers stall)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.run, exist_ok=True)
    ckpt_path = os.path.join(a.run, "checkpoint_last.pth")

    pairs = [p for m in a.train for p in read_manifest(m)]
    vocab_path = os.path.join(a.run, "vocab.txt")
    if a.vocab:
        if os.path.abspath(a.vocab) != os.path.abspath(vocab_path):
            shutil.copyfile(a.vocab, vocab_path)
    elif not os.path.exists(vocab_path):
        texts = emojibase_texts(a.emojibase) if a.emojibase else []
        texts += [p.caption for p in pairs] + [p.tags for p in pairs if p.tags]
        with open(vocab_path, "w", encoding="utf-8") as f:
            f.write("\n".join(build_vocab(word_counts(texts), a.vocab_target)) + "\n")
    tok = Tokenizer.from_file(vocab_path, max_length=min(30, a.max_pos))
    train_tok = Tokenizer.from_file(vocab_path, max_length=min(a.train_max_length, a.max_pos))
    a.vocab_size = len(tok.vocab)
    special = {"pad": tok.pad_id, "cls": tok.cls_id, "mask": tok.mask_id}

    t_load = time.time()
    ds = TrainSet(pairs, a.res, seed=a.seed, p_label=a.p_label, p_tags=1.0 - a.p_label, photometric=a.photometric,
                  shading=a.shading)
    print(f"{len(ds)} training pairs, {len(ds.concept_index)} concepts, vocab {a.vocab_size}, "
          f"images loaded in {time.time() - t_load:.1f}s", flush=True)
    evals = []
    for m in a.eval:
        ep = read_manifest(m, drop_groups=("flags",))
        evals.append((os.path.basename(m), ep, load_eval_images(ep, a.res)))

    if a.resume and os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location="cpu")  # moved to --device below
        cfg = AlbefConfig.from_dict(ckpt["config"])
        model = ALBEF(cfg, mlm_head=not a.no_mlm)
        model.load_state_dict(ckpt["model"])
        plan = ckpt["plan"]
        start_step, start_epoch, wall_before = ckpt["step"], ckpt["epoch"], ckpt.get("wall", 0.0)
    else:
        ckpt, cfg = None, build_config(a)
        model = ALBEF(cfg, mlm_head=not a.no_mlm)
        start_step, start_epoch, plan, wall_before = 0, 0, None, 0.0
    dev = torch.device(a.device)
    model.to(dev)  # before the optimizer is built/loaded, so its state lives on the same device
    n_params = sum(p.numel() for n, p in model.named_parameters() if p.requires_grad)
    print(f"config {json.dumps(cfg.to_dict())}\ntrainable params {n_params / 1e6:.2f} M", flush=True)
    opt = torch.optim.AdamW(param_groups(model, a.wd), lr=a.lr)
    if ckpt is not None:
        opt.load_state_dict(ckpt["optimizer"])
    steps_per_epoch = len(ds) // a.batch
    queue_warmup = steps_per_epoch if a.queue_warmup < 0 else a.queue_warmup
    if plan is None:
        plan = {"total_steps": a.epochs * steps_per_epoch if a.epochs else 0,
                "seconds": 0.0 if a.epochs else a.minutes * 60, "lr": a.lr, "min_lr": a.min_lr,
                "warmup": a.warmup, "steps_per_epoch": steps_per_epoch, "batch": a.batch,
                "argv": list(argv or sys.argv[1:])}

    if a.extend_minutes and plan["seconds"]:
        plan["seconds"] += a.extend_minutes * 60

    def progress() -> float:
        if plan["total_steps"]:
            return step / plan["total_steps"]
        return (wall_before + time.time() - t0) / plan["seconds"]
    print(f"plan {json.dumps(plan)}", flush=True)

    model.train()
    log = open(os.path.join(a.run, "log.jsonl"), "a")
    elog = open(os.path.join(a.run, "eval.jsonl"), "a")
    gen = torch.Generator().manual_seed(a.seed + start_step)
    step, epoch = start_step, start_epoch
    t_last_ckpt = time.time()
    t0 = time.time()

    def quick_eval():
        model.eval()
        row = {"step": step, "epoch": epoch}
        for name, ep, imgs in evals:
            r = evaluate_pairs(model, tok, ep, images=imgs, itm=False)
            row[name] = {"i2t": r["itc"]["i2t"], "t2i": r["itc"]["t2i"], **r["spread"]}
        model.train()
        elog.write(json.dumps(row) + "\n")
        elog.flush()
        print("eval", json.dumps(row), flush=True)

    def epoch_batches(batches, first):
        if a.workers <= 0:
            return (ds.batch(batches[bi]) for bi in range(first, len(batches)))
        return iter(torch.utils.data.DataLoader(EpochBatches(ds, batches, epoch, first, a.seed), batch_size=None,
                                                num_workers=a.workers, prefetch_factor=4))

    while progress() < 1.0:
        batches = ds.epoch_order(epoch, a.batch, a.seed)
        for made in epoch_batches(batches, step - epoch * steps_per_epoch):
            if progress() >= 1.0 or (a.max_steps and step - start_step >= a.max_steps):
                break
            ts = time.time()
            lr = lr_at(step, progress(), plan["lr"], plan["warmup"], plan["min_lr"])
            for g in opt.param_groups:
                g["lr"] = lr
            alpha = a.alpha * min(1.0, (step + 1) / steps_per_epoch)  # ramp over the first epoch
            image, caps, idx = made
            ids, mask = train_tok.batch(caps)
            image, ids, mask, idx = (t.to(dev, non_blocking=True) for t in (image, ids, mask, idx))
            losses = albef_losses(model, image, ids, mask, idx, alpha, special, mlm=not a.no_mlm, gen=gen,
                                  mlm_rows=a.mlm_rows, use_queue=step >= queue_warmup,
                                  momentum=cfg.momentum * min(1.0, step / a.momentum_warmup)
                                  if a.momentum_warmup else None)
            opt.zero_grad(set_to_none=True)
            losses["loss"].backward()
            opt.step()
            step += 1
            row = {"step": step, "epoch": epoch, "lr": lr, "alpha": round(alpha, 4),
                   "temp": round(model.temp.item(), 5), "sec": round(time.time() - ts, 3),
                   "wall": round(wall_before + time.time() - t0, 1)}
            row.update({k: round(v.item(), 5) for k, v in losses.items()})
            log.write(json.dumps(row) + "\n")
            if step % 20 == 0:
                log.flush()
                print(json.dumps(row), flush=True)
            if time.time() - t_last_ckpt > a.ckpt_minutes * 60:
                save(ckpt_path, model, opt, epoch, step, {"plan": plan, "wall": wall_before + time.time() - t0})
                t_last_ckpt = time.time()
            if a.eval_every and step % a.eval_every == 0 and evals:
                quick_eval()
        else:
            epoch += 1
            if not a.eval_every and evals:
                quick_eval()
            continue
        break
    save(ckpt_path, model, opt, epoch, step, {"plan": plan, "wall": wall_before + time.time() - t0})
    if evals:
        quick_eval()
    print(f"done: step {step}, progress {progress():.3f}, {time.time() - t0:.0f}s this session", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
