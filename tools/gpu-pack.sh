#!/usr/bin/env bash
# Packs .gpu/ for the device machine: ../shared/gpu/pack.sh, then trims what the 64 MiB transfer limit cannot
# afford (byte-buddy, Jackson 2 — the engine uses Jackson 3) and re-links the runtime with java.net.http
# (bench serve's client). Run from the project root; then carry [".gpu"] and run
#   bash .gpu/run.sh io.ossserve.cli.EngineMain ...   or   bash cuda-kernels/gpu-check.sh   or   bash tools/oracle/oracle-check.sh
set -euo pipefail
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
bash ../shared/gpu/pack.sh "$@"
rm -f .gpu/lib/byte-buddy-*.jar .gpu/lib/jackson-core-2*.jar .gpu/lib/jackson-databind-2*.jar
tmp=$(mktemp -d)
"$J"/bin/jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.incubator.vector,jdk.crypto.ec,java.net.http \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$tmp/jre" 2>/dev/null
tar czf .gpu/jre.tgz -C "$tmp" jre && rm -rf "$tmp"
du -sh .gpu
