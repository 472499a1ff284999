#include "aumtrain/core/distributed_aum.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "aumtrain/core/errors.hpp"
#include "bucket_walk.hpp"

namespace aumtrain {
namespace {

// What an example sends to the rank of its bucket; its origin is implicit: records arrive in
// rank order, each rank's in its input order, and the derivatives go back in the same order.
struct KeyedDiff {
  std::uint64_t key;
  double fp;
  double fn;
};

// The global facts every rank needs before bucketing.
struct KeySpan {
  std::uint64_t examples = 0;       // over every rank
  std::uint64_t first_example = 0;  // this rank's first, in the global order
  std::uint64_t key_min = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t key_max = 0;
};

// Keys of this rank's scores; every rank throws DataError naming the first score that is not
// finite (its global row) when any rank has one.
std::vector<std::uint64_t> keys_of_scores(Communicator& communicator,
                                          std::span<const double> scores, const ErrorDiffs& diffs,
                                          std::size_t gradient_size, KeySpan& span) {
  std::vector<std::uint64_t> keys(scores.size());
  span.first_example = communicator.exscan_sum(scores.size());
  communicator.collectively([&] {
    if (scores.size() != diffs.size() || gradient_size != scores.size()) {
      throw std::invalid_argument(
          fmt::format("DistributedAumKernel: {} scores, {} error diffs, {} gradient entries",
                      scores.size(), diffs.size(), gradient_size));
    }
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (!std::isfinite(scores[i])) {
        throw DataError(
            fmt::format("score {} at row {} is not finite; scores must be finite "
                        "numbers",
                        scores[i], span.first_example + i + 1));
      }
      keys[i] = threshold_key(-scores[i]);
    }
  });
  std::uint64_t range[2] = {std::numeric_limits<std::uint64_t>::max(),
                            std::numeric_limits<std::uint64_t>::max()};
  for (const std::uint64_t key : keys) {
    range[0] = std::min(range[0], key);
    range[1] = std::min(range[1], ~key);  // the largest key, as the smallest complement
  }
  communicator.allreduce_min(range);
  span.key_min = range[0];
  span.key_max = ~range[1];
  span.examples = scores.size();
  communicator.allreduce_sum({&span.examples, 1});
  return keys;
}

// The buckets of every rank's keys, as ThresholdSorter::partition() would make them of all the
// keys in one process, and which rank walks each.
struct DistributedBuckets {
  bool one_bucket = true;
  KeyBinning binning;
  std::vector<std::uint32_t> bin_bucket;  // per histogram bin
  std::vector<std::uint64_t> bucket_size;
  std::vector<std::uint64_t> bucket_keys;  // per bucket, its smallest and largest possible key
  std::vector<int> owner;                  // per bucket, the rank that walks it
  std::size_t first_owned = 0, end_owned = 0;

  std::size_t bucket_of(std::uint64_t key) const {
    return one_bucket ? 0 : bin_bucket[binning.bin_of(key)];
  }
  std::size_t bucket_count() const { return bucket_size.size(); }

  // Merges the bins of a global histogram into buckets as ThresholdSorter does.
  void merge_bins(const std::vector<std::uint64_t>& histogram, std::size_t bin_first) {
    const std::uint64_t low_bits = binning.shift == 0 ? 0 : (std::uint64_t{1} << binning.shift) - 1;
    const auto close = [&](std::size_t size, std::size_t low_bin, std::size_t high_bin) {
      bucket_size.push_back(size);
      bucket_keys.push_back((low_bin + binning.base) << binning.shift);
      bucket_keys.push_back(((high_bin + binning.base) << binning.shift) | low_bits);
    };
    bin_bucket.assign(histogram.size(), 0);
    std::size_t filled = 0, low_bin = bin_first, high_bin = bin_first;
    for (std::size_t bin = bin_first; bin < histogram.size(); ++bin) {
      const std::size_t count = histogram[bin];
      bin_bucket[bin] = static_cast<std::uint32_t>(bucket_size.size());
      if (count == 0) continue;
      if (ThresholdSorter::bucket_is_full(filled, count)) {
        close(filled, low_bin, high_bin);
        filled = 0;
        bin_bucket[bin] = static_cast<std::uint32_t>(bucket_size.size());
      }
      if (filled == 0) low_bin = bin;
      high_bin = bin;
      filled += count;
    }
    close(filled, low_bin, high_bin);
  }

