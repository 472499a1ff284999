#!/usr/bin/env bash
# aumtrain beside liblinear on sparse data, in one run: a libsvm training file and a held-out
# test file made by `aumtrain make-data --sparse`, then
#   liblinear-train -s 0 -B 1 (L2-regularised logistic regression, C = 1, with a bias feature, as
#   aumtrain's logistic loss has an intercept) and liblinear-predict -b 1;
#   aumtrain train with the logistic loss and with AUM (rates), both with the exact line search,
#   100 iterations, one seed, plots off (bench/peers/sparse_vs_liblinear.yaml), then
#   aumtrain predict;
# every model scored by its test AUC on the held-out file (aumtrain aum --summary). Each training
# command is timed as a whole process by /usr/bin/time: wall seconds and peak resident memory.
# It prints one Markdown table on standard output; progress goes to standard error.
#
#   bench/peers/sparse_vs_liblinear.sh
#   ROWS=2000 FEATURES=50 NNZ=5 bench/peers/sparse_vs_liblinear.sh
#
# Environment (defaults in brackets):
#   AUMTRAIN           the aumtrain program [build/aumtrain, in the repository's top folder]
#   ROWS, FEATURES     training rows and features [150000, 20000]
#   NNZ                nonzeros per row [50]
#   TEST_ROWS          rows of the held-out file [ROWS / 3]
#   POSITIVE_FRACTION  [0.1]     SHIFT  [1]   (make-data's --positive-fraction and --shift)
#   LIBLINEAR_OPTIONS  liblinear-train's options [-s 0 -B 1]
#   THREADS            aumtrain --threads [every core; liblinear-train uses one]
#   TOOLS              which sides to run: liblinear, aumtrain or both ["liblinear aumtrain"]
#   WORK               keep every file in this folder [a temporary folder, removed at the end]
# Needs liblinear-train and liblinear-predict (Debian: liblinear-tools) and /usr/bin/time (time).
set -uo pipefail
# AUMTRAIN and WORK are read from the calling folder, the rest from the repository's top folder.
here=$PWD
cd "$(dirname "$0")/../.." || exit 1
aumtrain=${AUMTRAIN:-build/aumtrain}
[[ $aumtrain == /* || -z ${AUMTRAIN:-} ]] || aumtrain=$here/$aumtrain
rows=${ROWS:-150000}
features=${FEATURES:-20000}
nnz=${NNZ:-50}
test_rows=${TEST_ROWS:-$((rows / 3))}
positive_fraction=${POSITIVE_FRACTION:-0.1}
shift_value=${SHIFT:-1}
read -r -a liblinear_options <<< "${LIBLINEAR_OPTIONS:--s 0 -B 1}"
tools=${TOOLS:-liblinear aumtrain}
config=bench/peers/sparse_vs_liblinear.yaml

for program in liblinear-train liblinear-predict /usr/bin/time; do
  if ! command -v "$program" > /dev/null; then
    echo "$program is missing: apt-get install -y liblinear-tools time (bench/peers/README.md)" >&2
    exit 3
  fi
done
if [[ ! -x $aumtrain ]]; then
  echo "$aumtrain is not a program; build aumtrain or set AUMTRAIN" >&2
  exit 3
fi
if [[ -n ${WORK:-} ]]; then
  work=$WORK
  [[ $work == /* ]] || work=$here/$work
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
work=$(cd "$work" && pwd)
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")

# Runs a command under /usr/bin/time; leaves "seconds peak_kib" in $work/$1.time and the command's
# standard error in $work/$1.err. Returns the command's exit code.
timed() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err"
}

# "seconds | MiB" of a timed command, as table cells.
time_cells() {
  awk '{printf "%.2f | %.0f", $1, $2 / 1024}' "$work/$1.time"
}

# The AUC of `aumtrain aum --summary` on a CSV of scores and labels, to 4 decimals.
test_auc() {
  "$aumtrain" -q aum --summary --score-column "$2" --label-column label "$1" |
    awk '$1 == "AUC" {printf "%.4f", $2}'
}

# A failed step becomes its table row: the exit code and the last line it wrote to standard error.
failed_row() {
  local what=$1 name=$2 status=$3
  local reason
  reason=$(grep -v '^\s*$' "$work/$name.err" | tail -n 1 | tr '|' '/' | cut -c 1-160)
  echo "| $what | failed (exit $status) | | $reason |"
}

echo "making $rows x $features training rows and $test_rows test rows, $nnz nonzeros per row, in $work" >&2
for part in train:$rows:1 test:$test_rows:2; do
  IFS=: read -r name n seed <<< "$part"
  if ! timed "make_$name" "$aumtrain" make-data --sparse --nonzeros-per-row "$nnz" --rows "$n" \
    --features "$features" --positive-fraction "$positive_fraction" --shift "$shift_value" \
    --seed "$seed" --output "$work/$name.svm" --force; then
    cat "$work/make_$name.err" >&2
    exit 1
  fi
  echo "$name.svm: $(du -m "$work/$name.svm" | cut -f 1) MB, made in $(cut -d ' ' -f 1 "$work/make_$name.time") s" >&2
done
# The held-out labels, in file order, beside which each tool's scores are put.
cut -d ' ' -f 1 "$work/test.svm" > "$work/test_labels.txt"

# Appends liblinear's table row to rows_out.
run_liblinear() {
  local what="liblinear-train ${liblinear_options[*]}" status=0 column
  echo "$what" >&2
  timed liblinear liblinear-train -q "${liblinear_options[@]}" "$work/train.svm" \
    "$work/liblinear.model" || status=$?
  if ((status != 0)); then
    rows_out+=("$(failed_row "$what" liblinear "$status")")
    return
  fi
  liblinear-predict -b 1 "$work/test.svm" "$work/liblinear.model" "$work/liblinear.pred" > /dev/null
  # The first line names the label of each probability column ("labels 0 1"); take label 1's.
  column=$(head -n 1 "$work/liblinear.pred" | awk '{for (i = 2; i <= NF; ++i) if ($i == "1") print i}')
  { echo "score,label"
    tail -n +2 "$work/liblinear.pred" | cut -d ' ' -f "$column" | paste -d , - "$work/test_labels.txt"
  } > "$work/liblinear_scores.csv"
  rows_out+=("| $what | $(time_cells liblinear) | $(test_auc "$work/liblinear_scores.csv" score) |")
}

# Appends the table row of aumtrain trained on the loss $1 (logistic or aum.rate) to rows_out.
run_aumtrain() {
  local loss=$1 losses status=0 model
  case $loss in
    logistic) losses='[{name: logistic}]' ;;
    aum.rate) losses='[{name: aum, denominator: rate}]' ;;
  esac
  local what="aumtrain $loss, line search" run=$work/run_$loss
  echo "$what" >&2
  timed "train_$loss" "$aumtrain" train "$config" "${threads[@]}" \
    --set "data.path=$work/train.svm" --set "train.losses=$losses" --output "$run" --force ||
    status=$?
  if ((status != 0)); then
    rows_out+=("$(failed_row "$what" "train_$loss" "$status")")
    return
  fi
  model=$(find "$run/models" -name '*.json' | head -n 1)
  timed "predict_$loss" "$aumtrain" -q predict --model "$model" "$work/test.svm" \
    --output "$work/predictions_$loss.csv" --force || status=$?
  if ((status != 0)); then
    rows_out+=("$(failed_row "$what" "predict_$loss" "$status")")
    return
  fi
  rows_out+=("| $what | $(time_cells "train_$loss") | $(test_auc "$work/predictions_$loss.csv" score) |")
}

rows_out=()
[[ " $tools " == *" liblinear "* ]] && run_liblinear
if [[ " $tools " == *" aumtrain "* ]]; then
  run_aumtrain logistic
  run_aumtrain aum.rate
fi

# The generator's own scorer: the sum of each row's informative features (1 to ceil(D / 10)).
informative=$(((features + 9) / 10))
awk -v last="$informative" 'BEGIN {print "score,label"}
  {s = 0; for (i = 2; i <= NF; ++i) {split($i, f, ":"); if (f[1] + 0 <= last) s += f[2]} print s "," $1}' \
  "$work/test.svm" > "$work/generator_scores.csv"

echo "| tool / loss | train wall s | peak MiB | test AUC |"
echo "|---|---|---|---|"
printf '%s\n' "${rows_out[@]}"
echo
echo "$rows x $features training rows, $test_rows held-out rows, $nnz nonzeros per row, positive fraction $positive_fraction, shift $shift_value; $(nproc) cores."
echo "Summing each row's informative features (1 to $informative), the generator's own scorer, gives test AUC $(test_auc "$work/generator_scores.csv" score)."
