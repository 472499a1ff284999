// The exact AUM kernel (docs/math.md): from scores and error diffs, one sort gives the ROC curve,
// AUC, AUM, and the left and right directional derivatives of AUM for every example.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/threshold_sort.hpp"

namespace aumtrain {

/// The ROC curve as a table (docs/math.md, "The ROC table and AUC"): one row per interval between
/// distinct thresholds, K + 1 rows for K distinct thresholds. With the rate denominator FPR and FNR
/// are rates; with count they are (weighted) counts and TPR is the count of true positives.
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
  double auc = 0;                ///< NaN when a class has no weight
  std::vector<double> left;      ///< D-_i: derivative when score i decreases
  std::vector<double> right;     ///< D+_i: derivative when score i increases
  std::vector<double> gradient;  ///< (left + right) / 2
  TotalError total_error;
  RocCurve roc;
};

struct AumSummary {
  double aum = 0;
  double auc = 0;  ///< NaN when a class has no weight
};

/// Computes AUM and its relatives in O(N) memory and, for large N, O(N) expected time (a radix
/// partition of order-preserving 64-bit keys into cache-sized buckets, then one pass over the
/// groups of tied thresholds, bucket by bucket). The object holds the workspace: keep one per
/// thread and reuse it, and calls after the first with the same or a smaller N allocate nothing.
/// Scores must be finite: a NaN or infinite score throws DataError naming its row.
///
/// Results are deterministic and do not depend on the number of threads: the running error
/// sums are taken per bucket, in threshold order with ties in input order, and chained from
/// bucket to bucket in the same way on one thread or several.
class AumKernel {
 public:
  /// `threads` (>= 1, default 1) threads share the work of value_and_gradient() and summary()
  /// from N = 2^18 on; details() always runs on one. Use it on otherwise idle cores: each call
  /// waits for the slowest thread at every phase. Throws ConfigError when `threads` < 1.
  explicit AumKernel(int threads = 1);

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

  int threads() const noexcept { return threads_; }
  /// Bytes of workspace held now (it grows to about 17 bytes per example on one thread).
  std::size_t workspace_bytes() const noexcept;

 private:
  // Per bucket: the weight passed inside it, its last threshold and its share of the outputs.
  struct BucketSums {
    double fp = 0;
    double fn = 0;
    double last_threshold = 0;
    double aum = 0;
    double auc_area = 0;
  };
  template <class OnGroup>
  double walk_groups(std::span<const double> scores, const ErrorDiffs& diffs,
                     Denominators denominators, int threads, OnGroup&& on_group);

  int threads_ = 1;
  ThresholdSorter sorter_;
  std::vector<BucketSums> bucket_sums_;
};

}  // namespace aumtrain
