"""Trainer end to end on a made-up manifest: official checkpoint layout, per-step log, resume, evaluation."""
import json

import torch
from PIL import Image

from tools.albef import evaluate, train

TINY = ["--res", "32", "--patch", "16", "--vw", "32", "--vd", "1", "--vh", "2", "--tw", "32", "--tl", "2",
        "--fl", "1", "--th", "2", "--ti", "64", "--embed-dim", "16", "--max-pos", "24", "--batch", "4",
        "--queue", "8", "--warmup", "2", "--vocab-target", "200"]


def _manifest(tmp_path):
    (tmp_path / "img").mkdir()
    colours = {"red apple": (220, 20, 20), "green apple": (20, 200, 20), "blue heart": (20, 20, 220),
               "yellow star": (230, 220, 10), "black cat": (10, 10, 10), "white cloud": (250, 250, 250)}
    rows = []
    for i, (cap, col) in enumerate(colours.items()):
        for style in range(2):
            name = f"img/{i}-{style}.png"
            Image.new("RGB", (40, 40), tuple(max(0, c - 30 * style) for c in col)).save(tmp_path / name)
            rows.append({"image": name, "caption": cap, "caption_tags": cap.split()[0], "id": f"c{i}",
                         "style": f"s{style}", "group": "g"})
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_training_writes_official_layout_checkpoint_and_log_then_resumes(tmp_path):
    manifest = _manifest(tmp_path)
    run = str(tmp_path / "run")
    assert train.main(["--run", run, "--train", manifest, "--epochs", "2", "--max-steps", "3",
                       "--emojibase", "", *TINY]) == 0
    ckpt = torch.load(f"{run}/checkpoint_last.pth", map_location="cpu")
    assert {"model", "optimizer", "config", "epoch", "step"} <= set(ckpt)
    assert ckpt["step"] == 3 and ckpt["config"]["vision_width"] == 32
    assert "visual_encoder.pos_embed" in ckpt["model"] and "mlm_head.bias" in ckpt["model"]
    log = [json.loads(x) for x in open(f"{run}/log.jsonl")]
    assert [r["step"] for r in log] == [1, 2, 3]
    assert all(k in log[0] for k in ("itc", "itm", "mlm", "loss", "lr", "alpha", "temp"))

    assert train.main(["--run", run, "--train", manifest, "--resume", "--emojibase", "", *TINY]) == 0
    ckpt = torch.load(f"{run}/checkpoint_last.pth", map_location="cpu")
    assert ckpt["step"] == 6  # 2 epochs × 3 full batches of 4 out of 12 pairs
    steps = [json.loads(x)["step"] for x in open(f"{run}/log.jsonl")]
    assert steps == [1, 2, 3, 4, 5, 6]

    out = tmp_path / "eval.json"
    assert evaluate.main(["--checkpoint", f"{run}/checkpoint_last.pth", "--vocab", f"{run}/vocab.txt",
                          "--manifest", manifest, "--k-test", "3", "--out", str(out)]) == 0
    res = json.loads(out.read_text())["results"]["m.jsonl"]
    assert res["images"] == 12 and res["texts"] == 6
    for mode in ("itc", "itm"):
        for d in ("i2t", "t2i"):
            r = res[mode][d]
            assert 0 <= r["R@1"] <= r["R@5"] <= r["R@10"] <= 100.0
        assert res[mode]["i2t"]["R@10"] == 100.0  # only 6 distinct texts: every image's top-10 holds its id



def test_training_with_loader_workers_and_shading_runs_the_same_schedule(tmp_path):
    manifest = _manifest(tmp_path)
    run = str(tmp_path / "run")
    assert train.main(["--run", run, "--train", manifest, "--epochs", "2", "--workers", "2", "--shading",
                       "--photometric", "--device", "cpu", "--emojibase", "", *TINY]) == 0
    steps = [json.loads(x)["step"] for x in open(f"{run}/log.jsonl")]
    assert steps == [1, 2, 3, 4, 5, 6]
    assert torch.load(f"{run}/checkpoint_last.pth", map_location="cpu")["epoch"] == 2
