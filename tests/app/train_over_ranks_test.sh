#!/usr/bin/env bash
# `aumtrain train|compare` under mpirun in runs-parallel mode, against the one-process run.
#
#   train_over_ranks_test.sh AUMTRAIN MPIRUN SOURCE_DIR CASE
#
# CASE is one of:
#   identical  a small grid without mpirun and with -np 1, 2 and 3: comparison.csv, splits.csv,
#              every models/*.json and learning_curves.csv and runs.csv (without their timing
#              rows and column) are the same bytes
#   bad-cell   'abc' in a feature column: exit code 3 for every P, one error line naming
#              file:line:column, and no run directory or staging folder left
#   interrupt  SIGINT to mpirun, and SIGINT to the ranks themselves, while the main job runs:
#              a committed run directory with interrupted cells, as the one process leaves
#
# Prints what differs and exits 1 on the first failure. ctest gives each case a timeout, so a
# rank that hangs fails the test.
set -u

aumtrain=$1
mpirun=$2
source_dir=$3
case_name=$4

# OpenMPI refuses to start as root without these; more ranks than cores need --oversubscribe.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The aumtrain command line for P ranks; P = 0 runs it without mpirun.
launch() {
  local ranks=$1
  shift
  if [[ $ranks == 0 ]]; then
    "$aumtrain" "$@"
  else
    "$mpirun" -np "$ranks" --oversubscribe "$aumtrain" "$@"
  fi
}

# Two seeds, two losses, both optimizers (three step sizes), few iterations.
write_small_config() {
  cat >"$work/small.yaml" <<EOF
name: small
data: {path: $source_dir/datasets/sonar.csv, label: label, positive_label: "1"}
split: {positive_fraction: [null, 0.1], seeds: [1, 2]}
train:
  losses: [{name: aum, denominator: rate}, {name: logistic}]
  optimizers:
    - {name: constant, step_sizes: [0.01, 0.1, 1]}
    - {name: line_search, max_iterations: 20}
  max_iterations: 40
output: {directory: out, plots: false}
EOF
}

