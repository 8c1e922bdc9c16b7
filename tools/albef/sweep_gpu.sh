#!/usr/bin/env bash
# Training configurations of the default model side by side on one lent GPU (the device tool), each then
# evaluated on the held-out Fluent 3D style and the GCompris photos; run from the repository root there:
#   tools/albef/sweep_gpu.sh            (reads .gpu/, made by tools/albef/pack_manifests.py; writes $OUT)
# SMOKE=1 DEVICE=cpu runs every configuration for 3 steps here, to catch a broken command before GPU time
# is spent. Why: on this project's 2-core machines one configuration costs 90 minutes, so choosing sizes,
# data and learning rate by trying them is only possible on the GPU; the winner's figures are then
# reproduced with the same command on the CPU (docs/default-model.md).
set -u
OUT=${OUT:-/tmp/sweep-out}; mkdir -p "$OUT"
DEVICE=${DEVICE:-cuda}; LIMIT=${LIMIT:-420}; PY=${PY:-python3}
G=.gpu; R=/tmp/sweep; mkdir -p $R
export PYTHONUNBUFFERED=1
if [ "$DEVICE" = cuda ]; then
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  mount -o remount,size=32G /dev/shm 2>/dev/null; df -h /dev/shm | tail -1
fi
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
# .gpu/images.tgz: the packed images as one file (the transfer counts files by their disk blocks)
[ -f $G/images.tgz ] && [ ! -d $G/emoji/images ] && tar xzf $G/images.tgz -C $G/emoji
PLUS2=$G/emoji/train_plus2.jsonl
# train_plus is the first 10983 lines of train_plus2 (build-extra-styles.ts appends the new style)
[ -f $G/emoji/train_plus.jsonl ] || head -n 10983 $PLUS2 > $G/emoji/train_plus.jsonl
TESTS="$G/emoji/test_fluent_seen.jsonl $G/emoji/test_fluent_novel.jsonl"
[ -f $G/gcompris/emoji_zeroshot.jsonl ] && TESTS="$TESTS $G/gcompris/emoji_zeroshot.jsonl"
SMALL="--res 96 --patch 16 --vw 128 --vd 4 --vh 2 --tw 128 --tl 5 --fl 3 --th 2 --ti 512 --embed-dim 128"
W192="--res 96 --patch 16 --vw 192 --vd 4 --vh 3 --tw 192 --tl 5 --fl 3 --th 3 --ti 768 --embed-dim 192"
R128="--res 128 --patch 16 --vw 128 --vd 4 --vh 2 --tw 128 --tl 5 --fl 3 --th 2 --ti 512 --embed-dim 128"
B128="--batch 128 --queue 4096 --lr 1.6e-3 --warmup 40 --min-lr 1e-5 --mlm-rows 64 --momentum-warmup 144 --queue-warmup 144"
EXTRA=""; [ "${SMOKE:-0}" = 1 ] && EXTRA="--max-steps 3"
run() {  # name manifest epochs flags...
  local name=$1 manifest=$2 epochs=$3; shift 3
  case " ${ONLY:-$name} " in *" $name "*) ;; *) return ;; esac  # ONLY="a b": just those configurations
  timeout -s INT "$LIMIT" $PY -m tools.albef.train --run $R/$name --train "$manifest" --vocab $G/vocab.txt \
    --epochs "$epochs" --photometric --device "$DEVICE" --workers 2 --threads 1 --ckpt-minutes 1 \
    "$@" $EXTRA >$R/$name.log 2>&1
  echo "$name: exit $? after $(tail -c 300 $R/$name/log.jsonl 2>/dev/null | tail -1 | cut -c1-60)"
}
T0=$(date +%s)
run b128 $G/emoji/train_plus.jsonl 58 $SMALL $B128 &
run b128-s $PLUS2 58 $SMALL $B128 &
run b128-s-lr8 $PLUS2 58 $SMALL $B128 --lr 8e-4 &
run b128-s-w192 $PLUS2 28 $W192 $B128 &
run b128-s-r128 $PLUS2 39 $R128 $B128 &
run b128-s-2x $PLUS2 116 $SMALL $B128 &
wait
echo "training wall $(( $(date +%s) - T0 )) s"
for d in $R/*/; do
  n=$(basename $d)
  [ -f $d/checkpoint_last.pth ] || { echo "$n: no checkpoint"; tail -5 $R/$n.log; continue; }
  $PY -m tools.albef.evaluate --device "$DEVICE" --checkpoint $d/checkpoint_last.pth --vocab $G/vocab.txt \
    --manifest $TESTS \
    --k-test 16 --out $d/final_eval.json >/dev/null 2>$R/$n.eval.log &
done
wait
# Ranking by seen text→image R@10 (ITC); the best four come back as slim checkpoints (no momentum copies,
# queues or optimizer: what the exporter reads), everything else as one archive of logs and evaluations.
$PY - "$R" "$OUT" <<'PY'
import glob, json, os, sys, torch
R, OUT = sys.argv[1:3]
rows = []
for f in glob.glob(f"{R}/*/final_eval.json"):
    name = os.path.basename(os.path.dirname(f)); res = json.load(open(f))["results"]
    ck = torch.load(f"{R}/{name}/checkpoint_last.pth", map_location="cpu", weights_only=False)
    s, n = res["test_fluent_seen.jsonl"], res["test_fluent_novel.jsonl"]
    g = res.get("emoji_zeroshot.jsonl", {"itc": {"i2t": {"R@10": "-"}}, "itm": {"i2t": {"R@10": "-"}}})
    rows.append((s["itc"]["t2i"]["R@10"], name, ck["step"], round(ck["wall"]), s["itc"]["i2t"]["R@10"],
                 s["itm"]["t2i"]["R@10"], n["itc"]["t2i"]["R@10"], g["itc"]["i2t"]["R@10"], g["itm"]["i2t"]["R@10"]))
rows.sort(reverse=True)
print("seenT2I@10 name step wall_s seenI2T@10 seenT2I@10(ITM) novelT2I@10 gcomprisI2T@10 gcomprisI2T@10(ITM)")
for r in rows: print(*r)
for r in rows[:4]:
    ck = torch.load(f"{R}/{r[1]}/checkpoint_last.pth", map_location="cpu", weights_only=False)
    sd = {k: v for k, v in ck["model"].items() if not (k.endswith("_m") or "_m." in k or "queue" in k)}
    if sum(v.numel() * 4 for v in sd.values()) > 15.5e6:
        sd = {k: v.half() if v.is_floating_point() else v for k, v in sd.items()}
    torch.save({"model": sd, "config": ck["config"], "step": ck["step"], "epoch": ck["epoch"], "wall": ck["wall"],
                "plan": ck["plan"]}, f"{OUT}/{r[1]}.slim.pth")
PY
tar czf "$OUT/sweep-logs.tgz" -C $R --exclude='*.pth' .
ls -la "$OUT"
