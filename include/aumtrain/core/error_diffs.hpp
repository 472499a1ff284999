// Error diffs (docs/math.md, "Error diffs"): how much each example moves the false positive and
// false negative error functions when the threshold passes it. Binary labels, weights and the
// rate/count denominator all become diffs; the AUM kernel only ever sees diffs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "aumtrain/core/communicator.hpp"

namespace aumtrain {

/// What FP and FN are divided by: `rate` divides by the total negative (FP) and positive (FN)
/// weight, so both errors lie in [0, 1]; `count` divides by 1, so they are (weighted) counts.
enum class Denominator { rate, count };

/// "rate" or "count"; anything else throws ConfigError listing the valid names.
Denominator parse_denominator(std::string_view name);
std::string_view denominator_name(Denominator denominator);

/// The contribution of one example, in weight units: when the threshold moves past the example
/// (it turns from predicted negative to predicted positive), FP rises by `fp` and FN falls by
/// `fn`. Both are >= 0. Divided by the denominators they are the a_i and b_i of docs/math.md.
struct DiffRow {
  double fp = 0;
  double fn = 0;
};

/// Per-example diffs in a compact form: each example names a row of a small table. Unweighted
/// binary labels need two rows, which keeps the kernel's look-ups in the L1 cache; weighted
/// labels get one row per distinct (class, weight) pair.
struct ErrorDiffs {
  std::vector<std::uint32_t> row_of_example;
  std::vector<DiffRow> rows;
  double fp_total = 0;  ///< sum of fp over all examples: FP above every threshold
  double fn_total = 0;  ///< sum of fn over all examples: FN below every threshold

  std::size_t size() const noexcept { return row_of_example.size(); }
  const DiffRow& diff(std::size_t example) const { return rows[row_of_example[example]]; }
};

/// The two divisors that turn weight units into FP and FN values.
struct Denominators {
  double fp = 1;
  double fn = 1;
};

/// For `rate`, the totals of `diffs`; throws DataError when one class is absent (a rate would be
/// 0/0). For `count`, both are 1.
Denominators make_denominators(const ErrorDiffs& diffs, Denominator denominator);

/// Validated binary labels, optional weights, and their error diffs.
struct BinaryTargets {
  std::vector<std::uint8_t> is_positive;  ///< 1 for a positive example, 0 for a negative one
  std::vector<double> weight;             ///< empty: every example weighs 1
  std::size_t positive_count = 0;
  std::size_t negative_count = 0;
  double positive_weight = 0;  ///< sum of the positive examples' weights
  double negative_weight = 0;  ///< sum of the negative examples' weights
  ErrorDiffs error_diffs;
  /// Where the set's examples are: communicator null when this process holds them all; else
  /// this rank's blocks of a set spread over ranks, whose counts, weights and error-diff totals
  /// above are those of the whole set.
  RowBlocks spread;

  std::size_t size() const noexcept { return is_positive.size(); }
  double weight_of(std::size_t example) const { return weight.empty() ? 1.0 : weight[example]; }
};

/// Labels in {0, 1} or in {-1, 1} (1 is positive). Any other value, or a mix of 0 and -1, throws
/// DataError naming the value and its row (1-based). Weights, when given, must be finite and
/// >= 0 and as many as the labels.
BinaryTargets make_binary_targets(std::span<const double> labels,
                                  std::span<const double> weights = {});

/// The error diffs of unweighted binary labels, as make_binary_targets(labels).error_diffs, built
/// into `diffs` and reusing its storage: converting labels at every call (as a benchmark from
/// the raw vectors does) then allocates nothing after the first call. Throws DataError as
/// make_binary_targets does, leaving `diffs` unspecified.
void assign_binary_error_diffs(std::span<const double> labels, ErrorDiffs& diffs);

/// From class flags (nonzero is positive) that were validated elsewhere.
BinaryTargets make_binary_targets_from_flags(std::vector<std::uint8_t> is_positive,
                                             std::vector<double> weights = {});

/// The targets of a whole set spread over ranks (targets.spread names them), gathered on every
/// rank in the set's order and made as make_binary_targets_from_flags() makes them in one
/// process; a copy of `targets` when the set is not spread. Collective when it is.
BinaryTargets gathered_targets(const BinaryTargets& targets);

}  // namespace aumtrain
