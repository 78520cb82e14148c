#!/usr/bin/env bash
# Runs the tests that load a real Whisper model (pytest -m whisper) once per
# CTranslate2 CPU kernel choice. CTranslate2 picks its int8 kernels per CPU
# (Intel MKL on Intel, its own GEMM on AMD, and the instruction set on top), so
# Whisper's words on the same audio differ a little between machines; a test
# that passes only with this machine's kernels fails here on any machine:
#   CT2_USE_MKL=0 CT2_FORCE_CPU_ISA=AVX2     what an AMD CPU gets
#   CT2_USE_MKL=1 CT2_FORCE_CPU_ISA=AVX2     Intel MKL with AVX2
#   CT2_USE_MKL=1 CT2_FORCE_CPU_ISA=AVX512   Intel MKL with AVX-512 (a Xeon); only
#                                            where /proc/cpuinfo shows avx512f
# Same setup as scripts/test.sh (scripts/setup.sh --test, the project's .venv,
# offscreen Qt). The variables are exported, so every process the tests start
# inherits them (the tests build subprocess environments from os.environ); before
# each run a model is loaded with CT2_VERBOSE=1 and the run is refused unless
# CTranslate2 reports the ISA and MKL choice asked for.
# MKL on an AMD CPU is ~4x slower: the matrix takes 20-60 min on 2 cores.
# Prints one line per choice (passed/failed/skipped, duration) and exits non-zero
# if any choice failed. Pytest's own output and a JUnit XML per choice are kept in
# a temporary folder whose path is printed.
# Usage: scripts/kernel_matrix.sh [pytest args...]   e.g. -k phrases, -x, -rP
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test >/dev/null
export QT_QPA_PLATFORM=offscreen
py=.venv/bin/python

choices=("CT2_USE_MKL=0 CT2_FORCE_CPU_ISA=AVX2" "CT2_USE_MKL=1 CT2_FORCE_CPU_ISA=AVX2")
if grep -qw avx512f /proc/cpuinfo; then
  choices+=("CT2_USE_MKL=1 CT2_FORCE_CPU_ISA=AVX512")
else
  echo "kernel matrix: no avx512f in /proc/cpuinfo, skipping CT2_USE_MKL=1 CT2_FORCE_CPU_ISA=AVX512"
fi
model=$(.venv/bin/belcoach models path base)
logs=$(mktemp -d -t belcoach-kernel-matrix.XXXXXX)
echo "kernel matrix: pytest output and JUnit XML in $logs"

# What CTranslate2 really selects under a choice ("AVX2 false"): its log of a model load.
selected() {
  env $1 CT2_VERBOSE=1 "$py" -c '
import sys, ctranslate2
ctranslate2.models.Whisper(sys.argv[1], device="cpu", compute_type="int8", intra_threads=1)
' "$model" 2>&1 | sed -n -e 's/.*Selected ISA: \([A-Z0-9]*\).*/\1/p' -e 's/.*Use Intel MKL: \([a-z]*\).*/\1/p' \
    | paste -sd' '
}

# "passed failed skipped" from a JUnit XML file.
counts() {
  "$py" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

suite = ET.parse(sys.argv[1]).getroot()
suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
tests, failed = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))
skipped = int(suite.get("skipped", 0))
print(tests - failed - skipped, failed, skipped)
EOF
}

summary=()
status=0
for choice in "${choices[@]}"; do
  name=${choice//CT2_/}
  name=${name// /_}
  mkl=${choice#CT2_USE_MKL=}; mkl=${mkl%% *}
  isa=${choice##*=}
  want="$isa $([[ $mkl == 1 ]] && echo true || echo false)"
  got=$(selected "$choice")
  if [[ "$got" != "$want" ]]; then
    summary+=("$choice: REFUSED, CTranslate2 selected '${got:-nothing}' instead of '$want'")
    status=1
    continue
  fi
  echo "kernel matrix: $choice (CTranslate2: ISA $isa, MKL $([[ $mkl == 1 ]] && echo on || echo off))"
  start=$(date +%s)
  set +e
  env $choice "$py" -m pytest -m whisper -p no:cacheprovider --junitxml="$logs/$name.xml" "$@" \
    2>&1 | tee "$logs/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  took=$(($(date +%s) - start))
  if [[ -s "$logs/$name.xml" ]]; then
    read -r passed failed skipped < <(counts "$logs/$name.xml")
  else
    passed=0 failed=0 skipped=0
  fi
  line=$(printf '%s: %d passed, %d failed, %d skipped in %dm%02ds' \
    "$choice" "$passed" "$failed" "$skipped" $((took / 60)) $((took % 60)))
  if ((rc != 0)); then
    status=1
    ((rc == 5)) && line+=" (no tests ran)"
    ((rc != 1 && rc != 5)) && line+=" (pytest exit $rc)"
  fi
  summary+=("$line")
done

echo
echo "kernel matrix (pytest -m whisper $*):"
printf '  %s\n' "${summary[@]}"
exit "$status"
