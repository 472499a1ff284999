// The exact AUM kernel (math §2-§4): from scores and error diffs, one sort gives the ROC curve,
// AUC, AUM, and the left and right directional derivatives of AUM for every example.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "aumtrain/error_diffs.hpp"

namespace aumtrain {

/// The ROC curve as a table (math §3): one row per interval between distinct thresholds, K + 1
/// rows for K distinct thresholds. With the rate denominator FPR and FNR are rates; with count
/// they are (weighted) counts and TPR is the count of true positives.
struct RocCurve {
  std::vector<double> fpr;
  std::vector<double> fnr;
  std::vector<double> tpr;           ///< FN total minus FNR (1 - FNR for rates)
  std::vector<double> min;           ///< min(FPR, FNR)
  std::vector<double> min_constant;  ///< constants c in (min_constant, max_constant), added
  std::vector<double> max_constant;  ///< to every score, give this row's errors
  std::size_t size() const noexcept { return fpr.size(); }
};

/// Per example, in input order: its threshold (-score) and the errors just below it.
struct TotalError {
  std::vector<double> threshold;
  std::vector<double> fp_before;
  std::vector<double> fn_before;
};

/// Everything the kernel computes, per example in input order.
struct AumDetails {
  double aum = 0;
  double auc = 0;             ///< NaN when a class has no weight
  std::vector<double> left;   ///< D-_i: derivative when score i decreases (math §4)
  std::vector<double> right;  ///< D+_i: derivative when score i increases
  std::vector<double> gradient;  ///< (left + right) / 2
  TotalError total_error;
  RocCurve roc;
};

struct AumSummary {
  double aum = 0;
  double auc = 0;  ///< NaN when a class has no weight
};

/// Computes AUM and its relatives in O(N) memory and, for large N, O(N) time (a radix sort of
/// order-preserving 64-bit keys, then one pass over the groups of tied thresholds). The object
/// holds the workspace: keep one per thread and reuse it, and calls after the first with the same
/// or a smaller N allocate nothing. Scores must be finite: a NaN or infinite score throws
/// DataError naming its row.
class AumKernel {
 public:
  /// AUM, with the mean of the left and right derivatives written into `gradient` (same size as
  /// `scores`). This is the training gradient.
  double value_and_gradient(std::span<const double> scores, const ErrorDiffs& diffs,
                            Denominators denominators, std::span<double> gradient);

  /// AUM and AUC only.
  AumSummary summary(std::span<const double> scores, const ErrorDiffs& diffs,
                     Denominators denominators);

  /// Every output: ROC table, AUC, AUM, derivative matrix, gradient and total error.
  AumDetails details(std::span<const double> scores, const ErrorDiffs& diffs,
                     Denominators denominators);

 private:
  struct Entry {
    std::uint64_t key;        // order-preserving bits of the threshold -score
    std::uint32_t example;    // input position
    std::uint32_t diff_row;   // row of ErrorDiffs::rows
  };
  struct Group;
  void sort_by_threshold(std::span<const double> scores, const ErrorDiffs& diffs);
  template <class OnGroup>
  void for_each_group(const ErrorDiffs& diffs, OnGroup&& on_group) const;

  std::vector<Entry> entries_;
  std::vector<Entry> scratch_;
};

/// The order-preserving unsigned key of a threshold, after normalising -0.0 to 0.0.
std::uint64_t threshold_key(double threshold) noexcept;
/// The threshold a key was made from.
double key_threshold(std::uint64_t key) noexcept;

}  // namespace aumtrain
