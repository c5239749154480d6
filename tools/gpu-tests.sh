#!/usr/bin/env bash
# The gpu-tagged JUnit tests one class at a time, each test bounded by a timeout, with events printed as they
# happen (so a slow or hung test shows by name). Device machine, from the project root, .gpu carried.
#   bash tools/gpu-tests.sh [SECONDS_PER_TEST]       logs under $OUT
set -uo pipefail
OUT=${OUT:-/tmp/gpu-tests}
mkdir -p "$OUT"
per=${1:-60}
bash .gpu/run.sh io.ossserve.cli.EngineMain --version >/dev/null 2>&1     # unpacks the runtime
jre=${TMPDIR:-/tmp}/ossserve-jre
g=.gpu
cp="$g/test-classes:$g/classes$(printf ':%s' "$g"/lib/*.jar)"
for cls in io.ossserve.engine.cuda.CudaKernelsGpuTest io.ossserve.engine.cuda.CudaBackendGpuTest; do
  echo "=== $cls ($(date +%T))"
  timeout $((per * 9)) "$jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m \
    -jar "$g"/tools/junit-platform-console-standalone-*.jar execute --class-path "$cp" --select-class "$cls" \
    --details=verbose --disable-banner --disable-ansi-colors \
    --config=junit.jupiter.execution.timeout.default=${per}s 2>&1 | tee "$OUT/${cls##*.}.log" \
    | grep -E "^(├|└|│)?.*(✔|✘|↷)|Test(Identifier|Execution)|tests (successful|failed|skipped|aborted)|Exception|expected|timed out" | head -60
done
