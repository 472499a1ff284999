#!/usr/bin/env bash
# How aumtrain's default threads fare when another process keeps one core busy.
#
#   bench/threads_busy_core.sh [AUMTRAIN] [REPEATS]     (defaults: build/aumtrain, 5)
#
# Makes a 100,000 x 20 synthetic CSV and a config of one logistic run of 100 constant-step
# iterations (no plots), starts a process that spins on one core, and then runs, in turn,
# REPEATS times each:
#   default         aumtrain train as a user starts it (every core; idle threads sleep)
#   threads-1       the same with --threads 1
#   spinning-waits  the default with OMP_WAIT_POLICY=active, idle threads spinning as before
# Runs alternate (default, threads-1, spinning-waits, default, ...) so that drift in the
# machine's speed touches all three alike. It prints each run's wall seconds, then the medians
# and the ratio of each median to that of --threads 1. On a 2-core machine the default should be
# within 1.15x of --threads 1.
set -euo pipefail

aumtrain=$(realpath "${1:-build/aumtrain}")
repeats=${2:-5}
work=$(mktemp -d)
spinner=
cleanup() {
  [[ -n "$spinner" ]] && kill "$spinner" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cd "$work"
"$aumtrain" -q make-data --rows 1e5 --features 20 --positive-fraction 0.1 --seed 1 --output data.csv
cat >config.yaml <<'EOF'
name: busy
data: {path: data.csv, label: label}
split: {seeds: [1]}
train:
  losses: [{name: logistic}]
  step_sizes: [0.1]
  max_iterations: 100
output: {directory: out, plots: false}
EOF

# One core busy elsewhere for the whole measurement.
bash -c 'while :; do :; done' &
spinner=$!

seconds_of() {  # runs "$@" once, prints its wall seconds
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

declare -A runs
names=(default threads-1 spinning-waits)
"$aumtrain" -q train config.yaml --force >/dev/null  # warm-up: file cache, page tables
for ((r = 1; r <= repeats; ++r)); do
  runs[default]+="$(seconds_of "$aumtrain" -q train config.yaml --force) "
  runs[threads-1]+="$(seconds_of "$aumtrain" -q train config.yaml --force --threads 1) "
  runs[spinning-waits]+="$(seconds_of env OMP_WAIT_POLICY=active "$aumtrain" -q train config.yaml --force) "
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "machine: $(nproc) cores, one kept busy by another process; ${repeats} runs each, alternating"
echo "what            runs (wall s)                          median  vs --threads 1"
base=$(echo "${runs[threads-1]}" | median)
for name in "${names[@]}"; do
  m=$(echo "${runs[$name]}" | median)
  printf '%-15s %-38s %6.3f  %.2fx\n' "$name" "${runs[$name]}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN { print a / b }')"
done
