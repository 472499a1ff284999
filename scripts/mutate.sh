#!/usr/bin/env bash
# The mutation catalogue: plants each bug of the catalogue below in the source, one at a time,
# rebuilds, runs the fast test suite, and requires at least one test to fail ("killed").
#   scripts/mutate.sh            every mutation; prints a table row per mutation as it goes
#   scripts/mutate.sh NAME...    only these mutations
#   scripts/mutate.sh --check    only checks that every pattern matches exactly once (no build)
#   scripts/mutate.sh --list     lists the mutations
# Exits non-zero when a mutation survives (no test fails), does not compile, or its pattern
# does not match exactly once in its file: a moved file or changed code fails loudly, naming the
# mutation, and is never skipped. The source is always restored, also on Ctrl-C.
#
# It builds in build-mutate/ (AUMTRAIN_MUTATE_BUILD to change): one object per source file (no
# unity batches, so a mutation recompiles one file), -O1, no libtorch, no benchmarks, and only
# the test suite and the aumtrain executable that its tests start. Each mutant's object file is
# put back after its run, so restoring a file costs no recompilation.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -u patsub_replacement 2>/dev/null || true  # '&' in a replacement is just '&'

# The catalogue. Each entry:
#   mutation NAME FILE
#   # what the bug is (any number of comment lines)
#   - the exact code to replace: it must occur exactly once in FILE
#   + what replaces it
# Patterns are single lines of code without their indentation; FILE is a source of the core
# library (aumtrain_core). Keep each mutation the smallest edit that makes a real bug (not an
# equivalent program), and name it after what it breaks. README.md, "Mutation catalogue", says
# how to add one.
catalogue() {
  cat <<'CATALOGUE'
mutation kernel-fn-rate-over-negatives src/core/aum_kernel.cpp
# FNR divided by the negatives' total instead of the positives'.
- return std::min(fp / denominators_.fp, fn / denominators_.fn);
+ return std::min(fp / denominators_.fp, fn / denominators_.fp);

mutation kernel-tie-right-derivative src/core/aum_kernel.cpp
# A tied example's right derivative forgets that moving it up lowers FN.
- min_of(group.fp_before + diff.fp, group.fn_before - diff.fn) - group.min_before;
+ min_of(group.fp_before + diff.fp, group.fn_before) - group.min_before;

mutation kernel-aum-interval-uses-next-min src/core/aum_kernel.cpp
# Each interval's area takes min(FPR, FNR) from above its right end rather than inside it.
- if (has_previous) totals.aum += min_before * (threshold - previous_threshold);
+ if (has_previous) totals.aum += min_after * (threshold - previous_threshold);

mutation kernel-auc-trapezoid src/core/aum_kernel.cpp
# The AUC trapezoid's height uses the TPR below the group twice.
- const double tp_sum = 2.0 * fn_total - group.fn_before - group.fn_after;
+ const double tp_sum = 2.0 * fn_total - group.fn_before - group.fn_before;

mutation sort-insertion-unstable src/core/threshold_sort.cpp
# Insertion sort moves an entry past equal keys: tied thresholds lose their input order.
- } while (j > 0 && moving.key < entries[j - 1].key);
+ } while (j > 0 && moving.key <= entries[j - 1].key);

mutation sort-comparison-ties-reversed src/core/threshold_sort.cpp
# The comparison sort of large sub-bins puts tied thresholds in reverse input order.
- return a.key < b.key || (a.key == b.key && a.example < b.example);
+ return a.key < b.key || (a.key == b.key && a.example > b.example);

mutation line-search-parallel-lines-cross src/core/line_search.cpp
# Lines with equal slopes are taken to cross (at an infinite or undefined step).
- const Key none = -static_cast<Key>(!(low.slope > high.slope));
+ const Key none = -static_cast<Key>(!(low.slope >= high.slope));

