"""Retrieval evaluation of an ALBEF checkpoint on JSONL manifests (spec §1.9).

Gallery: every row's image; texts: the distinct (id, caption) pairs of the manifest. A text matches an image
when their `id`s are equal. Reports R@1/5/10 image→text (i2t) and text→image (t2i) ranked by ITC cosine alone
and after ITM re-rank of the ITC top-k (the raw class-1 ITM logit decides the order inside the top-k, as in
original ALBEF; candidates outside the top-k keep their ITC order below it).

    /usr/bin/python3 -m tools.albef.evaluate --checkpoint data/train/RUN/checkpoint_last.pth \
        --vocab data/train/RUN/vocab.txt --manifest data/emoji/test_fluent_seen.jsonl [...] [--k-test 16] [--out x.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Dict, List, Sequence

import torch

from .data import Pair, load_eval_images, read_manifest
from .model import ALBEF, AlbefConfig
from .tokenizer import Tokenizer

KS = (1, 5, 10)


def load_checkpoint_model(path: str, device: str = "cpu") -> ALBEF:
    ckpt = torch.load(path, map_location="cpu")
    cfg = AlbefConfig.from_dict(ckpt["config"])
    sd = ckpt["model"]
    model = ALBEF(cfg, mlm_head=any(k.startswith("mlm_head.") for k in sd))
    model.load_state_dict(sd)
    return model.to(device).eval()


def recall_at(scores: torch.Tensor, match: torch.Tensor, ks: Sequence[int] = KS) -> Dict[str, float]:
    """scores/match [N, M]: rank of the best-ranked matching column per row → R@K in percent."""
    order = scores.argsort(dim=1, descending=True)
    hit = torch.gather(match, 1, order)
    has = hit.any(dim=1)
    first = torch.where(has, hit.float().argmax(dim=1), torch.full_like(has, scores.shape[1], dtype=torch.long))
    return {f"R@{k}": round(100.0 * (first < k).float().mean().item(), 2) for k in ks}


@torch.no_grad()
def embed_all(model: ALBEF, tok: Tokenizer, images: torch.Tensor, texts: List[str], bs: int = 128):
    dev = model.temp.device  # images and token ids move to the model's device a chunk at a time
    img_tok, img_emb = [], []
    for i in range(0, images.shape[0], bs):
        t = model.encode_image(images[i:i + bs].to(dev))
        img_tok.append(t)
        img_emb.append(model.image_embed(t))
    ids, mask = tok.batch(texts, pad_to=tok.max_length)
    ids, mask = ids.to(dev), mask.to(dev)
    txt_tok, txt_emb = [], []
    for i in range(0, len(texts), bs):
        t = model.encode_text(ids[i:i + bs], mask[i:i + bs])
        txt_tok.append(t)
        txt_emb.append(model.text_embed(t))
    return torch.cat(img_tok), torch.cat(img_emb), torch.cat(txt_tok), mask, torch.cat(txt_emb)


@torch.no_grad()
def itm_rerank(model: ALBEF, sim: torch.Tensor, q_is_image: bool, img_tok, txt_tok, txt_mask, k: int,
               chunk: int = 256) -> torch.Tensor:
    """Rows = queries. Top-k by ITC get score ITM logit[:,1]; the rest sit below them in ITC order."""
    k = min(k, sim.shape[1])
    out = sim - 1e4
    top = sim.topk(k, dim=1).indices
    rows = torch.arange(sim.shape[0], device=sim.device).repeat_interleave(k)
    cols = top.reshape(-1)
    scores = []
    for s in range(0, rows.numel(), chunk):
        r, c = rows[s:s + chunk], cols[s:s + chunk]
        ii, tt = (r, c) if q_is_image else (c, r)
        scores.append(model.itm_logits(txt_tok[tt], txt_mask[tt], img_tok[ii])[:, 1])
    out[rows, cols] = torch.cat(scores)
    return out


def distinct_texts(pairs: Sequence[Pair]):
    seen, texts, ids = set(), [], []
    for p in pairs:
        if (p.concept, p.caption) not in seen:
            seen.add((p.concept, p.caption))
            texts.append(p.caption)
            ids.append(p.concept)
    return texts, ids


@torch.no_grad()
def evaluate_pairs(model: ALBEF, tok: Tokenizer, pairs: Sequence[Pair], k_test: int = 16,
                   images: torch.Tensor | None = None, itm: bool = True) -> Dict:
    t0 = time.time()
    if images is None:
        images = load_eval_images(list(pairs), model.config.image_res)
    texts, tids = distinct_texts(pairs)
    img_tok, img_emb, txt_tok, txt_mask, txt_emb = embed_all(model, tok, images, texts)
    concept = {c: i for i, c in enumerate(sorted({p.concept for p in pairs}))}
    iv = torch.tensor([concept[p.concept] for p in pairs], device=img_emb.device)
    tv = torch.tensor([concept[c] for c in tids], device=img_emb.device)
    match = iv[:, None] == tv[None, :]
    sim = img_emb @ txt_emb.t()
    res = {"images": len(pairs), "texts": len(texts),
           # mean pairwise cosine within each modality: near 1.0 means the embeddings have collapsed
           "spread": {"image_cos": round((img_emb.mean(0).norm() ** 2).item(), 4),
                      "text_cos": round((txt_emb.mean(0).norm() ** 2).item(), 4)},
           "itc": {"i2t": recall_at(sim, match), "t2i": recall_at(sim.t(), match.t())}}
    if itm:
        res["itm"] = {
            "k_test": k_test,
            "i2t": recall_at(itm_rerank(model, sim, True, img_tok, txt_tok, txt_mask, k_test), match),
            "t2i": recall_at(itm_rerank(model, sim.t(), False, img_tok, txt_tok, txt_mask, k_test), match.t()),
        }
    res["seconds"] = round(time.time() - t0, 1)
    return res


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="R@1/5/10 of an ALBEF checkpoint on JSONL manifests")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--manifest", nargs="+", required=True)
    ap.add_argument("--k-test", type=int, default=16)
    ap.add_argument("--no-itm", action="store_true")
    ap.add_argument("--keep-flags", action="store_true", help="keep group == flags rows (dropped by default)")
    ap.add_argument("--out")
    ap.add_argument("--device", default="cpu", help="torch device, e.g. cuda")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    model = load_checkpoint_model(args.checkpoint, args.device)
    tok = Tokenizer.from_file(args.vocab, max_length=min(30, model.config.max_position_embeddings))
    report = {"checkpoint": os.path.abspath(args.checkpoint), "results": {}}
    for m in args.manifest:
        pairs = read_manifest(m, drop_groups=() if args.keep_flags else ("flags",))
        report["results"][os.path.basename(m)] = evaluate_pairs(model, tok, pairs, args.k_test, itm=not args.no_itm)
        print(json.dumps({os.path.basename(m): report["results"][os.path.basename(m)]}), file=sys.stderr)
    text = json.dumps(report, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
