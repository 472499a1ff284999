#include "aumtrain/aum_kernel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "aumtrain/errors.hpp"

namespace aumtrain {
namespace {

constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;
constexpr std::uint64_t kExponentBits = std::uint64_t{0x7FF} << 52;

// Below this size a comparison sort beats the radix passes' fixed cost.
constexpr std::size_t kRadixMinSize = 256;
constexpr int kDigitBits = 11;
constexpr int kDigitCount = (64 + kDigitBits - 1) / kDigitBits;  // 6 passes
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;

[[noreturn]] void throw_non_finite(double score, std::size_t example) {
  throw DataError(fmt::format("score {} at row {} is not finite; scores must be finite numbers",
                              score, example + 1));
}

void check_sizes(std::span<const double> scores, const ErrorDiffs& diffs) {
  if (scores.size() != diffs.size()) {
    throw std::invalid_argument(fmt::format("AumKernel: {} scores but {} error diffs",
                                            scores.size(), diffs.size()));
  }
  if (scores.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw DataError(fmt::format("{} examples is more than the AUM kernel's limit of {}",
                                scores.size(), std::numeric_limits<std::uint32_t>::max()));
  }
}

}  // namespace

std::uint64_t threshold_key(double threshold) noexcept {
  if (threshold == 0.0) threshold = 0.0;  // -0.0 and 0.0 are one threshold
  const auto bits = std::bit_cast<std::uint64_t>(threshold);
  return (bits & kSignBit) ? ~bits : bits | kSignBit;
}

double key_threshold(std::uint64_t key) noexcept {
  return std::bit_cast<double>((key & kSignBit) ? key & ~kSignBit : ~key);
}

// One run of entries with the same threshold, and the errors around it in weight units.
struct AumKernel::Group {
  std::size_t begin;
  std::size_t end;
  double threshold;
  double fp_before, fn_before;  // weight units, just below the threshold
  double fp_after, fn_after;    // weight units, just above it
};

void AumKernel::sort_by_threshold(std::span<const double> scores, const ErrorDiffs& diffs) {
  check_sizes(scores, diffs);
  const std::size_t n = scores.size();
  entries_.resize(n);
  Entry* entries = entries_.data();
  const std::uint32_t* rows = diffs.row_of_example.data();

  if (n < kRadixMinSize) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto bits = std::bit_cast<std::uint64_t>(scores[i]);
      if ((bits & kExponentBits) == kExponentBits) throw_non_finite(scores[i], i);
      entries[i] = Entry{threshold_key(-scores[i]), static_cast<std::uint32_t>(i), rows[i]};
    }
    std::sort(entries, entries + n, [](const Entry& a, const Entry& b) {
      return a.key < b.key || (a.key == b.key && a.example < b.example);
    });
    return;
  }

  // LSD radix sort, stable, so tied thresholds stay in input order (which makes every sum over
  // a tie group, and so every output, independent of the sorting method).
  std::array<std::array<std::uint32_t, kBuckets>, kDigitCount> counts{};
  for (std::size_t i = 0; i < n; ++i) {
    const auto bits = std::bit_cast<std::uint64_t>(scores[i]);
    if ((bits & kExponentBits) == kExponentBits) throw_non_finite(scores[i], i);
    const std::uint64_t key = threshold_key(-scores[i]);
    entries[i] = Entry{key, static_cast<std::uint32_t>(i), rows[i]};
    for (int d = 0; d < kDigitCount; ++d) ++counts[d][(key >> (d * kDigitBits)) & (kBuckets - 1)];
  }
  scratch_.resize(n);
  Entry* source = entries_.data();
  Entry* target = scratch_.data();
  for (int d = 0; d < kDigitCount; ++d) {
    const int shift = d * kDigitBits;
    auto& count = counts[d];
    if (count[(source[0].key >> shift) & (kBuckets - 1)] == n) continue;  // one bucket: no-op
    std::uint32_t offset = 0;
    for (auto& c : count) {
      const std::uint32_t size = c;
      c = offset;
      offset += size;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Entry entry = source[i];
      target[count[(entry.key >> shift) & (kBuckets - 1)]++] = entry;
    }
    std::swap(source, target);
  }
  if (source != entries_.data()) entries_.swap(scratch_);
}

