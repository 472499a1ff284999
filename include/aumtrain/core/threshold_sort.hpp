// Sorting examples by threshold (-score) for the AUM kernel, in O(N) expected time.
//
// One pass over the scores builds a histogram of the top bits of order-preserving 64-bit keys;
// consecutive histogram bins are merged into buckets of about kBucketTarget entries, and a
// second pass scatters (key, example, diff row) entries into their buckets through cache-line
// write-combining buffers. Each bucket is then sorted on its own, inside the core's cache: one
// counting-sort pass on the bits below the bucket's common prefix, then an insertion-sort
// clean-up of the few entries that share a sub-bin. Sorting is stable: entries with equal keys
// stay in input order, so every sum over a tie group is taken in the same order whatever the
// size of the input or the number of threads.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace aumtrain {

/// One example in threshold order: what the AUM pass needs, so that it never has to look
/// anything up in input order.
struct ThresholdEntry {
  std::uint64_t key;       ///< threshold_key(-score)
  std::uint32_t example;   ///< position in the input
  std::uint32_t diff_row;  ///< row of ErrorDiffs::rows
};

/// The order-preserving unsigned key of a threshold, after normalising -0.0 to 0.0.
inline std::uint64_t threshold_key(double threshold) noexcept {
  constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;
  // Adding +0.0 turns -0.0 into 0.0 and changes nothing else.
  const auto bits = std::bit_cast<std::uint64_t>(threshold + 0.0);
  // Negative numbers: flip every bit; others: set the sign bit. Branch-free on purpose: the
  // sign of a score is a coin flip that a branch predictor cannot learn.
  const auto negative_mask = static_cast<std::uint64_t>(static_cast<std::int64_t>(bits) >> 63);
  return bits ^ (negative_mask | sign_bit);
}

/// The threshold a key was made from.
inline double key_threshold(std::uint64_t key) noexcept {
  constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;
  const auto negative_mask = static_cast<std::uint64_t>(static_cast<std::int64_t>(key) >> 63);
  // The inverse map: keys with the sign bit set came from numbers >= 0.
  return std::bit_cast<double>(key ^ (~negative_mask | sign_bit));
}

/// How partition() bins keys before merging bins into buckets: key k falls in histogram bin
/// (k >> shift) - base.
struct KeyBinning {
  int shift = 0;
  std::uint64_t base = 0;
  std::size_t bin_of(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key >> shift) - base);
  }
};

/// The histogram bits partition() uses for n examples: about n / 16 bins, 2^12 to 2^20.
int key_histogram_bits(std::size_t n) noexcept;

/// The bins partition() counts n > kBucketTarget keys in, given their smallest and largest:
/// the top key_histogram_bits(n) bits, or, when the keys fill only a small part of that range,
/// the bits just below their common prefix. A distributed sort that bins the same keys this
/// way, and merges bins with bucket_is_full(), gets the same buckets as one partition().
KeyBinning key_binning(std::size_t n, std::uint64_t key_min, std::uint64_t key_max) noexcept;

/// Splits examples into buckets of increasing thresholds and sorts each bucket on demand. Keep
/// one per kernel and reuse it: after the first call, calls with the same or a smaller N
/// allocate nothing. A copy starts with an empty workspace.
class ThresholdSorter {
 public:
  /// Entries per bucket the partition aims at: two buckets' worth of entries fit in one core's
  /// L2 cache.
  static constexpr std::size_t kBucketTarget = 8192;
  /// The most examples it sorts: positions, padding included, are 32-bit numbers.
  static constexpr std::size_t kMaxExamples = 4'000'000'000;

  /// How partition() merges consecutive histogram bins into buckets: a bucket holding `filled`
  /// entries is closed before a bin of `count` entries when both together would pass
  /// kBucketTarget.
  static constexpr bool bucket_is_full(std::size_t filled, std::size_t count) noexcept {
    return filled > 0 && filled + count > kBucketTarget;
  }

  ThresholdSorter();
  ~ThresholdSorter();
  ThresholdSorter(const ThresholdSorter&);
  ThresholdSorter& operator=(const ThresholdSorter&);
  ThresholdSorter(ThresholdSorter&&) noexcept;
  ThresholdSorter& operator=(ThresholdSorter&&) noexcept;

  /// Validates the scores and distributes the examples into buckets: every key in bucket b is
  /// smaller than every key in bucket b + 1, and equal keys share a bucket. `threads` (>= 1)
  /// threads share the work; the buckets do not depend on it. Throws DataError naming the first
  /// row whose score is NaN or infinite.
  void partition(std::span<const double> scores, std::span<const std::uint32_t> diff_rows,
                 int threads = 1);

  /// In place of partition(): takes entries already split into buckets (bucket after bucket,
  /// each bucket's entries in input order), with each bucket's entry count and the smallest
  /// and largest key it can hold (two per bucket). Keys are not checked: every key of a bucket
  /// must lie within its bounds, and below every key of the next bucket. Used when buckets
  /// were chosen across ranks; sort_bucket() then sorts them as it sorts partition()'s.
  void assign_buckets(std::span<const ThresholdEntry> entries,
                      std::span<const std::uint32_t> bucket_sizes,
                      std::span<const std::uint64_t> bucket_key_ranges);

  std::size_t size() const noexcept { return size_; }
  std::size_t bucket_count() const noexcept { return bucket_count_; }

  /// The entries of a bucket sorted by key, ties in input order. `slot` (0 <= slot < the
  /// `threads` of partition()) names the scratch space to use: concurrent callers must use
  /// distinct slots. The view may point into that scratch space and is valid until the same
  /// slot sorts another bucket, or until the next partition().
  std::span<const ThresholdEntry> sort_bucket(std::size_t bucket, int slot = 0);

  /// Like sort_bucket(), but the sorted entries replace the bucket's own, so the view stays
  /// valid until the next partition().
  std::span<const ThresholdEntry> sort_bucket_in_place(std::size_t bucket, int slot = 0);

  /// A bucket's entries as they are now (in input order until it has been sorted in place).
  std::span<const ThresholdEntry> bucket(std::size_t bucket) const noexcept;

  /// Bytes of workspace held now.
  std::size_t workspace_bytes() const noexcept;

 private:
  struct Workspace;
  void reserve_slot_scratch(std::size_t n, int threads);
  /// Up to kBucketTarget examples: one bucket, in input order.
  void partition_into_one_bucket(std::span<const double> scores,
                                 std::span<const std::uint32_t> diff_rows);
  /// A histogram of key bits, merged into buckets, then a scatter pass.
  void partition_into_buckets(std::span<const double> scores,
                              std::span<const std::uint32_t> diff_rows, int threads);

  std::unique_ptr<Workspace> work_;
  std::size_t size_ = 0;
  std::size_t bucket_count_ = 0;
  int slots_ = 1;
};

}  // namespace aumtrain