  // Cuts the buckets into one run of consecutive buckets per rank, each rank's share of the
  // examples as even as whole buckets allow: a bucket goes to the rank whose share holds its
  // middle example.
  void assign_owners(std::uint64_t examples, int ranks, int rank) {
    owner.resize(bucket_count());
    std::uint64_t before = 0;
    for (std::size_t b = 0; b < bucket_count(); ++b) {
      const std::uint64_t middle = before + bucket_size[b] / 2;
      owner[b] = static_cast<int>(
          std::min<std::uint64_t>(middle * static_cast<std::uint64_t>(ranks) / examples,
                                  static_cast<std::uint64_t>(ranks - 1)));
      before += bucket_size[b];
    }
    first_owned = static_cast<std::size_t>(std::lower_bound(owner.begin(), owner.end(), rank) -
                                           owner.begin());
    end_owned = static_cast<std::size_t>(std::upper_bound(owner.begin(), owner.end(), rank) -
                                         owner.begin());
  }
};

// The buckets of all ranks' keys: one for at most kBucketTarget examples, as in one process;
// else a histogram on key_binning()'s bins, summed over the ranks and merged.
void plan_buckets(Communicator& communicator, const std::vector<std::uint64_t>& keys,
                  const KeySpan& span, DistributedBuckets& plan, std::uint64_t& bytes) {
  if (span.examples <= ThresholdSorter::kBucketTarget) {
    plan.one_bucket = true;
    plan.bucket_size = {span.examples};
    plan.bucket_keys = {span.key_min, span.key_max};
    return;
  }
  plan.one_bucket = false;
  plan.binning = key_binning(span.examples, span.key_min, span.key_max);
  std::vector<std::uint64_t> histogram(plan.binning.bin_of(span.key_max) + 1, 0);
  for (const std::uint64_t key : keys) ++histogram[plan.binning.bin_of(key)];
  communicator.allreduce_sum(histogram);
  bytes += histogram.size() * sizeof(std::uint64_t);
  plan.merge_bins(histogram, plan.binning.bin_of(span.key_min));
}

// The (key, fp, fn) records in the order they go out: to rank 0, then rank 1, ..., each rank's
// in input order; position[i] is where example i's record is, and where its derivative comes
// back.
struct OutgoingRecords {
  std::vector<KeyedDiff> records;
  std::vector<std::size_t> counts;  // per rank
  std::vector<std::size_t> position;
  std::uint64_t to_other_ranks = 0;
};

OutgoingRecords records_for_owners(const std::vector<std::uint64_t>& keys, const ErrorDiffs& diffs,
                                   const DistributedBuckets& plan, int ranks, int rank) {
  OutgoingRecords out;
  out.counts.assign(static_cast<std::size_t>(ranks), 0);
  std::vector<int> destination(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    destination[i] = plan.owner[plan.bucket_of(keys[i])];
    ++out.counts[static_cast<std::size_t>(destination[i])];
  }
  std::vector<std::size_t> next(out.counts.size(), 0);
  for (std::size_t r = 1; r < next.size(); ++r) next[r] = next[r - 1] + out.counts[r - 1];
  out.position.resize(keys.size());
  out.records.resize(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::size_t position = next[static_cast<std::size_t>(destination[i])]++;
    out.position[i] = position;
    const DiffRow& diff = diffs.diff(i);
    out.records[position] = {keys[i], diff.fp, diff.fn};
  }
  out.to_other_ranks = keys.size() - out.counts[static_cast<std::size_t>(rank)];
  return out;
}

// Puts the records this rank received, which are in the global input order, into `sorter` as
// its owned buckets, and returns their diffs (one row per record, with the global totals of
// `diffs`). A record's example and diff row are its place in `incoming`.
ErrorDiffs load_owned_buckets(const std::vector<KeyedDiff>& incoming,
                              const DistributedBuckets& plan, const ErrorDiffs& diffs,
                              ThresholdSorter& sorter) {
  const std::size_t owned = plan.end_owned - plan.first_owned;
  std::vector<std::uint32_t> owned_sizes(owned, 0);
  std::vector<std::size_t> bucket_of_record(incoming.size());
  for (std::size_t j = 0; j < incoming.size(); ++j) {
    bucket_of_record[j] = plan.bucket_of(incoming[j].key) - plan.first_owned;
    ++owned_sizes[bucket_of_record[j]];
  }
  std::vector<std::size_t> bucket_next(owned, 0);
  for (std::size_t b = 1; b < owned; ++b) bucket_next[b] = bucket_next[b - 1] + owned_sizes[b - 1];
  std::vector<ThresholdEntry> entries(incoming.size());
  ErrorDiffs received;
  received.rows.resize(incoming.size());
  received.fp_total = diffs.fp_total;
  received.fn_total = diffs.fn_total;
  for (std::size_t j = 0; j < incoming.size(); ++j) {
    const auto record = static_cast<std::uint32_t>(j);
    entries[bucket_next[bucket_of_record[j]]++] = {incoming[j].key, record, record};
    received.rows[j] = {incoming[j].fp, incoming[j].fn};
  }
  sorter.assign_buckets(
      entries, owned_sizes,
      std::span<const std::uint64_t>(plan.bucket_keys).subspan(2 * plan.first_owned, 2 * owned));
  return received;
}

}  // namespace

