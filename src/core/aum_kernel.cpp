#include "aumtrain/core/aum_kernel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "aumtrain/core/errors.hpp"
#include "bucket_walk.hpp"
#include "thread_team.hpp"

namespace aumtrain {
namespace {

// How far ahead of the current entry the gradient pass asks for the gradient's cache line.
constexpr std::size_t kPrefetchDistance = 32;

// One run of entries with the same threshold, and the errors around it.
struct Group {
  const ThresholdEntry* begin;
  const ThresholdEntry* end;
  double threshold;
  double fp_before, fn_before;   // weight units, just below the threshold
  double fp_after, fn_after;     // weight units, just above it
  double min_before, min_after;  // min(FP, FN) in denominator units, below and above
};

// Calls on_run(begin, end, fp_sum, fn_sum) for each run of equal keys of a sorted bucket. It is
// the one place where the weights of a tie group are added up, so that a bucket's totals are
// the same, bit for bit, whichever function walks the bucket.
template <class OnRun>
void for_each_run(std::span<const ThresholdEntry> entries, const DiffRow* rows, OnRun&& on_run) {
  const ThresholdEntry* it = entries.data();
  const ThresholdEntry* const end = it + entries.size();
  while (it < end) {
    const std::uint64_t key = it->key;
    double fp_sum = rows[it->diff_row].fp;
    double fn_sum = rows[it->diff_row].fn;
    const ThresholdEntry* run_end = it + 1;
    for (; run_end < end && run_end->key == key; ++run_end) {
      fp_sum += rows[run_end->diff_row].fp;
      fn_sum += rows[run_end->diff_row].fn;
    }
    on_run(it, run_end, fp_sum, fn_sum);
    it = run_end;
  }
}

// The weight passed inside one bucket and its last threshold.
struct RunTotals {
  double fp = 0;
  double fn = 0;
  double last_threshold = 0;
  double aum = 0;  // the bucket's share of AUM, from the previous bucket's last threshold on
};

// Walks the groups of sorted buckets. The errors at a point are the weight passed below the
// bucket plus the weight passed inside it, each summed from zero: that is what lets buckets be
// walked in any order once the weight below each is known.
class GroupWalker {
 public:
  GroupWalker(const ErrorDiffs& diffs, Denominators denominators)
      : rows_(diffs.rows.data()),
        fp_total_(diffs.fp_total),
        fn_total_(diffs.fn_total),
        denominators_(denominators) {}

  double fn_left(double fn_passed) const noexcept { return std::max(0.0, fn_total_ - fn_passed); }
  double min_of(double fp, double fn) const noexcept {
    return std::min(fp / denominators_.fp, fn / denominators_.fn);
  }

  /// The weight passed inside a sorted bucket, summed as walk() sums it.
  RunTotals totals(std::span<const ThresholdEntry> entries) const {
    RunTotals totals;
    for_each_run(entries, rows_,
                 [&](const ThresholdEntry*, const ThresholdEntry*, double fp_sum, double fn_sum) {
                   totals.fp += fp_sum;
                   totals.fn += fn_sum;
                 });
    if (!entries.empty()) totals.last_threshold = key_threshold(entries.back().key);
    return totals;
  }

  /// Calls on_group for each group of a sorted bucket, with `fp_passed` and `fn_passed` weight
  /// below it; `previous_threshold` is the last threshold below the bucket, if `has_previous`.
  /// on_ahead(entry) is called, once per group, for the entry kPrefetchDistance places later.
  template <class OnGroup, class OnAhead>
  RunTotals walk(std::span<const ThresholdEntry> entries, double fp_passed, double fn_passed,
                 bool has_previous, double previous_threshold, bool last_bucket, OnGroup&& on_group,
                 OnAhead&& on_ahead) const {
    RunTotals totals;
    double fp_before = fp_passed;
    double fn_before = fn_left(fn_passed);
    double min_before = min_of(fp_before, fn_before);
    const ThresholdEntry* const last = entries.data() + entries.size();
    for_each_run(
        entries, rows_,
        [&](const ThresholdEntry* begin, const ThresholdEntry* end, double fp_sum, double fn_sum) {
          if (last - begin > static_cast<std::ptrdiff_t>(kPrefetchDistance)) {
            on_ahead(begin[kPrefetchDistance]);
          }
          totals.fp += fp_sum;
          totals.fn += fn_sum;
          // Sums in threshold order can round past the total, which was summed in input order:
          // FP never exceeds it (as FN never drops below 0), so the ROC curve stays monotone.
          double fp_after = std::min(fp_passed + totals.fp, fp_total_);
          double fn_after = fn_left(fn_passed + totals.fn);
          if (last_bucket && end == last) {  // exact ends, whatever the rounding of the sums
            fp_after = fp_total_;
            fn_after = 0.0;
          }
          const double min_after = min_of(fp_after, fn_after);
          const double threshold = key_threshold(begin->key);
          if (has_previous) totals.aum += min_before * (threshold - previous_threshold);
          on_group(Group{begin, end, threshold, fp_before, fn_before, fp_after, fn_after,
                         min_before, min_after});
          fp_before = fp_after;
          fn_before = fn_after;
          min_before = min_after;
          previous_threshold = threshold;
          has_previous = true;
        });
    totals.last_threshold = previous_threshold;
    return totals;
  }