# The files of a run directory with the timings taken out: learning_curves.csv's "model,seconds"
# rows and runs.csv's seconds column (the 12th). Nothing else in them is a time.
comparable_files() {
  local run=$1 out=$2
  mkdir -p "$out/models"
  cp "$run/comparison.csv" "$run/splits.csv" "$out/" || fail "$run lacks a result file"
  cp "$run"/models/*.json "$out/models/" || fail "$run has no models"
  grep -v ',model,seconds,' "$run/learning_curves.csv" >"$out/learning_curves.csv"
  cut -d, -f12 --complement "$run/runs.csv" >"$out/runs.csv"
}

case_identical() {
  write_small_config
  local ranks
  for ranks in 0 1 2 3; do
    launch "$ranks" -q train "$work/small.yaml" --set train.parallel=runs \
      --output "$work/run$ranks" >"$work/out$ranks" 2>"$work/err$ranks"
    local code=$?
    [[ $code == 0 ]] || fail "P=$ranks exited with $code: $(cat "$work/err$ranks")"
    comparable_files "$work/run$ranks" "$work/cmp$ranks"
  done
  [[ $(find "$work/cmp0/models" -name "*.json" | wc -l) -eq 16 ]] || fail "expected 16 model files"
  for ranks in 1 2 3; do
    diff -r "$work/cmp0" "$work/cmp$ranks" >"$work/diff$ranks" ||
      fail "P=$ranks differs from one process: $(head -20 "$work/diff$ranks")"
    # The timings were all that was taken out: the rows and columns are the same.
    local rows0 rows
    rows0=$(wc -l <"$work/run0/learning_curves.csv")
    rows=$(wc -l <"$work/run$ranks/learning_curves.csv")
    [[ $rows0 == "$rows" ]] || fail "P=$ranks: learning_curves.csv has $rows rows, not $rows0"
    grep -q '"ranks": '"$ranks" "$work/run$ranks/run_info.json" || [[ $ranks == 1 ]] ||
      fail "P=$ranks: run_info.json does not give the ranks"
  done
  # Ranks > 0 log nothing but warnings and errors; the comparison table is printed once.
  local tables
  tables=$(grep -c 'Test AUC of the model selected' "$work/out3")
  [[ $tables == 1 ]] || fail "P=3 printed the comparison table $tables times"
  echo "identical results without mpirun and with 1, 2 and 3 ranks"
}

case_bad_cell() {
  write_small_config
  # Row 3 of the data (line 4), first column: abc.
  sed '4s/^[^,]*,/abc,/' "$source_dir/datasets/sonar.csv" >"$work/bad.csv"
  local ranks
  for ranks in 0 1 2 3; do
    mkdir "$work/p$ranks"
    (cd "$work/p$ranks" && launch "$ranks" train "$work/small.yaml" \
      --set data.path="$work/bad.csv" --output run >out 2>err)
    local code=$?
    local err="$work/p$ranks/err"
    [[ $code == 3 ]] || fail "P=$ranks exited with $code, not 3: $(cat "$err")"
    [[ $(grep -c '^error: ' "$err") == 1 ]] || fail "P=$ranks: not one error line: $(cat "$err")"
    grep -q "^error: .*$work/bad.csv:4:1: column 'V1': 'abc' is not a number" "$err" ||
      fail "P=$ranks: the error does not name bad.csv:4:1: $(cat "$err")"
    if [[ $ranks -ge 2 ]]; then
      grep -q '^error: rank 0: ' "$err" || fail "P=$ranks: the error does not name its rank"
    fi
    [[ $(ls -A "$work/p$ranks") == $'err\nout' ]] ||
      fail "P=$ranks left something behind: $(ls -A "$work/p$ranks")"
  done
  echo "a bad cell: exit code 3, one error line and no run directory, for every P"
}

# Starts the main job (no plots, ten times the iterations, so that it runs for half a minute or
# more) in folder $1 with P = $2 ranks, waits for its first finished split, sends SIGINT to
# `target` ($3: mpirun, ranks or process) and checks what it leaves. Sets `code` to the exit
# code.
interrupt_run() {
  local folder=$1 ranks=$2 target=$3
  mkdir "$folder"
  cd "$folder" || fail "cannot enter $folder"
  # mpirun answers SIGINT with SIGTERM to the ranks and SIGKILL this many seconds later: more
  # than its default of 1 s, for a busy machine.
  local mca=()
  [[ $ranks != 0 ]] && mca=(--mca odls_base_sigkill_timeout 5)
  local job=(compare "$source_dir/configs/compare.yaml" --set output.plots=false
    --set train.max_iterations=10000 --output run)
  if [[ $ranks == 0 ]]; then
    "$aumtrain" "${job[@]}" >out 2>err &
  else
    "$mpirun" "${mca[@]}" -np "$ranks" --oversubscribe "$aumtrain" "${job[@]}" >out 2>err &
  fi
  local pid=$!
  local waited=0
  until grep -q '^\[1/45\]' err; do
    sleep 0.1
    waited=$((waited + 1))
    [[ $waited -lt 600 ]] || fail "$target: no split finished within 60 s: $(cat err)"
  done
  if [[ $target == ranks ]]; then
    kill -INT $(pgrep -P "$pid") || fail "no ranks under mpirun $pid"
  else
    kill -INT "$pid"
  fi
  local sent=$SECONDS
  wait "$pid"
  code=$?
  [[ $((SECONDS - sent)) -le 15 ]] || fail "$target: took $((SECONDS - sent)) s to stop"
  [[ -f run/run_info.json ]] || fail "$target: no committed run directory: $(cat err)"
  grep -q '"status": "interrupted"' run/run_info.json ||
    fail "$target: run_info.json: $(cat run/run_info.json)"
  # The main job has 45 splits of 10 selections. A signal during a split marks its cells and
  # runs interrupted; one between two splits (while rank 0 writes one, say) stops before the
  # next, as in one process, and leaves only whole splits.
  local selections
  selections=$(($(wc -l <run/comparison.csv) - 1))
  [[ $selections -lt 450 && $((selections % 10)) == 0 ]] ||
    fail "$target: $selections selections in comparison.csv"
  if ! grep -q ',interrupted,' run/comparison.csv; then
    ! grep -q ',interrupted,' run/runs.csv ||
      fail "$target: runs.csv, but not comparison.csv, marks an interrupted run"
    echo "$target: stopped between two splits"
  fi
  [[ $(ls -A) == $'err\nout\nrun' ]] || fail "$target left something behind: $(ls -A)"
  ls run >files
  cd "$work" || exit 1
}

case_interrupt() {
  local code
  interrupt_run "$work/alone" 0 process
  [[ $code == 130 ]] || fail "one process exited with $code after SIGINT, not 130"
  # The ranks themselves stopped: mpirun passes on their exit code, the one process's.
  interrupt_run "$work/ranks" 2 ranks
  [[ $code == 130 ]] || fail "mpirun exited with $code after SIGINT to its ranks, not 130"
  grep -q 'interrupted by SIGINT' "$work/ranks/err" || fail "ranks: $(cat "$work/ranks/err")"
  # mpirun itself: it turns the signal into SIGTERM for the ranks, which stop and commit as
  # above, but exits with its own code, 1, whatever the ranks return.
  interrupt_run "$work/mpirun" 2 mpirun
  [[ $code == 1 ]] || fail "mpirun exited with $code after SIGINT to it; OpenMPI's own code is 1"
  grep -q 'interrupted by SIGTERM' "$work/mpirun/err" || fail "mpirun: $(cat "$work/mpirun/err")"
  for folder in ranks mpirun; do
    diff "$work/alone/files" "$work/$folder/files" ||
      fail "$folder: the run directory holds other files than the one process's"
  done
  echo "interrupted: committed run directories with interrupted cells, as one process leaves"
}

case "$case_name" in
  identical) case_identical ;;
  bad-cell) case_bad_cell ;;
  interrupt) case_interrupt ;;
  *) fail "unknown case $case_name" ;;
esac
