#!/usr/bin/env bash
# Builds cuda-kernels/kernels.cu into one fatbin: cubins for every architecture among sm_80, sm_86,
# sm_89, sm_90a, sm_100a, sm_120a that this nvcc supports, plus compute_90 PTX (JIT for newer GPUs).
# Writes OUT_DIR/kernels.fatbin and OUT_DIR/kernels.properties (archs, nvcc version) for the backend.
#   usage: build-fatbin.sh NVCC OUT_DIR
set -euo pipefail
nvcc=${1:?nvcc path}
out=${2:?output directory}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
codes=" $("$nvcc" --list-gpu-code | tr '\n' ' ') "
gencode=()
archs=()
for a in sm_80 sm_86 sm_89 sm_90a sm_100a sm_120a; do
  base=${a%a}
  if [[ "$codes" == *" $base "* ]]; then
    gencode+=("-gencode=arch=compute_${a#sm_},code=$a")
    archs+=("$a")
  fi
done
if [[ "$codes" == *" sm_90 "* ]]; then
  gencode+=("-gencode=arch=compute_90,code=compute_90")
  ptx=compute_90
else
  ptx=
fi
[ ${#archs[@]} -gt 0 ] || { echo "build-fatbin.sh: $nvcc supports none of the target architectures" >&2; exit 1; }
t0=$(date +%s)
"$nvcc" -fatbin -O3 -std=c++17 --threads "${NVCC_THREADS:-2}" "${gencode[@]}" \
  -o "$out/kernels.fatbin" "$here/kernels.cu"
t1=$(date +%s)
version=$("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')
{
  echo "archs=$(IFS=,; echo "${archs[*]}")"
  echo "ptx=$ptx"
  echo "nvcc=$version"
} > "$out/kernels.properties"
echo "build-fatbin.sh: ${archs[*]} ${ptx} in $((t1 - t0)) s -> $out/kernels.fatbin ($(stat -c %s "$out/kernels.fatbin") bytes)"
