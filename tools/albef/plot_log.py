"""Plot per-step training losses (RUN/log.jsonl written by tools/albef/train.py) to a PNG.

    /usr/bin/python3 -m tools.albef.plot_log --log data/train/RUN/log.jsonl --out docs/default-model-loss.png
"""
from __future__ import annotations

import argparse
import json
from typing import Dict, List


def read_log(path: str) -> List[Dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    # A resumed run appends; keep the last record of each step.
    by_step = {r["step"]: r for r in rows}
    return [by_step[s] for s in sorted(by_step)]


def smooth(values: List[float], window: int) -> List[float]:
    out, acc = [], 0.0
    for i, v in enumerate(values):
        acc += v
        if i >= window:
            acc -= values[i - window]
        out.append(acc / min(i + 1, window))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--window", type=int, default=50, help="moving-average window (steps)")
    ap.add_argument("--eval", help="RUN/eval.jsonl: adds a panel of ITC R@10 over steps")
    a = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_log(a.log)
    steps = [r["step"] for r in rows]
    evals = read_log(a.eval) if a.eval else []
    fig, axes = plt.subplots(1, 4 if evals else 3, figsize=(17 if evals else 13, 3.6))
    for ax, key, title in zip(axes, ("itc", "itm", "mlm"), ("ITC (with MoD)", "ITM (hard negatives)", "MLM (with MoD)")):
        vals = [r.get(key, float("nan")) for r in rows]
        ax.plot(steps, vals, color="#bbbbbb", linewidth=0.5, label="per step")
        ax.plot(steps, smooth(vals, a.window), color="#1f5fa8", linewidth=1.5, label=f"mean of {a.window}")
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8)
    if evals:
        ax = axes[3]
        names = [k for k in evals[0] if isinstance(evals[0][k], dict)]
        for name in names:
            for d, style in (("i2t", "-"), ("t2i", "--")):
                ax.plot([e["step"] for e in evals], [e[name][d]["R@10"] for e in evals], style, marker=".",
                        label=f"{name.replace('.jsonl', '').replace('test_', '')} {d}")
        ax.set_title("ITC R@10 (%) during training")
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print(f"wrote {a.out} ({len(rows)} steps)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
