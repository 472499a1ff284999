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
"$aumtrain" -q make-data --rows 3000 --features 4 --positive-fraction 0.3 --seed 2 --output data.csv
# Line 2901 (the header is line 1) lies in the last of three ranks' shares.
awk -F, -v OFS=, 'NR == 2901 { $3 = "abc" } { print }' data.csv > bad.csv
cat > bad.yaml <<YAML
data: {path: bad.csv, label: label}
train: {parallel: data, losses: [aum], optimizers: [{name: constant, step_sizes: [0.1], max_iterations: 5}]}
output: {directory: bad_out, plots: false}
YAML
set +e
"$mpiexec" -np 3 --oversubscribe "$aumtrain" -q train bad.yaml > bad.out 2> bad.err
code=$?
set -e
fail() { echo "faults: $*"; echo "--- stdout"; cat bad.out; echo "--- stderr"; cat bad.err; exit 1; }
[ "$code" = 3 ] || fail "a bad cell gave exit code $code, not 3"
grep -q "rank 2: .*bad.csv:2901:" bad.err || fail "the message does not name rank 2 and bad.csv:2901"
[ "$(grep -c 'error' bad.err)" = 1 ] || fail "not exactly one error line"
[ ! -e bad_out ] || fail "bad_out was written"
ls -a | grep -q '\.partial' && fail "a staging folder was left"

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