  /// Left and right derivatives of one member of a tie group: docs/math.md,
  /// "Directional derivatives".
  std::pair<double, double> tied_derivatives(const Group& group, const DiffRow& diff) const {
    const double right =
        min_of(group.fp_before + diff.fp, group.fn_before - diff.fn) - group.min_before;
    const double left =
        group.min_after - min_of(group.fp_after - diff.fp, group.fn_after + diff.fn);
    return {left, right};
  }

  const DiffRow* rows() const noexcept { return rows_; }

 private:
  const DiffRow* rows_;
  double fp_total_;
  double fn_total_;
  Denominators denominators_;
};

}  // namespace

AumKernel::AumKernel(int threads) : threads_(threads) {
  if (threads < 1) {
    throw ConfigError(
        fmt::format("threads is {}; the AUM kernel needs at least 1 thread", threads));
  }
}

std::size_t AumKernel::workspace_bytes() const noexcept {
  return sorter_.workspace_bytes() + bucket_sums_.capacity() * sizeof(BucketSums);
}

// Sorts, then walks every group in threshold order within each bucket and returns AUM; calls
// on_group(group, bucket). With several threads, buckets are first sorted in parallel, the
// weight below each is added up in order, and then they are walked in parallel: on_group must
// only write what belongs to its group or to its bucket's BucketSums.
template <class OnGroup>
double AumKernel::walk_groups(std::span<const double> scores, const ErrorDiffs& diffs,
                              Denominators denominators, int threads, OnGroup&& on_group) {
  if (scores.size() != diffs.size()) {
    throw std::invalid_argument(
        fmt::format("AumKernel: {} scores but {} error diffs", scores.size(), diffs.size()));
  }
  if (scores.size() < kParallelMinSize) threads = 1;
  sorter_.partition(scores, diffs.row_of_example, threads);
  const std::size_t buckets = sorter_.bucket_count();
  if (bucket_sums_.size() < buckets) bucket_sums_.resize(buckets);
  const GroupWalker walker(diffs, denominators);

  if (threads == 1 || buckets < 4 * static_cast<std::size_t>(threads)) {
    double fp_passed = 0.0, fn_passed = 0.0, previous_threshold = 0.0;
    for (std::size_t b = 0; b < buckets; ++b) {
      BucketSums& sums = bucket_sums_[b];
      sums.auc_area = 0.0;
      const RunTotals totals = walker.walk(
          sorter_.sort_bucket(b, 0), fp_passed, fn_passed, b > 0, previous_threshold,
          b + 1 == buckets, [&](const Group& group) { on_group(group, sums); },
          [&](const ThresholdEntry& ahead) { on_group.look_ahead(ahead); });
      sums.fp = totals.fp;
      sums.fn = totals.fn;
      sums.last_threshold = totals.last_threshold;
      sums.aum = totals.aum;
      fp_passed += totals.fp;
      fn_passed += totals.fn;
      previous_threshold = totals.last_threshold;
    }
  } else {
    const auto bucket_count = static_cast<std::ptrdiff_t>(buckets);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
    for (std::ptrdiff_t b = 0; b < bucket_count; ++b) {
      const RunTotals totals = walker.totals(sorter_.sort_bucket_in_place(b, thread_number()));
      bucket_sums_[b].fp = totals.fp;
      bucket_sums_[b].fn = totals.fn;
      bucket_sums_[b].last_threshold = totals.last_threshold;
    }
    // The weight below each bucket, added up in bucket order as the one-thread walk adds it.
    double fp_passed = 0.0, fn_passed = 0.0;
    for (std::size_t b = 0; b < buckets; ++b) {
      const double fp_inside = bucket_sums_[b].fp, fn_inside = bucket_sums_[b].fn;
      bucket_sums_[b].fp = fp_passed;
      bucket_sums_[b].fn = fn_passed;
      fp_passed += fp_inside;
      fn_passed += fn_inside;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
    for (std::ptrdiff_t b = 0; b < bucket_count; ++b) {
      BucketSums& sums = bucket_sums_[b];
      sums.auc_area = 0.0;
      sums.aum = walker
                     .walk(
                         sorter_.bucket(b), sums.fp, sums.fn, b > 0,
                         b > 0 ? bucket_sums_[b - 1].last_threshold : 0.0, b + 1 == bucket_count,
                         [&](const Group& group) { on_group(group, sums); },
                         [&](const ThresholdEntry& ahead) { on_group.look_ahead(ahead); })
                     .aum;
    }
  }
  double aum = 0.0;
  for (std::size_t b = 0; b < buckets; ++b) aum += bucket_sums_[b].aum;
  return aum;
}

namespace {

// The per-group work of value_and_gradient(): the mean of the two directional derivatives.
struct GradientWriter {
  const GroupWalker* walker;
  double* gradient;
  template <class Sums>
  void operator()(const Group& group, Sums&) const {
    if (group.end - group.begin == 1) {
      gradient[group.begin->example] = group.min_after - group.min_before;
      return;
    }
    for (const ThresholdEntry* entry = group.begin; entry < group.end; ++entry) {
      const auto [left, right] = walker->tied_derivatives(group, walker->rows()[entry->diff_row]);
      gradient[entry->example] = 0.5 * (left + right);
    }
  }
  void look_ahead(const ThresholdEntry& entry) const noexcept {
    __builtin_prefetch(gradient + entry.example, 1);
  }
};

// AUC by the trapezoid rule over the ROC points, accumulated per bucket in weight units so
// that unit weights give an exact sum of integers: each group adds its FP weight times the
// sum of the true-positive weight just below and just above it.
struct AucAreaAdder {
  double fn_total;
  template <class Sums>
  void operator()(const Group& group, Sums& sums) const {
    const double tp_sum = 2.0 * fn_total - group.fn_before - group.fn_after;
    sums.auc_area += (group.fp_after - group.fp_before) * tp_sum;
  }
  void look_ahead(const ThresholdEntry&) const noexcept {}
};

double auc_of_area(double area, const ErrorDiffs& diffs) {
  if (!(diffs.fp_total > 0) || !(diffs.fn_total > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return std::clamp(area / (2.0 * diffs.fp_total * diffs.fn_total), 0.0, 1.0);  // rounding
}

}  // namespace

double AumKernel::value_and_gradient(std::span<const double> scores, const ErrorDiffs& diffs,
                                     Denominators denominators, std::span<double> gradient) {
  if (gradient.size() != scores.size()) {
    throw std::invalid_argument(fmt::format("AumKernel: gradient has {} entries for {} scores",
                                            gradient.size(), scores.size()));
  }
  const GroupWalker walker(diffs, denominators);
  return walk_groups(scores, diffs, denominators, threads_,
                     GradientWriter{&walker, gradient.data()});
}

AumSummary AumKernel::summary(std::span<const double> scores, const ErrorDiffs& diffs,
                              Denominators denominators) {
  const double aum =
      walk_groups(scores, diffs, denominators, threads_, AucAreaAdder{diffs.fn_total});
  double area = 0.0;
  for (std::size_t b = 0; b < sorter_.bucket_count(); ++b) area += bucket_sums_[b].auc_area;
  return {aum, auc_of_area(area, diffs)};
}

namespace {

// The per-group work of details(): a ROC row per group, and every per-example output.
struct DetailsWriter {
  const GroupWalker* walker;
  AumDetails* out;
  double fp_denominator, fn_denominator, fn_total_rate;
  AucAreaAdder area;

  void add_roc_row(double fpr, double fnr, double min_constant, double max_constant) const {
    RocCurve& roc = out->roc;
    roc.fpr.push_back(fpr);
    roc.fnr.push_back(fnr);
    roc.tpr.push_back(fn_total_rate - fnr);
    roc.min.push_back(std::min(fpr, fnr));
    roc.min_constant.push_back(min_constant);
    roc.max_constant.push_back(max_constant);
  }
  template <class Sums>
  void operator()(const Group& group, Sums& sums) const {
    area(group, sums);
    const double fp_rate_before = group.fp_before / fp_denominator;
    const double fn_rate_before = group.fn_before / fn_denominator;
    out->roc.max_constant.back() = group.threshold;  // the previous interval ends here
    add_roc_row(group.fp_after / fp_denominator, group.fn_after / fn_denominator, group.threshold,
                std::numeric_limits<double>::infinity());
    const bool tied = group.end - group.begin > 1;
    for (const ThresholdEntry* entry = group.begin; entry < group.end; ++entry) {
      double left = group.min_after - group.min_before;
      double right = left;
      if (tied) {
        const auto derivatives = walker->tied_derivatives(group, walker->rows()[entry->diff_row]);
        left = derivatives.first;
        right = derivatives.second;
      }
      const std::size_t example = entry->example;
      out->left[example] = left;
      out->right[example] = right;
      out->gradient[example] = 0.5 * (left + right);
      out->total_error.threshold[example] = group.threshold;
      out->total_error.fp_before[example] = fp_rate_before;
      out->total_error.fn_before[example] = fn_rate_before;
    }
  }
  void look_ahead(const ThresholdEntry&) const noexcept {}
};

}  // namespace

std::vector<BucketWeights> sort_buckets_and_weigh(ThresholdSorter& sorter,
                                                  const ErrorDiffs& diffs) {
  const GroupWalker walker(diffs, Denominators{});
  std::vector<BucketWeights> weights(sorter.bucket_count());
  for (std::size_t b = 0; b < weights.size(); ++b) {
    const RunTotals totals = walker.totals(sorter.sort_bucket_in_place(b));
    weights[b] = {totals.fp, totals.fn, totals.last_threshold};
  }
  return weights;
}

std::vector<BucketStart> chain_bucket_weights(const std::vector<BucketWeights>& weights) {
  std::vector<BucketStart> starts(weights.size());
  double fp_passed = 0.0, fn_passed = 0.0;
  for (std::size_t b = 0; b < weights.size(); ++b) {
    starts[b] = {fp_passed, fn_passed, b > 0 ? weights[b - 1].last_threshold : 0.0, b > 0,
                 b + 1 == weights.size()};
    fp_passed += weights[b].fp;
    fn_passed += weights[b].fn;
  }
  return starts;
}

BucketShares walk_sorted_bucket(const ThresholdSorter& sorter, std::size_t bucket,
                                const ErrorDiffs& diffs, Denominators denominators,
                                const BucketStart& start, double* gradient) {
  const GroupWalker walker(diffs, denominators);
  BucketShares shares;
  const GradientWriter writer{&walker, gradient};
  const AucAreaAdder area{diffs.fn_total};
  shares.aum = walker
                   .walk(
                       sorter.bucket(bucket), start.fp_passed, start.fn_passed, start.has_previous,
                       start.previous_threshold, start.last,
                       [&](const Group& group) {
                         area(group, shares);
                         if (gradient != nullptr) writer(group, shares);
                       },
                       [&](const ThresholdEntry& ahead) {
                         if (gradient != nullptr) writer.look_ahead(ahead);
                       })
                   .aum;
  return shares;
}

double auc_of_bucket_area(double area, const ErrorDiffs& diffs) {
  return auc_of_area(area, diffs);
}

AumDetails AumKernel::details(std::span<const double> scores, const ErrorDiffs& diffs,
                              Denominators denominators) {
  const std::size_t n = scores.size();
  AumDetails out;
  out.left.resize(n);
  out.right.resize(n);
  out.gradient.resize(n);
  out.total_error.threshold.resize(n);
  out.total_error.fp_before.resize(n);
  out.total_error.fn_before.resize(n);
  const GroupWalker walker(diffs, denominators);
  const DetailsWriter writer{&walker,
                             &out,
                             denominators.fp,
                             denominators.fn,
                             diffs.fn_total / denominators.fn,
                             AucAreaAdder{diffs.fn_total}};
  const double inf = std::numeric_limits<double>::infinity();
  writer.add_roc_row(0.0, writer.fn_total_rate, -inf, inf);
  out.aum = walk_groups(scores, diffs, denominators, 1, writer);
  double area = 0.0;
  for (std::size_t b = 0; b < sorter_.bucket_count(); ++b) area += bucket_sums_[b].auc_area;
  out.auc = auc_of_area(area, diffs);
  return out;
}

}  // namespace aumtrain