template <class OnGroup>
void AumKernel::for_each_group(const ErrorDiffs& diffs, OnGroup&& on_group) const {
  const Entry* entries = entries_.data();
  const DiffRow* rows = diffs.rows.data();
  const std::size_t n = entries_.size();
  double fp_before = 0.0;
  double fn_before = diffs.fn_total;
  std::size_t begin = 0;
  while (begin < n) {
    const std::uint64_t key = entries[begin].key;
    double fp_sum = rows[entries[begin].diff_row].fp;
    double fn_sum = rows[entries[begin].diff_row].fn;
    std::size_t end = begin + 1;
    for (; end < n && entries[end].key == key; ++end) {
      fp_sum += rows[entries[end].diff_row].fp;
      fn_sum += rows[entries[end].diff_row].fn;
    }
    Group group{begin, end, key_threshold(key), fp_before, fn_before,
                fp_before + fp_sum, fn_before - fn_sum};
    if (end == n) {  // exact ends, whatever the rounding of the running sums
      group.fp_after = diffs.fp_total;
      group.fn_after = 0.0;
    }
    if (group.fn_after < 0.0) group.fn_after = 0.0;
    on_group(group);
    fp_before = group.fp_after;
    fn_before = group.fn_after;
    begin = end;
  }
}

double AumKernel::value_and_gradient(std::span<const double> scores, const ErrorDiffs& diffs,
                                     Denominators denominators, std::span<double> gradient) {
  if (gradient.size() != scores.size()) {
    throw std::invalid_argument(fmt::format("AumKernel: gradient has {} entries for {} scores",
                                            gradient.size(), scores.size()));
  }
  sort_by_threshold(scores, diffs);
  const DiffRow* rows = diffs.rows.data();
  const Entry* entries = entries_.data();
  double* grad = gradient.data();
  const double fp_denominator = denominators.fp;
  const double fn_denominator = denominators.fn;

  double aum = 0.0;
  double previous_threshold = 0.0;
  double previous_min = 0.0;  // min(FP, FN) on the interval above the previous threshold
  double fp_rate_before = 0.0;
  double fn_rate_before = diffs.fn_total / fn_denominator;
  bool first = true;
  for_each_group(diffs, [&](const Group& group) {
    const double fp_rate_after = group.fp_after / fp_denominator;
    const double fn_rate_after = group.fn_after / fn_denominator;
    const double min_before = std::min(fp_rate_before, fn_rate_before);
    const double min_after = std::min(fp_rate_after, fn_rate_after);
    if (!first) aum += previous_min * (group.threshold - previous_threshold);
    if (group.end - group.begin == 1) {
      grad[entries[group.begin].example] = min_after - min_before;
    } else {
      for (std::size_t k = group.begin; k < group.end; ++k) {
        const DiffRow& diff = rows[entries[k].diff_row];
        const double right = std::min((group.fp_before + diff.fp) / fp_denominator,
                                      (group.fn_before - diff.fn) / fn_denominator) -
                             min_before;
        const double left = min_after - std::min((group.fp_after - diff.fp) / fp_denominator,
                                                 (group.fn_after + diff.fn) / fn_denominator);
        grad[entries[k].example] = 0.5 * (left + right);
      }
    }
    first = false;
    previous_threshold = group.threshold;
    previous_min = min_after;
    fp_rate_before = fp_rate_after;
    fn_rate_before = fn_rate_after;
  });
  return aum;
}

