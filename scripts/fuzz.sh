#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang in build-fuzz/ and runs each for SECONDS
# (default 30), one after the other.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 config_loader_fuzz
# Each target starts from its seeds (fuzz/corpus/TARGET/, never written to) plus what earlier runs
# kept in build-fuzz/corpus/TARGET/ (delete that folder to start afresh). It prints a line per
# target and exits non-zero if any target found something: a crash, a sanitizer report, an
# escaped exception, a violated invariant, a hang (> 10 s) or an input using more than 2 GiB.
# The input that did it is saved as build-fuzz/findings/TARGET-KIND-HASH; the target's log is
# build-fuzz/logs/TARGET.log. To replay a finding: build-fuzz/fuzz/TARGET FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]} > 0)) || targets=(csv_loader_fuzz config_loader_fuzz aum_kernel_fuzz line_search_fuzz
                                  model_file_fuzz)

build=build-fuzz
cmake -S . -B "$build" --log-level=WARNING -DCMAKE_CXX_COMPILER=clang++ -DAUMTRAIN_FUZZ=ON
cmake --build "$build" -j2 --target "${targets[@]}"
mkdir -p "$build/findings" "$build/logs"

passed=0
failed=0
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  log="$build/logs/$target.log"
  mkdir -p "$corpus"
  cp "fuzz/corpus/$target"/* "$corpus"/
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$build/findings/$target-")
  [[ -f "fuzz/$target.dict" ]] && options+=(-dict="fuzz/$target.dict")
  status=0
  "$build/fuzz/$target" "${options[@]}" "$corpus" > "$log" 2>&1 || status=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  progress=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  coverage=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+).*/cov \1, ft \2/p' <<< "$progress")
  inputs=$(ls "$corpus" | wc -l)
  summary="$target: ${seconds} s, ${runs:-?} runs, ${coverage:-cov ?}, corpus $inputs inputs"
  if ((status == 0)); then
    echo "$summary: no findings"
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "$summary: FINDING (exit $status), log $log"
    grep -E '^(finding:|==[0-9]+==ERROR|SUMMARY:|.*runtime error:)' "$log" | head -5 | sed 's/^/  /' || true
    sed -n "s|.*Test unit written to |  replay: $build/fuzz/$target |p" "$log"
  fi
done
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