mutation line-search-scaled-min-denominator src/core/line_search.cpp
# The walk's min(FP, FN) in scaled units multiplies FP by its own denominator.
- return std::min(fp_below * denominators.fn, std::max(0.0, fn_total - fn_below) * denominators.fp);
+ return std::min(fp_below * denominators.fp, std::max(0.0, fn_total - fn_below) * denominators.fp);

mutation line-search-min-aum-walks-flats src/core/line_search.cpp
# min_aum keeps walking while AUM is flat, past the first row where it stops decreasing.
- return scale_.aum_slope_after(row) < 0;
+ return scale_.aum_slope_after(row) <= 0;

mutation line-search-max-auc-ties-later src/core/line_search.cpp
# max_auc moves to a later row of equal AUC.
- const bool better = (index == 0) | (auc_after > best_value_);
+ const bool better = (index == 0) | (auc_after >= best_value_);

mutation line-search-max-auc-middle src/core/line_search.cpp
# max_auc steps to the start of the best interval rather than its middle.
- const double middle = 0.5 * (best.step_size + end);
+ const double middle = 0.5 * (best.step_size + best.step_size);

mutation line-search-event-cap-one-late src/core/line_search.cpp
# The walk takes one event more than max_events.
- if (params.max_events > 0 && rows - 1 >= params.max_events) break;
+ if (params.max_events > 0 && rows - 1 > params.max_events) break;

mutation error-diffs-fn-denominator-swapped src/core/error_diffs.cpp
# The rate denominator of FN is the negatives' total.
- return {diffs.fp_total, diffs.fn_total};
+ return {diffs.fp_total, diffs.fp_total};

mutation error-diffs-negative-weight-ignored src/core/error_diffs.cpp
# A weighted negative counts 1 towards FP, whatever its weight.
- if (inserted) diffs.rows.push_back(positive ? DiffRow{0.0, w} : DiffRow{w, 0.0});
+ if (inserted) diffs.rows.push_back(positive ? DiffRow{0.0, w} : DiffRow{1.0, 0.0});

mutation logistic-mean-over-positives src/model/losses/logistic_loss.cpp
# The logistic loss averages over the positives' weight instead of all examples'.
- const double total = targets.positive_weight + targets.negative_weight;
+ const double total = targets.positive_weight;

mutation balanced-logistic-classes-swapped src/model/losses/balanced_logistic_loss.cpp
# Each class gets half of the other class's total weight.
- const double class_total[2] = {2.0 * targets.negative_weight, 2.0 * targets.positive_weight};
+ const double class_total[2] = {2.0 * targets.positive_weight, 2.0 * targets.negative_weight};

mutation squared-hinge-margin-sign src/model/losses/squared_hinge_all_pairs_loss.cpp
# The margin is subtracted from the negatives' scores instead of added.
- order_[i] = {targets.is_positive[i] ? f : f + margin_, i};
+ order_[i] = {targets.is_positive[i] ? f : f - margin_, i};

mutation split-subsamples-test-too src/data/split.cpp
# Subsampling positives also thins the test set.
- for (std::uint8_t set = 0; set < 2; ++set) {
+ for (std::uint8_t set = 0; set < 3; ++set) {

mutation split-test-cut-one-late src/data/split.cpp
# The cut in key order that ends the test set falls one row late: test takes one row too many.
- const KeyCut test_cut = cut_at(communicator, keys[label], test, class_size[label]);
+ const KeyCut test_cut = cut_at(communicator, keys[label], test + 1, class_size[label]);

mutation split-validation-of-all src/data/split.cpp
# Validation takes its fraction of the whole class rather than of what test leaves.
- static_cast<std::size_t>(std::llround(config.validation * (n - static_cast<double>(test))));
+ static_cast<std::size_t>(std::llround(config.validation * n));

mutation split-subsample-floor-one src/data/split.cpp
# Subsampling may keep a single positive, too few for a set's AUC.
- std::max<long long>(2, std::llround(p * static_cast<double>(negatives) / (1 - p))));
+ std::max<long long>(1, std::llround(p * static_cast<double>(negatives) / (1 - p))));

