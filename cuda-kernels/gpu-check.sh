#!/usr/bin/env bash
# The prepared GPU check of issue 6, run on the device machine from the repository root.
# Before the device call (on the build machine):   bash tools/gpu-pack.sh     (builds with nvcc, packs .gpu)
# Device call:   bash cuda-kernels/gpu-check.sh      (carry .gpu; logs go to $OUT)
#   1. gpu-tagged JUnit tests: every kernel vs host references, end to end vs the CPU engine
#   2. compute-sanitizer memcheck over the kernel tests (when the tool exists)
#   3. bench engine --backend cuda --preset 20b --synthetic (CLI; falls back to CudaBench when not wired)
# Prints a short summary last.
set -uo pipefail
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
[ -x .gpu/run.sh ] || { echo "gpu-check: no .gpu/ here; run tools/gpu-pack.sh first and carry .gpu" >&2; exit 2; }
start=$(date +%s)
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)

timeout 330 bash .gpu/run.sh --tests --include-tag gpu --include-package io.ossserve.engine > "$OUT/gpu-tests.log" 2>&1
tests_rc=$?

sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
if [ -n "$sanitizer" ]; then
  timeout 150 "$sanitizer" --tool memcheck --target-processes all --error-exitcode 9 \
    bash .gpu/run.sh --tests --include-tag gpu --include-package io.ossserve.engine --select-class io.ossserve.engine.cuda.CudaKernelsGpuTest \
    > "$OUT/memcheck.log" 2>&1
  memcheck_rc=$?
else
  memcheck_rc=na
  echo "compute-sanitizer not found" > "$OUT/memcheck.log"
fi

timeout 150 bash .gpu/run.sh io.ossserve.cli.EngineMain bench engine --backend cuda --preset 20b --synthetic \
  > "$OUT/bench-cli.log" 2>&1
bench_rc=$?
if [ $bench_rc -ne 0 ]; then
  timeout 120 bash .gpu/run.sh io.ossserve.engine.cuda.CudaBench 20b 1 128 96 > "$OUT/bench.log" 2>&1
  bench_rc="cli=$bench_rc direct=$?"
fi

echo "================ gpu-check summary ($(( $(date +%s) - start )) s) ================"
echo "gpu: $gpu"
echo "gpu tests rc=$tests_rc:"; grep -E "tests (successful|failed|aborted|skipped)" "$OUT/gpu-tests.log" | sed 's/^/  /'
grep -E "✘|MethodSource|Assumption failed|expected|Expecting" "$OUT/gpu-tests.log" | head -20 | sed 's/^/  /'
echo "memcheck rc=$memcheck_rc:"; grep -E "ERROR SUMMARY|Error|error" "$OUT/memcheck.log" | tail -4 | sed 's/^/  /'
echo "bench rc=$bench_rc:"; cat "$OUT"/bench*.log | grep -vE "^gpu: " | tail -28 | sed 's/^/  /'
