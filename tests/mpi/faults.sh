#!/bin/sh
# Faults under mpirun, data-parallel: a bad cell in the last rank's share of the file stops every
# rank with one message naming that rank and the cell's file:line:column, exit code 3 and no
# output; SIGINT to mpirun stops a run cleanly (the ranks exit 130, the completed work committed
# and marked interrupted), within seconds and never hanging.
#
#   faults.sh AUMTRAIN MPIEXEC WORK_DIR
set -eu
aumtrain=$1 mpiexec=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "faults: $*"; echo "--- stdout"; cat bad.out; echo "--- stderr"; cat bad.err; exit 1; }
# A data-parallel `train` of DATA on RANKS ranks that must stop: its exit code goes into $code,
# what it prints into bad.out and bad.err, and it must leave exactly one error line and no
# output folder (OUT) or staging folder.
#   stopped RANKS DATA OUT
stopped() {
  config=${2%.csv}.yaml  # the dataset is named after its config
  cat > "$config" <<YAML
data: {path: $2, label: label}
train: {parallel: data, losses: [aum], optimizers: [{name: constant, step_sizes: [0.1], max_iterations: 5}]}
output: {directory: $3, plots: false}
YAML
  set +e
  "$mpiexec" -np "$1" --oversubscribe "$aumtrain" -q train "$config" > bad.out 2> bad.err
  code=$?
  set -e
  [ "$(grep -c 'error' bad.err)" = 1 ] || fail "$2: not exactly one error line"
  [ ! -e "$3" ] || fail "$3 was written"
  [ -z "$(find . -maxdepth 1 -name '*.partial*')" ] || fail "$2: a staging folder was left"
}

"$aumtrain" -q make-data --rows 3000 --features 4 --positive-fraction 0.3 --seed 2 --output data.csv
# Line 2901 (the header is line 1) lies in the last of three ranks' shares.
awk -F, -v OFS=, 'NR == 2901 { $3 = "abc" } { print }' data.csv > bad.csv
stopped 3 bad.csv bad_out
[ "$code" = 3 ] || fail "a bad cell gave exit code $code, not 3"
grep -q "rank 2: .*bad.csv:2901:" bad.err || fail "the message does not name rank 2 and bad.csv:2901"

# A problem every rank finds alike (a split with too few positives, from counts over every
# rank): one message and exit code 3 through the collective check, not MPI_Abort.
"$aumtrain" -q make-data --rows 200 --features 3 --positive-fraction 0.03 --seed 1 --output few.csv
stopped 2 few.csv few_out
[ "$code" = 3 ] || fail "a split with too few positives gave exit code $code, not 3"
grep -q "error: rank 0: few, seed 1: too few examples of a class" bad.err ||
  fail "the message does not say the split has too few examples"
if grep -q MPI_ABORT bad.err; then fail "the ranks were aborted instead of ending together"; fi

# An interrupt: a job of many seconds, SIGINT to mpirun after two.
"$aumtrain" -q make-data --rows 40000 --features 20 --seed 3 --output long.csv
cat > long.yaml <<YAML
data: {path: long.csv, label: label}
split: {seeds: [1, 2, 3]}
train: {parallel: data, losses: [aum, logistic], max_iterations: 100000,
        optimizers: [{name: constant, step_sizes: [0.1]}]}
output: {directory: long_out, plots: false}
YAML
"$mpiexec" -np 2 --oversubscribe "$aumtrain" -q compare long.yaml > long.out 2> long.err &
pid=$!
sleep 4
kill -INT "$pid"
waited=0
while kill -0 "$pid" 2>/dev/null; do
  sleep 1
  waited=$((waited + 1))
  [ "$waited" -le 30 ] || { kill -KILL "$pid"; cat long.err; echo "faults: no exit 30 s after SIGINT"; exit 1; }
done
set +e
wait "$pid"
code=$?
set -e
# The ranks exit 130; mpirun itself (OpenMPI 4.1) reports 1 for a job it was asked to stop.
[ "$code" = 1 ] || [ "$code" = 130 ] ||
  { cat long.err; echo "faults: SIGINT gave exit code $code, not 1 or 130"; exit 1; }
grep -q "interrupted by SIGTERM" long.err ||
  { cat long.err; echo "faults: rank 0 did not report the interrupt"; exit 1; }
grep -q '"status": "interrupted"' long_out/run_info.json ||
  { cat long.err; echo "faults: long_out/run_info.json does not say interrupted"; exit 1; }
grep -q "interrupted" long_out/comparison.md || { echo "faults: comparison.md marks nothing interrupted"; exit 1; }
echo "faults: a bad cell on rank 2 and an interrupt both stop every rank cleanly"
