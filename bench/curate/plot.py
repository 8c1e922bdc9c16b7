"""Plots the simulated reviewer of bench/curate/run.ts: noisy pairs fixed vs pairs reviewed, per noise variant.

Usage: /usr/bin/python3 bench/curate/plot.py RESULTS.json OUT.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src: str, dst: str) -> None:
    report = json.load(open(src))
    results = report["results"]
    fig, axes = plt.subplots(1, len(results), figsize=(4.2 * len(results), 4), squeeze=False)
    for ax, r in zip(axes[0], results):
        stride = report.get("curveStride", 1)
        n = r["pairs"]
        xs = [min(i * stride, n) for i in range(len(r["random"]["curve"]))]
        ax.plot(xs, [min(x, r["noisy"]) for x in xs], color="#bbbbbb", lw=1, ls=":", label="perfect")
        for name, style, label in (
            ("ours", "-", "ours (learned weights)"),
            ("CL loss", "--", "CL loss"),
            ("cosine", "-.", "cosine"),
            ("fixed weights (previous rule)", ":", "fixed weights (previous rule)"),
        ):
            if name in r["methods"]:
                ax.plot(xs, r["methods"][name]["curve"], ls=style, lw=1.6, label=label)
        ax.plot(xs, r["random"]["curve"], color="#888888", lw=1.2, label="random order (seeded)")
        ax.set_title(f'{r["variant"]} ({r["noisy"]} of {r["pairs"]} noisy)', fontsize=10)
        ax.set_xlabel("pairs reviewed (queue order)")
        ax.set_ylabel("noisy pairs fixed")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.suptitle(f'Simulated review of the curation queue — bundle {report["bundle"]}', fontsize=11)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