mutation split-sample-sd src/data/column_statistics.cpp
# Standardisation divides by the sample sd (n - 1) where the population sd (n) is documented.
- statistics[j].sd = std::sqrt(squares[static_cast<Eigen::Index>(j)] / count);
+ statistics[j].sd = std::sqrt(squares[static_cast<Eigen::Index>(j)] / (count - 1));

mutation sparse-sample-sd src/data/split.cpp
# Sparse columns are standardised by the sample sd (n - 1), unlike dense ones.
- std::sqrt(squares[j] / n)
+ std::sqrt(squares[j] / (n - 1))

mutation sparse-row-dot-drops-tail src/model/linear_model.cpp
# A sparse row's score leaves out its last nonzeros (those after the last group of four).
- for (; k < stop; ++k) sum[0] += value[k] * w[column[k]];
+ for (; k + 1 < stop; ++k) sum[0] += value[k] * w[column[k]];

mutation sparse-transpose-product-uses-own-row-gradient src/model/linear_model.cpp
# X^T g on CSR takes each row's gradient from the row before it.
- const double gr = g[r];
+ const double gr = g[r > begin ? r - 1 : r];

mutation condition-range-center-at-low src/data/dataset.cpp
# Dense columns are centred at their lowest value, not their midrange: stored values fall in
# [0, 2] instead of [-1, 1].
- dataset.center[j] = lowest / 2 + highest / 2;
+ dataset.center[j] = lowest;

mutation libsvm-scan-bitmap-loses-high-bit src/data/dataset.cpp
# The libsvm scan notes index 64 k + 63 as 64 k + 62.
- seen[index / 64] |= std::uint64_t{1} << (index % 64);
+ seen[index / 64] |= std::uint64_t{1} << std::min<std::size_t>(index % 64, 62);

mutation categorical-levels-not-reset src/data/scoring_data.cpp
# At predict time a row's level features keep the previous row's 1, so a level the model does not
# know takes the level of the row before.
- row[position] = 0.0;
+ row[position] = row[position];

mutation trainer-ties-go-to-later-iteration src/train/observers.cpp
# Equal validation AUC counts as better: ties select the last iteration, and patience never ends.
- return best_iteration_ < 0 || validation_auc > best_validation_auc_;
+ return best_iteration_ < 0 || validation_auc >= best_validation_auc_;

mutation trainer-patience-one-late src/train/observers.cpp
# Patience stops one iteration after it should.
- if (best_->since_best() >= patience_) return RunStatus::stopped_early;
+ if (best_->since_best() > patience_) return RunStatus::stopped_early;

mutation selection-ties-to-more-iterations src/train/experiment.cpp
# Of runs with equal validation AUC, the one with more iterations is selected.
- (r.best_iteration < b.best_iteration ||
+ (r.best_iteration > b.best_iteration ||

mutation selection-ties-to-larger-step src/train/experiment.cpp
# Of runs with equal AUC and iterations, the one with the larger step size is selected.
- (r.best_iteration == b.best_iteration && run->key.step_size < best->key.step_size)));
+ (r.best_iteration == b.best_iteration && run->key.step_size > best->key.step_size)));

mutation constant-step-intercept-ascends src/train/optimizers/constant.cpp
# Constant steps move the intercept up its gradient.
- state.model.intercept -= step_size_ * gradient_.intercept;
+ state.model.intercept += step_size_ * gradient_.intercept;

mutation line-search-optimizer-first-step-unscaled src/train/optimizers/line_search.cpp
# From the tie at w = 0 the first step is 1, not the step to unit-norm weights.
- result.step = 1.0 / direction_.weights.norm();
+ result.step = 1.0;

mutation line-search-optimizer-bracket-shrinks src/train/optimizers/line_search.cpp
# The smooth losses' bracketing shrinks the trial step instead of growing it.
- high *= 4.0;
+ high *= 0.25;

