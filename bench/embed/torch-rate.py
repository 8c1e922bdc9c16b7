"""PyTorch side of bench/embed: the same model, the same inputs, the same batch size and thread count.

Started by bench/embed/run.ts, which then asks for one timed batch at a time (JSON lines on stdin/stdout), so
that every PyTorch timing sits right next to the matching ONNX Runtime timing: on a shared machine the load
changes within seconds, and paired measurements keep the ratios honest (DESIGN §7).

    /usr/bin/python3 bench/embed/torch-rate.py REQUEST.json
REQUEST = {bundle, weights: "tiny" | "base-random" | {"checkpoint": PATH}, threads, batch, image_res,
           pixels: FILE.f32, count, ids: [[...]], gemm: N}
Commands (one JSON object per line): {"op": "vision"|"text", "batch": i} → {"seconds": s};
{"op": "gemm", "reps": r} → {"seconds": s}; {"op": "dump", "out": FILE} writes all embeddings; {"op": "quit"}.
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


@torch.no_grad()
def main():
    req = json.loads(Path(sys.argv[1]).read_text())
    torch.set_num_threads(req["threads"])
    model = build(req)
    R, n, bs = req["image_res"], req["count"], req["batch"]
    pixels = torch.from_numpy(np.fromfile(req["pixels"], dtype="<f4").reshape(n, 3, R, R))
    images = [pixels[i:i + bs] for i in range(0, n, bs)]
    texts = []
    seqs = req["ids"]
    for i in range(0, len(seqs), bs):
        chunk = seqs[i:i + bs]
        L = max(len(s) for s in chunk)
        ids = torch.zeros((len(chunk), L), dtype=torch.long)
        mask = torch.zeros((len(chunk), L), dtype=torch.long)
        for r, s in enumerate(chunk):
            ids[r, :len(s)] = torch.tensor(s)
            mask[r, :len(s)] = 1
        texts.append((ids, mask))
    N = req["gemm"]
    a, b = torch.randn(N, N), torch.randn(N, N)
    ops = {
        "vision": lambda i: model.image_embed(model.encode_image(images[i])),
        "text": lambda i: model.text_embed(model.encode_text(*texts[i])),
    }
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "quit":
            break
        if op == "dump":
            outs = [ops["vision"](i) for i in range(len(images))] + [ops["text"](i) for i in range(len(texts))]
            torch.cat(outs).numpy().astype("<f4").tofile(cmd["out"])
            print(json.dumps({"ok": True}), flush=True)
            continue
        t = time.perf_counter()
        if op == "gemm":
            for _ in range(cmd["reps"]):
                a @ b
        else:
            ops[op](cmd["batch"])
        print(json.dumps({"seconds": time.perf_counter() - t}), flush=True)


if __name__ == "__main__":
    main()
