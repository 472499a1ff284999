#!/bin/sh
# Runs one small comparison without mpirun, then under mpirun with 1, 2 and 3 ranks in the mode
# given, and requires the same results: comparison.csv, splits.csv and every model file byte for
# byte, learning_curves.csv and runs.csv apart from their timings (the `seconds` rows and column).
#
#   same_results.sh AUMTRAIN MPIEXEC WORK_DIR MODE(data|runs) [ROWS]
set -eu
aumtrain=$1 mpiexec=$2 work=$3 mode=$4 rows=${5:-30000}
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# More than one block of 8,192 rows in subtrain and validation, so rows really move.
"$aumtrain" -q make-data --rows "$rows" --features 6 --positive-fraction 0.2 --shift 0.4 \
  --seed 5 --output data.csv
cat > config.yaml <<YAML
data: {path: data.csv, label: label}
split: {seeds: [1, 2], positive_fraction: [null, 0.1]}
train:
  losses: [aum, {name: aum, denominator: count}, logistic, logistic_balanced, squared_hinge_all_pairs]
  optimizers:
    - {name: constant, step_sizes: [0.1, 1], max_iterations: 15}
    - {name: line_search, max_iterations: 6}
output: {directory: out, plots: false}
YAML
"$aumtrain" -q compare config.yaml --output one > /dev/null
for ranks in 1 2 3; do
  "$mpiexec" -np "$ranks" --oversubscribe "$aumtrain" -q compare config.yaml \
    --set "train.parallel=$mode" --output "p$ranks" > /dev/null
done
# Timings differ from run to run; everything else must not.
strip() {
  case "$1" in
    */learning_curves.csv) grep -v ',seconds,' "$1" ;;
    */runs.csv) cut -d, -f12 --complement "$1" ;;
    *) cat "$1" ;;
  esac
}
status=0
for ranks in 1 2 3; do
  for file in comparison.csv splits.csv learning_curves.csv runs.csv $(cd one && ls models/*.json); do
    strip "one/$file" > expected.txt
    strip "p$ranks/$file" > got.txt
    if ! cmp -s expected.txt got.txt; then
      echo "$mode, $ranks ranks: $file differs from the single-process run:"
      diff expected.txt got.txt | head -6
      status=1
    fi
  done
done
[ "$status" = 0 ] && echo "$mode: 1, 2 and 3 ranks give the single-process results"
exit "$status"