double DistributedAumKernel::run(std::span<const double> scores, const ErrorDiffs& diffs,
                                 Denominators denominators, std::span<double> gradient,
                                 double* auc_area) {
  const bool want_gradient = auc_area == nullptr;
  Communicator& communicator = *communicator_;
  volume_ = {};
  KeySpan span;
  const std::vector<std::uint64_t> keys = keys_of_scores(
      communicator, scores, diffs, want_gradient ? gradient.size() : scores.size(), span);
  if (span.examples == 0) {
    if (auc_area != nullptr) *auc_area = 0.0;
    return 0.0;
  }
  // Each local phase ends with a collective check: an error on one rank (memory, say) stops
  // every rank there, before any rank waits in the next exchange.
  DistributedBuckets plan;
  plan_buckets(communicator, keys, span, plan, volume_.bytes_sent);
  OutgoingRecords out;
  communicator.collectively([&] {
    plan.assign_owners(span.examples, communicator.size(), communicator.rank());
    out = records_for_owners(keys, diffs, plan, communicator.size(), communicator.rank());
  });
  volume_.entries_sent = out.to_other_ranks;
  std::vector<std::size_t> recv_counts;
  const std::vector<KeyedDiff> incoming =
      communicator.alltoallv(std::span<const KeyedDiff>(out.records), out.counts, recv_counts);

  // The weight inside each owned bucket, gathered from every rank in bucket order; then the
  // weight below each bucket, chained as the one-process kernel chains it.
  ErrorDiffs received;
  std::vector<BucketWeights> owned_weights;
  communicator.collectively([&] {
    received = load_owned_buckets(incoming, plan, diffs, sorter_);
    owned_weights = sort_buckets_and_weigh(sorter_, received);
  });
  std::vector<std::size_t> counts;
  const std::vector<BucketStart> starts = chain_bucket_weights(
      communicator.allgatherv(std::span<const BucketWeights>(owned_weights), counts));

  // Walk the owned buckets; derivatives go into `derivative` in the order received.
  std::vector<double> derivative;
  std::vector<BucketShares> owned_shares;
  communicator.collectively([&] {
    derivative.assign(want_gradient ? incoming.size() : 0, 0.0);
    owned_shares.resize(sorter_.bucket_count());
    for (std::size_t b = 0; b < owned_shares.size(); ++b) {
      owned_shares[b] =
          walk_sorted_bucket(sorter_, b, received, denominators, starts[plan.first_owned + b],
                             want_gradient ? derivative.data() : nullptr);
    }
  });
  const std::vector<BucketShares> shares =
      communicator.allgatherv(std::span<const BucketShares>(owned_shares), counts);
  double aum = 0.0, area = 0.0;
  for (const BucketShares& share : shares) aum += share.aum;
  for (const BucketShares& share : shares) area += share.auc_area;
  if (auc_area != nullptr) *auc_area = area;

  if (want_gradient) {
    // Each derivative back to its example: the reverse of the first exchange.
    std::vector<std::size_t> back_counts;
    const std::vector<double> returned =
        communicator.alltoallv(std::span<const double>(derivative), recv_counts, back_counts);
    for (std::size_t i = 0; i < keys.size(); ++i) gradient[i] = returned[out.position[i]];
  }
  volume_.bytes_sent += owned_weights.size() * sizeof(BucketWeights) +
                        owned_shares.size() * sizeof(BucketShares) +
                        volume_.entries_sent * sizeof(KeyedDiff);
  if (want_gradient) volume_.bytes_sent += volume_.entries_sent * sizeof(double);
  return aum;
}

double DistributedAumKernel::value_and_gradient(std::span<const double> scores,
                                                const ErrorDiffs& diffs, Denominators denominators,
                                                std::span<double> gradient) {
  return run(scores, diffs, denominators, gradient, nullptr);
}

AumSummary DistributedAumKernel::summary(std::span<const double> scores, const ErrorDiffs& diffs,
                                         Denominators denominators) {
  double area = 0.0;
  const double aum = run(scores, diffs, denominators, {}, &area);
  return {aum, auc_of_bucket_area(area, diffs)};
}

}  // namespace aumtrain