mutation csv-too-many-fields-accepted src/data/dataset.cpp
# A CSV row with more fields than the header is read, its extra fields dropped.
- if (fields.size() != expected) {
+ if (fields.size() < expected) {

mutation csv-column-zero-based src/data/csv.cpp
# Fields are located one column to the left.
- const std::size_t start_column = pos + 1;
+ const std::size_t start_column = pos;

mutation csv-carriage-return-kept src/data/csv.cpp
# CRLF files keep the '\r' in their last field.
- if (!line_.empty() && line_.back() == '\r') line_.pop_back();
+ if (!line_.empty() && line_.back() == '\n') line_.pop_back();

mutation libsvm-lines-from-zero src/data/libsvm.cpp
# libsvm lines are numbered from 0.
- for (std::size_t number = 1; std::getline(in, text); ++number) {
+ for (std::size_t number = 0; std::getline(in, text); ++number) {

mutation libsvm-repeated-index-accepted src/data/libsvm.cpp
# A feature index repeated on one line is accepted.
- if (index <= previous) {
+ if (index < previous) {

mutation libsvm-comment-read-as-data src/data/libsvm.cpp
# '#' no longer starts a comment.
- const std::size_t end = std::min(line.find('#'), line.size());
+ const std::size_t end = line.size();

mutation config-fraction-one-accepted src/config/config.cpp
# A fraction of 1 (all of a class to test; positives only) passes as strictly below 1.
- if (!(value > 0 && value < 1)) {
+ if (!(value > 0 && value <= 1)) {

mutation config-patience-zero-accepted src/config/config.cpp
# patience (and log_every) 0 passes as a whole number >= 1.
- target.*member = static_cast<int>(in_range(field, field.as_integer(), 1LL,
+ target.*member = static_cast<int>(in_range(field, field.as_integer(), 0LL,

mutation model-file-weight-on-zero-sd src/io/model_file.cpp
# A model file with a nonzero weight on a constant (sd 0) feature is accepted.
- if (sd[j] < 0 || (sd[j] == 0 && weights[j] != 0)) {
+ if (sd[j] < 0) {

mutation model-file-intercept-check-sign src/io/model_file.cpp
# The check of the original-units intercept adds the means' share instead of subtracting it.
- expected_intercept -= expected * mean[j];
+ expected_intercept += expected * mean[j];
CATALOGUE
}

build=${AUMTRAIN_MUTATE_BUILD:-build-mutate}

# Reads the catalogue into parallel arrays.
names=() files=() patterns=() replacements=() descriptions=()
parse_catalogue() {
  local line n=-1
  while IFS= read -r line; do
    case "$line" in
      "mutation "*)
        read -r _ name file <<<"$line"
        n=$((n + 1))
        names[n]=$name files[n]=$file patterns[n]="" replacements[n]="" descriptions[n]=""
        ;;
      "# "*) descriptions[n]+="${descriptions[n]:+ }${line#\# }" ;;
      "- "*) patterns[n]=${line#- } ;;
      "+ "*) replacements[n]=${line#+ } ;;
      "") ;;
      *) echo "mutate.sh: catalogue line not understood: $line" >&2; exit 2 ;;
    esac
  done < <(catalogue)
}

# How many times the text `pattern` occurs in `file`.
occurrences() {
  local file=$1 pattern=$2 rest count=0
  rest=$(<"$file")
  while [[ $rest == *"$pattern"* ]]; do
    rest=${rest#*"$pattern"}
    count=$((count + 1))
  done
  echo "$count"
}

# Checks every selected mutation's entry; prints a line per problem, returns non-zero if any.
check_entries() {
  local k bad=0 count
  for k in "${selected[@]}"; do
    local where="mutation ${names[k]} (${files[k]})"
    if [[ -z ${patterns[k]} || -z ${replacements[k]} || ${patterns[k]} == "${replacements[k]}" ]]; then
      echo "$where: needs a '- pattern' and a different '+ replacement' line" >&2
      bad=1
    elif [[ ! -f ${files[k]} ]]; then
      echo "$where: the file does not exist (moved or renamed?); update the catalogue" >&2
      bad=1
    else
      count=$(occurrences "${files[k]}" "${patterns[k]}")
      if ((count != 1)); then
        echo "$where: the pattern occurs $count times, not once; update the catalogue:" >&2
        echo "    ${patterns[k]}" >&2
        bad=1
      fi
    fi
  done
  return "$bad"
}

# The mutant in place, and how to undo it: the source and its object file are copied aside and
# put back with their times, so make sees nothing to recompile; removing the library makes the
# next build relink the programs from the original objects.
saved_dir="$build/mutate-saved"
mutated_file=""
object_of() { echo "$build/CMakeFiles/aumtrain_core.dir/$1.o"; }
apply_mutation() {
  local k=$1 file=${files[k]} content
  if [[ ! -f $(object_of "$file") ]]; then
    echo "mutate.sh: mutation ${names[k]}: $file is not compiled into the core library" \
      "(aumtrain_core), the only code the catalogue mutates" >&2
    exit 1
  fi
  mkdir -p "$saved_dir"
  cp -p "$file" "$saved_dir/source"
  cp -p "$(object_of "$file")" "$saved_dir/object"
  mutated_file=$file
  content=$(<"$file")
  printf '%s\n' "${content/"${patterns[k]}"/"${replacements[k]}"}" >"$file"
}
restore() {
  [[ -n $mutated_file ]] || return 0
  cp -p "$saved_dir/source" "$mutated_file"
  cp -p "$saved_dir/object" "$(object_of "$mutated_file")"
  rm -f "$build/libaumtrain_core.a"
  mutated_file=""
}
test_pids=()  # the test processes running, stopped on an interrupt
trap 'restore' EXIT
trap '((${#test_pids[@]} == 0)) || kill "${test_pids[@]}" 2>/dev/null; restore
      echo "mutate.sh: interrupted; the source is restored" >&2; exit 130' INT TERM

configure_and_build() {
  mkdir -p "$build"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DAUMTRAIN_UNITY_BUILD=OFF -DAUMTRAIN_WITH_TORCH=OFF -DAUMTRAIN_BUILD_BENCHMARKS=OFF \
    >"$build/mutate-configure.log" 2>&1 || { cat "$build/mutate-configure.log" >&2; return 1; }
  cmake --build "$build" --target aumtrain_tests -j2 >"$build/mutate-build.log" 2>&1
}

# Runs the fast tests (the large-data test is a program of its own, not run here) in two
# halves side by side (GoogleTest's shards); sets `failed` to the failing tests' names, or to
# what stopped a half. Returns non-zero when any test failed.
test_seconds_limit=600
shards=2
run_tests() {
  local shard status=0 statuses=() last
  test_pids=()
  for ((shard = 0; shard < shards; ++shard)); do
    (cd "$build/tests" && GTEST_TOTAL_SHARDS=$shards GTEST_SHARD_INDEX=$shard \
      exec timeout "$test_seconds_limit" ./aumtrain_tests --gtest_color=no) \
      >"$build/mutate-tests-$shard.log" 2>&1 &
    test_pids+=($!)
  done
  for ((shard = 0; shard < shards; ++shard)); do
    statuses[shard]=0
    wait "${test_pids[shard]}" || statuses[shard]=$?
  done
  test_pids=()
  failed=""
  for ((shard = 0; shard < shards; ++shard)); do
    local log="$build/mutate-tests-$shard.log" names
    names=$(sed -n 's/^\[  FAILED  \] \([A-Za-z0-9_/]*\.[A-Za-z0-9_/]*\).*/\1/p' "$log" | awk '!seen[$0]++')
    if ((statuses[shard] != 0)) && [[ -z $names ]]; then
      last=$(sed -n 's/^\[ RUN      \] //p' "$log" | tail -n 1)
      if ((statuses[shard] == 124)); then
        names="(timed out after ${test_seconds_limit} s${last:+ in $last})"
      else
        names="(crashed, exit code ${statuses[shard]}${last:+, in $last})"
      fi
    fi
    ((statuses[shard] == 0)) || status=1
    failed+=${names:+${failed:+$'\n'}$names}
  done
  return "$status"
}

# The first few of the failing tests' names, on one line.
first_names() {
  local shown=2 all count
  mapfile -t all <<<"$1"
  count=${#all[@]}
  if ((count <= shown)); then
    echo "${all[*]}"
  else
    echo "${all[*]:0:shown} (+$((count - shown)) more)"
  fi
}

row() { printf '| %-2s | %-42s | %-50s | %s |\n' "$@"; }

# The whole run is one function, read before it starts: editing this file while it runs is safe.
main() {
  parse_catalogue
  case "${1:-}" in
    --list)
      for k in "${!names[@]}"; do printf '%-45s %-50s %s\n' "${names[k]}" "${files[k]}" "${descriptions[k]}"; done
      exit 0 ;;
    --check)
      selected=("${!names[@]}")
      if ! check_entries; then echo "mutate.sh: fix the catalogue" >&2; exit 1; fi
      echo "mutate.sh: all ${#names[@]} patterns match exactly once"
      exit 0 ;;
    -*) echo "usage: scripts/mutate.sh [--list | --check | NAME...]" >&2; exit 2 ;;
  esac
  selected=()
  if (($# == 0)); then
    selected=("${!names[@]}")
  else
    for wanted in "$@"; do
      found=""
      for k in "${!names[@]}"; do [[ ${names[k]} == "$wanted" ]] && found=$k; done
      [[ -n $found ]] || { echo "mutate.sh: no mutation named '$wanted' (--list lists them)" >&2; exit 2; }
      selected+=("$found")
    done
  fi
  check_entries || { echo "mutate.sh: fix the catalogue first" >&2; exit 1; }

  start=$SECONDS
  echo "mutate.sh: building $build/ (unmutated) and running its tests"
  configure_and_build || { tail -n 30 "$build/mutate-build.log" >&2; echo "mutate.sh: the unmutated build fails" >&2; exit 1; }
  baseline_start=$SECONDS
  if ! run_tests; then
    echo "mutate.sh: the tests fail without any mutation: $(first_names "$failed")" >&2
    exit 1
  fi
  baseline=$((SECONDS - baseline_start))
  # A mutant that makes a test loop forever is stopped well after the suite's usual time.
  test_seconds_limit=$((5 * baseline + 60))
  echo "mutate.sh: built and tested in $((SECONDS - start)) s (the tests alone: $baseline s)"

  row "#" "mutation" "file" "killed by"
  row "--" "$(printf -- '-%.0s' {1..42})" "$(printf -- '-%.0s' {1..50})" "---------"
  survived=0 broken=0 number=0
  for k in "${selected[@]}"; do
    number=$((number + 1))
    apply_mutation "$k"
    if ! cmake --build "$build" --target aumtrain_tests -j2 >"$build/mutate-build.log" 2>&1; then
      result="DOES NOT COMPILE (see the catalogue entry)"
      broken=$((broken + 1))
    elif run_tests; then
      result="SURVIVED"
      survived=$((survived + 1))
    else
      result=$(first_names "$failed")
    fi
    restore
    row "$number" "${names[k]}" "${files[k]}" "$result"
  done
  # Relink from the original objects, so that build-mutate/ holds the unmutated programs.
  cmake --build "$build" --target aumtrain_tests -j2 >"$build/mutate-build.log" 2>&1

  total=${#selected[@]}
  echo "mutate.sh: $((total - survived - broken)) of $total mutations killed, $survived survived," \
    "$broken did not compile; $((SECONDS - start)) s in all"
  ((survived == 0 && broken == 0))
}
main "$@"
