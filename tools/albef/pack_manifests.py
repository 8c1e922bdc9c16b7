"""Copy manifests and the images they name into one compact folder (WebP), for a machine the data folder
cannot travel to in full (the lent GPU machine takes 64 MiB; data/emoji is ~210 MB of PNG).

    /usr/bin/python3 -m tools.albef.pack_manifests --out .gpu/emoji --lossy data/emoji/train_plus.jsonl \
        --lossless data/emoji/test_fluent_seen.jsonl data/emoji/test_fluent_novel.jsonl

Training images go lossy (WebP q90: mean |Δ| about 1/255, far below the photometric jitter they get anyway),
test images lossless, so evaluation sees the same pixels as on this machine. Rows keep every field; only
"image" is rewritten. Images already packed are not redone.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil

from PIL import Image


def pack(manifest: str, out: str, lossless: bool, quality: int = 90) -> int:
    src_base = os.path.dirname(os.path.abspath(manifest))
    rows = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            stem, ext = os.path.splitext(r["image"])
            src = os.path.join(src_base, r["image"])
            # a lossless copy of an already compressed source (the GCompris photos) keeps its bytes
            copy = lossless and ext.lower() in (".webp", ".jpg", ".jpeg")
            rel = stem + (ext if copy else ".webp" if lossless else f".q{quality}.webp")
            dst = os.path.join(out, rel)
            if not os.path.exists(dst):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                if copy:
                    shutil.copyfile(src, dst)
                elif lossless:
                    Image.open(src).save(dst, "WEBP", lossless=True, method=6)
                else:
                    Image.open(src).save(dst, "WEBP", quality=quality, method=6)
            r["image"] = rel
            rows.append(json.dumps(r, ensure_ascii=False))
    with open(os.path.join(out, os.path.basename(manifest)), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    return len(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--lossy", nargs="*", default=[])
    ap.add_argument("--lossless", nargs="*", default=[])
    ap.add_argument("--quality", type=int, default=90, help="WebP quality of the lossy images")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for m in a.lossy:
        print(m, pack(m, a.out, False, a.quality), "rows (lossy)")
    for m in a.lossless:
        print(m, pack(m, a.out, True), "rows (lossless)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
