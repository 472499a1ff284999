// The exact AUM kernel over examples spread across the ranks of a Communicator, with no rank
// holding every score: a distributed histogram sort on the kernel's own keys and buckets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/threshold_sort.hpp"

namespace aumtrain {

/// Bytes one rank sent in the last call, for cost reports.
struct ExchangeVolume {
  std::uint64_t entries_sent = 0;  ///< examples whose (key, diff) went to another rank
  std::uint64_t bytes_sent = 0;    ///< bytes this rank put into collectives, approximately
};

/// AUM, AUC and the training gradient of examples spread over ranks, the same bits as AumKernel
/// on all of them in one process. Each rank passes its examples, which must be consecutive in
/// the global input order, rank 0's first: ties are broken by that order, as AumKernel breaks
/// them by input order. `diffs` holds the rank's own rows, with fp_total and fn_total the
/// totals over every rank (the same bits everywhere).
///
/// How (each step a collective): the key range and a histogram of the keys on the bins of
/// key_binning() are reduced over the ranks, and the bins merged into AumKernel's buckets; the
/// buckets are cut into one run of consecutive buckets per rank, of balanced counts, so that
/// tied scores always meet on one rank; each example's (key, fp, fn) goes to the rank of its
/// bucket (alltoallv); each rank sorts its buckets and adds up their weights; the per-bucket
/// sums are gathered and chained in bucket order, as the one-process kernel chains them, which
/// gives each rank the weight below its buckets; it walks them, and the derivatives go back to
/// their examples (alltoallv). Any error, such as a score that is not finite on one rank, is
/// thrown on every rank.
class DistributedAumKernel {
 public:
  explicit DistributedAumKernel(Communicator& communicator) : communicator_(&communicator) {}

  /// AUM of every rank's examples, with the mean of the left and right derivatives of this
  /// rank's examples written into `gradient`.
  double value_and_gradient(std::span<const double> scores, const ErrorDiffs& diffs,
                            Denominators denominators, std::span<double> gradient);

  /// AUM and AUC of every rank's examples.
  AumSummary summary(std::span<const double> scores, const ErrorDiffs& diffs,
                     Denominators denominators);

  const ExchangeVolume& last_exchange() const noexcept { return volume_; }

 private:
  /// AUM; the gradient when `auc_area` is null, else the AUC area into it.
  double run(std::span<const double> scores, const ErrorDiffs& diffs, Denominators denominators,
             std::span<double> gradient, double* auc_area);

  Communicator* communicator_;
  ThresholdSorter sorter_;
  ExchangeVolume volume_;
};

}  // namespace aumtrain
