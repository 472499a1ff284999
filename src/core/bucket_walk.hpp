// The AUM kernel's steps on one bucket at a time, for a kernel that holds only some of the
// buckets (distributed_aum.cpp): defined in aum_kernel.cpp with the walk that AumKernel uses,
// so that both add up the same numbers in the same order.
#pragma once

#include <cstddef>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/threshold_sort.hpp"

namespace aumtrain {

/// The weight passed inside one bucket, and its last threshold.
struct BucketWeights {
  double fp = 0;
  double fn = 0;
  double last_threshold = 0;
};

/// Where a bucket's walk starts: the weight passed below it, summed bucket after bucket from
/// the first, and the last threshold of the bucket before it.
struct BucketStart {
  double fp_passed = 0;
  double fn_passed = 0;
  double previous_threshold = 0;
  bool has_previous = false;  ///< false for the first bucket of all
  bool last = false;          ///< the last bucket of all: its end is FP total, FN 0 exactly
};

/// A bucket's shares of AUM (from the previous bucket's last threshold on) and of the AUC area.
struct BucketShares {
  double aum = 0;
  double auc_area = 0;
};

/// Sorts every bucket of `sorter` in place and returns the weight inside each, with `diffs`
/// (whose fp_total and fn_total are those of all the buckets, held here or not).
std::vector<BucketWeights> sort_buckets_and_weigh(ThresholdSorter& sorter, const ErrorDiffs& diffs);

/// The weight below each bucket, added up in bucket order as AumKernel adds it.
std::vector<BucketStart> chain_bucket_weights(const std::vector<BucketWeights>& weights);

/// Walks bucket `bucket` of `sorter` (sorted in place) from `start`; writes the training
/// gradient of each of its entries into gradient[entry.example] unless `gradient` is null.
BucketShares walk_sorted_bucket(const ThresholdSorter& sorter, std::size_t bucket,
                                const ErrorDiffs& diffs, Denominators denominators,
                                const BucketStart& start, double* gradient);

/// AUC from the sum of the buckets' AUC areas (NaN when a class has no weight).
double auc_of_bucket_area(double area, const ErrorDiffs& diffs);

}  // namespace aumtrain
