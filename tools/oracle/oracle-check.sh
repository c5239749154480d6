#!/usr/bin/env bash
# Issue 2's transformers oracle, run on the GPU machine (it has PyTorch + transformers, no Java: carry .gpu).
# Before: bash tools/gpu-pack.sh      Device call: bash tools/oracle/oracle-check.sh   (logs under $OUT)
# For `tiny` (window 16) and a copy whose sliding window is 5, both with a 40-token prompt (longer than either
# window): our CPU engine's teacher-forced logits and 8 greedy tokens vs transformers (transformers_compare.py).
# Then, if GPU_TESTS_S is set (seconds), the gpu-tagged JUnit tests for that long.
set -uo pipefail
OUT=${OUT:-/tmp/oracle-check}
mkdir -p "$OUT"
[ -x .gpu/run.sh ] || { echo "oracle-check: no .gpu/ here; run tools/gpu-pack.sh first and carry .gpu" >&2; exit 2; }
export PYTHONUNBUFFERED=1
start=$(date +%s)
work=${TMPDIR:-/tmp}/oracle
rm -rf "$work" && mkdir -p "$work"
prompt=$(python3 -c "import random; r=random.Random(11); print(','.join(str(r.randrange(0, 199998)) for _ in range(40)))")
bash .gpu/run.sh io.ossserve.cli.EngineMain model create-random --preset tiny --seed 7 --out "$work/tiny" 2>&1 | tail -2
cp -r "$work/tiny" "$work/window5"
python3 - "$work/window5/config.json" <<'EOF'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c["sliding_window"] = 5; json.dump(c, open(p, "w"), indent=1)
EOF
rc=0
for m in tiny window5; do
  echo "=== $m ==="
  bash .gpu/run.sh io.ossserve.cli.EngineMain generate --model "$work/$m" --tokens "$prompt" --max-tokens 8 \
    --logits-out "$work/$m.logits.safetensors" > "$work/$m.gen.txt" 2> "$OUT/$m.gen.err"
  cat "$work/$m.gen.txt"
  ours=$(sed -n 's/^tokens: //p' "$work/$m.gen.txt")
  [ -n "$ours" ] || { echo "generate failed:"; tail -5 "$OUT/$m.gen.err"; rc=1; continue; }
  timeout 240 python3 tools/oracle/transformers_compare.py "$work/$m" "$work/$m.logits.safetensors" "$prompt" "$ours" \
    --json "$OUT/oracle-$m.json" 2>&1 | grep -v -E "Warning|warn\(" | tee "$OUT/oracle-$m.log"
  [ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
echo "oracle done in $(( $(date +%s) - start )) s, rc=$rc"
if [ -n "${GPU_TESTS_S:-}" ]; then
  timeout "$GPU_TESTS_S" bash .gpu/run.sh --tests --include-tag gpu --include-package io.ossserve.engine > "$OUT/gpu-tests.log" 2>&1
  echo "gpu tests rc=$?"; grep -E "tests (successful|failed|aborted|skipped)|✘" "$OUT/gpu-tests.log" | head -20
fi
exit $rc