namespace {

// AUC by the trapezoid rule over the ROC points, accumulated in weight units so that unit
// weights give an exact sum of integers: each group adds its FP weight times the mean of the
// true-positive weight just below and just above it.
class AucAccumulator {
 public:
  explicit AucAccumulator(const ErrorDiffs& diffs) : diffs_(diffs) {}
  void add(double fp_before, double fp_after, double fn_before, double fn_after) {
    const double tp_sum = 2.0 * diffs_.fn_total - fn_before - fn_after;
    area_ += (fp_after - fp_before) * tp_sum;
  }
  double auc() const {
    if (!(diffs_.fp_total > 0) || !(diffs_.fn_total > 0)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return area_ / (2.0 * diffs_.fp_total * diffs_.fn_total);
  }

 private:
  const ErrorDiffs& diffs_;
  double area_ = 0.0;
};

}  // namespace

AumSummary AumKernel::summary(std::span<const double> scores, const ErrorDiffs& diffs,
                              Denominators denominators) {
  sort_by_threshold(scores, diffs);
  AucAccumulator auc(diffs);
  double aum = 0.0;
  double previous_threshold = 0.0;
  double previous_min = 0.0;
  bool first = true;
  for_each_group(diffs, [&](const Group& group) {
    if (!first) aum += previous_min * (group.threshold - previous_threshold);
    auc.add(group.fp_before, group.fp_after, group.fn_before, group.fn_after);
    first = false;
    previous_threshold = group.threshold;
    previous_min = std::min(group.fp_after / denominators.fp, group.fn_after / denominators.fn);
  });
  return {aum, auc.auc()};
}

AumDetails AumKernel::details(std::span<const double> scores, const ErrorDiffs& diffs,
                              Denominators denominators) {
  sort_by_threshold(scores, diffs);
  const std::size_t n = scores.size();
  const double fp_denominator = denominators.fp;
  const double fn_denominator = denominators.fn;
  const double fn_total_rate = diffs.fn_total / fn_denominator;
  const double inf = std::numeric_limits<double>::infinity();

  AumDetails out;
  out.left.resize(n);
  out.right.resize(n);
  out.gradient.resize(n);
  out.total_error.threshold.resize(n);
  out.total_error.fp_before.resize(n);
  out.total_error.fn_before.resize(n);
  RocCurve& roc = out.roc;
  auto add_roc_row = [&](double fpr, double fnr, double min_constant, double max_constant) {
    roc.fpr.push_back(fpr);
    roc.fnr.push_back(fnr);
    roc.tpr.push_back(fn_total_rate - fnr);
    roc.min.push_back(std::min(fpr, fnr));
    roc.min_constant.push_back(min_constant);
    roc.max_constant.push_back(max_constant);
  };
  add_roc_row(0.0, fn_total_rate, -inf, inf);

  AucAccumulator auc(diffs);
  double aum = 0.0;
  for_each_group(diffs, [&](const Group& group) {
    const double fp_rate_before = group.fp_before / fp_denominator;
    const double fn_rate_before = group.fn_before / fn_denominator;
    const double fp_rate_after = group.fp_after / fp_denominator;
    const double fn_rate_after = group.fn_after / fn_denominator;
    const double min_before = std::min(fp_rate_before, fn_rate_before);
    const double min_after = std::min(fp_rate_after, fn_rate_after);
    // The previous row's interval ends at this threshold.
    roc.max_constant.back() = group.threshold;
    if (roc.size() > 1) aum += roc.min.back() * (group.threshold - roc.min_constant.back());
    add_roc_row(fp_rate_after, fn_rate_after, group.threshold, inf);
    auc.add(group.fp_before, group.fp_after, group.fn_before, group.fn_after);
    for (std::size_t k = group.begin; k < group.end; ++k) {
      const std::size_t example = entries_[k].example;
      const DiffRow& diff = diffs.rows[entries_[k].diff_row];
      double left = min_after - min_before;
      double right = left;
      if (group.end - group.begin > 1) {
        right = std::min((group.fp_before + diff.fp) / fp_denominator,
                         (group.fn_before - diff.fn) / fn_denominator) -
                min_before;
        left = min_after - std::min((group.fp_after - diff.fp) / fp_denominator,
                                    (group.fn_after + diff.fn) / fn_denominator);
      }
      out.left[example] = left;
      out.right[example] = right;
      out.gradient[example] = 0.5 * (left + right);
      out.total_error.threshold[example] = group.threshold;
      out.total_error.fp_before[example] = fp_rate_before;
      out.total_error.fn_before[example] = fn_rate_before;
    }
  });
  out.aum = aum;
  out.auc = auc.auc();
  return out;
}

}  // namespace aumtrain
