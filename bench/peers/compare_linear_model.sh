#!/usr/bin/env bash
# Gradient descent on AUM with an exact line search at every step, on the spam data: aumtrain
# (the whole `aumtrain train` process: reading the CSV, splitting, 20 steps, writing the run
# directory) beside the R package aum (the aum_linear_model call alone, timed inside R; reading
# and splitting are not counted), each repeated, with the test AUC each reaches.
#   bench/peers/compare_linear_model.sh [STEPS] [REPS]     (defaults: 20 steps, 5 repetitions)
# Needs build/aumtrain (or the program named by $AUMTRAIN), and for the R side R with the package
# aum (bench/peers/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-20}
reps=${2:-5}
aumtrain=${AUMTRAIN:-build/aumtrain}
config=bench/peers/spam_line_search.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

seconds=()
for ((r = 0; r < reps; ++r)); do
  start=$EPOCHREALTIME
  "$aumtrain" -q train "$config" --set "train.max_iterations=$steps" \
    --set "output.directory=$out/run" --force > /dev/null
  end=$EPOCHREALTIME
  seconds+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
done
median=$(printf '%s\n' "${seconds[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
row=$(grep ',line_search,' "$out/run/comparison.csv")
test_auc=$(echo "$row" | cut -d, -f9)
iteration=$(echo "$row" | cut -d, -f7)
events=$(tail -n +2 "$out/run/runs.csv" | cut -d, -f13)
echo "tool,steps,median_seconds,test_auc,selected_iteration,line_search_events"
printf 'aumtrain,%s,%.3f,%s,%s,%s\n' "$steps" "$median" "$test_auc" "$iteration" "$events"

if command -v Rscript > /dev/null && Rscript -e 'quit(status = !requireNamespace("aum", quietly = TRUE))' 2> /dev/null; then
  Rscript bench/peers/linear_model.R datasets/spam.csv spam "$steps" 1 "$reps" 2> /dev/null
else
  echo "R or the R package aum is not installed: the R side was skipped (bench/peers/README.md)" >&2
fi
