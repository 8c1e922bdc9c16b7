"""PyTorch side of bench/embed: the same model, the same inputs, the same batch size and thread count.

Reads the pixel batch and token ids the TypeScript runner wrote (so both sides embed identical inputs), times
the vision tower (+ projection) and the text tower (+ projection) after one warm-up batch, times a plain
float32 GEMM, and writes its embeddings so the runner can check parity on the same inputs.

    /usr/bin/python3 bench/embed/torch-rate.py REQUEST.json   (written by bench/embed/run.ts)
REQUEST = {bundle, weights: "tiny" | "base-random" | {"checkpoint": PATH}, threads, batch,
           pixels: FILE.f32, count, ids: [[...]], out: FILE.f32, gemm: N}
Prints one JSON line: {images_per_s, captions_per_s, gemm_gflops, seconds}.
"""
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.albef.model import ALBEF  # noqa: E402
from tools.albef.safetensors_io import read_safetensors  # noqa: E402


def build(req):
    weights = req["weights"]
    if isinstance(weights, dict):
        from tools.albef.evaluate import load_checkpoint_model

        model = load_checkpoint_model(weights["checkpoint"])
    else:
        from tools.albef.config import AlbefConfig
        from tools.albef.tiny_fixture import TINY_CONFIG, random_state_dict

        cfg = TINY_CONFIG if weights == "tiny" else AlbefConfig.base(req["image_res"])
        sd = {k: v for k, v in random_state_dict(cfg).items() if not k.endswith(("_queue", "queue_ptr"))}
        model = ALBEF(replace(cfg, queue_size=1, text_dropout=0.0))
        model.load_state_dict(sd, strict=False)
    model.eval()
    heads = read_safetensors(Path(req["bundle"]) / "heads.safetensors")
    for name in ("vision_proj.weight", "text_proj.weight"):
        if not np.array_equal(model.state_dict()[name].numpy(), heads[name]):
            raise SystemExit(f"{name}: PyTorch weights differ from the bundle's heads.safetensors")
    return model


def rate(fn, batches, warm_all=False):
    # Warm-up: PyTorch (oneDNN) pays a large first-call cost for every new input shape; text batches are
    # padded to their longest caption, so each distinct length is warmed once before timing (steady state).
    for b in batches if warm_all else batches[:1]:
        fn(b)
    t = time.perf_counter()
    outs = [fn(b) for b in batches]
    return time.perf_counter() - t, outs


@torch.no_grad()
def main():
    req = json.loads(Path(sys.argv[1]).read_text())
    torch.set_num_threads(req["threads"])
    model = build(req)
    R, n, bs = req["image_res"], req["count"], req["batch"]
    pixels = torch.from_numpy(np.fromfile(req["pixels"], dtype="<f4").reshape(n, 3, R, R))
    img_batches = [pixels[i:i + bs] for i in range(0, n, bs)]
    t_img, img_outs = rate(lambda b: model.image_embed(model.encode_image(b)), img_batches)

    seqs = req["ids"]
    txt_batches = []
    for i in range(0, len(seqs), bs):
        chunk = seqs[i:i + bs]
        L = max(len(s) for s in chunk)
        ids = torch.zeros((len(chunk), L), dtype=torch.long)
        mask = torch.zeros((len(chunk), L), dtype=torch.long)
        for r, s in enumerate(chunk):
            ids[r, :len(s)] = torch.tensor(s)
            mask[r, :len(s)] = 1
        txt_batches.append((ids, mask))
    t_txt, txt_outs = rate(lambda b: model.text_embed(model.encode_text(*b)), txt_batches, warm_all=True)

    N = req["gemm"]
    a, b = torch.randn(N, N), torch.randn(N, N)
    a @ b
    reps = req.get("gemm_reps", 10)
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    t_gemm = time.perf_counter() - t

    np.concatenate([torch.cat(img_outs).numpy(), torch.cat(txt_outs).numpy()]).astype("<f4").tofile(req["out"])
    print(json.dumps({
        "images_per_s": n / t_img,
        "captions_per_s": len(seqs) / t_txt,
        "gemm_gflops": 2 * N ** 3 * reps / t_gemm / 1e9,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
