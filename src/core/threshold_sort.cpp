#include "aumtrain/core/threshold_sort.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "aumtrain/core/errors.hpp"
#include "block.hpp"
#include "thread_team.hpp"

namespace aumtrain {
namespace {

constexpr std::uint64_t kExponentBits = std::uint64_t{0x7FF} << 52;

constexpr std::size_t kLineBytes = kCacheLineBytes;
constexpr std::uint32_t kEntriesPerLine = kLineBytes / sizeof(ThresholdEntry);
static_assert(sizeof(ThresholdEntry) == 16 && kEntriesPerLine == 4);

// The histogram of top key bits has about N / 16 bins, at most 2^20 (4 MiB of counters).
constexpr int kMinHistogramBits = 12;  // at least one bin per binary exponent
constexpr int kMaxHistogramBits = 20;
// A bucket larger than this (a single histogram bin holding a dense cluster of keys) is sorted
// in place by comparisons instead of through the scratch space.
constexpr std::size_t kScratchEntries = std::size_t{1} << 16;
// The in-bucket counting sort uses about one sub-bin per entry, at most 2^14 (64 KiB).
constexpr int kMaxSubBits = 14;
// Within one binary exponent keys are linear in the threshold; a bucket whose keys span more
// than this many bits (two exponents) is binned by threshold value.
constexpr int kLinearKeyBits = 53;
// Sub-bins this full or fuller are sorted one by one; below, one insertion sort tidies all.
constexpr std::uint32_t kInsertionRun = 16;
constexpr std::size_t kSmallBucket = 32;

[[noreturn]] void throw_first_non_finite(std::span<const double> scores) {
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if ((std::bit_cast<std::uint64_t>(scores[i]) & kExponentBits) == kExponentBits) {
      throw DataError(fmt::format("score {} at row {} is not finite; scores must be finite numbers",
                                  scores[i], i + 1));
    }
  }
  throw std::logic_error("throw_first_non_finite: every score is finite");
}

bool is_non_finite(double score) noexcept {
  return (std::bit_cast<std::uint64_t>(score) & kExponentBits) == kExponentBits;
}

// Stable: an entry moves only past entries with strictly larger keys.
void insertion_sort(ThresholdEntry* entries, std::size_t count) noexcept {
  for (std::size_t i = 1; i < count; ++i) {
    if (entries[i].key >= entries[i - 1].key) continue;
    const ThresholdEntry moving = entries[i];
    std::size_t j = i;
    do {
      entries[j] = entries[j - 1];
      --j;
    } while (j > 0 && moving.key < entries[j - 1].key);
    entries[j] = moving;
  }
}

// Entries with equal keys are in input order before and after: ordering by (key, example) is
// the stable order.
void comparison_sort(ThresholdEntry* entries, std::size_t count) {
  const auto less = [](const ThresholdEntry& a, const ThresholdEntry& b) {
    return a.key < b.key || (a.key == b.key && a.example < b.example);
  };
  if (!std::is_sorted(entries, entries + count, less)) std::sort(entries, entries + count, less);
}

// Copies one full cache line of entries from a write-combining buffer to its place, bypassing
// the cache: the destination is not read again until its bucket is sorted, much later.
inline void stream_line(ThresholdEntry* destination, const ThresholdEntry* line) noexcept {
#if defined(__SSE2__)
  auto* out = reinterpret_cast<__m128i*>(destination);
  const auto* in = reinterpret_cast<const __m128i*>(line);
  _mm_stream_si128(out, _mm_load_si128(in));
  _mm_stream_si128(out + 1, _mm_load_si128(in + 1));
  _mm_stream_si128(out + 2, _mm_load_si128(in + 2));
  _mm_stream_si128(out + 3, _mm_load_si128(in + 3));
#else
  std::memcpy(destination, line, kLineBytes);
#endif
}

inline void finish_streaming() noexcept {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

// The part of [0, n) that thread `t` of `threads` handles (n < 2^32 and t < 2^31: no overflow).
std::size_t chunk_begin(std::size_t n, int t, int threads) noexcept {
  return n * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads);
}

void check_partition_arguments(std::size_t scores, std::size_t diff_rows, int threads) {
  if (threads < 1) {
    throw std::invalid_argument(fmt::format("ThresholdSorter: {} threads", threads));
  }
  if (diff_rows != scores) {
    throw std::invalid_argument(
        fmt::format("ThresholdSorter: {} scores but {} diff rows", scores, diff_rows));
  }
  if (scores > ThresholdSorter::kMaxExamples) {
    throw DataError(fmt::format("{} examples is more than the AUM kernel's limit of {}", scores,
                                ThresholdSorter::kMaxExamples));
  }
}

// The smallest and largest key of one thread's share of the scores, and whether the share
// holds a score that is not finite.
struct KeyRange {
  std::uint64_t key_min, key_max;
  bool non_finite;
};

// What the passes of a partition into several buckets share: the input, where a key's
// histogram bin is, and the workspace arrays. Each pass copies what its loop uses into locals:
// stores through an entry pointer could alias anything read through this struct, and the
// compiler would reload it after every store.
struct BucketPlan {
  const double* scores;
  const std::uint32_t* diff_rows;
  std::size_t n;
  int team;                     // threads sharing the passes
  std::size_t bins;             // histogram bins per thread
  std::size_t bucket_capacity;  // the most buckets there can be
  int shift;                    // a key's bin is (key >> shift) - base
  std::uint64_t base;
  std::uint32_t* histograms;    // per thread: counts of keys per bin
  std::uint32_t* bin_bucket;    // bucket of each bin
  std::size_t* bucket_begin;    // per bucket (+1): position of its first entry
  std::uint32_t* bucket_size;   // per bucket: entry count
  std::uint64_t* bucket_keys;   // per bucket: the smallest and largest key it can hold
  std::uint32_t* cursors;       // per thread and bucket: next position to write
  std::uint32_t* firsts;        // per thread and bucket: first position the thread writes
  ThresholdEntry* combine;      // per thread and bucket: one cache line being assembled
  KeyRange* thread_ranges;      // per thread
  ThresholdEntry* entries;      // the buckets
};

// Counts the histogram bins of thread t's share of the keys; the first time also records the
// share's key range, and whether it holds a score that is not finite.
template <bool kFirstPass>
void count_bins(const BucketPlan& plan, int t, int team_threads) {
  const double* const in = plan.scores;
  const int bin_shift = plan.shift;
  const std::uint64_t bin_base = plan.base;
  std::uint32_t* const histogram = plan.histograms + plan.bins * t;
  std::fill(histogram, histogram + plan.bins, 0u);
  std::uint64_t key_min = std::numeric_limits<std::uint64_t>::max(), key_max = 0;
  bool non_finite = false;
  const std::size_t end = chunk_begin(plan.n, t + 1, team_threads);
  for (std::size_t i = chunk_begin(plan.n, t, team_threads); i < end; ++i) {
    const std::uint64_t key = threshold_key(-in[i]);
    if (kFirstPass) {
      non_finite |= is_non_finite(in[i]);
      key_min = std::min(key_min, key);
      key_max = std::max(key_max, key);
    }
    ++histogram[(key >> bin_shift) - bin_base];
  }
  if (kFirstPass) plan.thread_ranges[t] = {key_min, key_max, non_finite};
}

// Pass 1: validates the scores, finds the key range, and counts the top key bits.
KeyRange count_bins_and_key_range(const BucketPlan& plan, std::span<const double> scores) {
#pragma omp parallel num_threads(plan.team) if (plan.team > 1)
  count_bins<true>(plan, thread_number(), team_size());
  KeyRange range{std::numeric_limits<std::uint64_t>::max(), 0, false};
  for (int t = 0; t < plan.team; ++t) {
    if (plan.thread_ranges[t].non_finite) throw_first_non_finite(scores);
    range.key_min = std::min(range.key_min, plan.thread_ranges[t].key_min);
    range.key_max = std::max(range.key_max, plan.thread_ranges[t].key_max);
  }
  return range;
}

// When the keys fill only a small part of the top-bit range (scores all of one sign, or in a
// narrow interval), counts again on the bits just below their common prefix (key_binning()),
// so that the bins split the data finely enough.
void refine_bins(BucketPlan& plan, const KeyRange& range) {
  const KeyBinning binning = key_binning(plan.n, range.key_min, range.key_max);
  if (binning.shift == plan.shift) return;
  plan.shift = binning.shift;
  plan.base = binning.base;
#pragma omp parallel num_threads(plan.team) if (plan.team > 1)
  count_bins<false>(plan, thread_number(), team_size());
}

// Merges consecutive bins into buckets of about kBucketTarget entries: records each bin's
// bucket and each bucket's size and key range, and leaves in `cursors` how many entries each
// thread has for each bucket. Returns the number of buckets.
std::size_t merge_bins_into_buckets(const BucketPlan& plan, const KeyRange& range) {
  const int team = plan.team;
  const std::size_t bins = plan.bins, bucket_capacity = plan.bucket_capacity;
  const int shift = plan.shift;
  const std::uint64_t base = plan.base;
  const std::uint32_t* const histograms = plan.histograms;
  std::uint32_t* const bin_bucket = plan.bin_bucket;
  std::uint32_t* const cursors = plan.cursors;
  std::fill(cursors, cursors + bucket_capacity * team, 0u);
  // A bucket's keys lie between the first key of its first bin and the last of its last bin.
  const std::uint64_t bin_low_bits = shift == 0 ? 0 : (std::uint64_t{1} << shift) - 1;
  auto close_bucket = [&](std::size_t bucket, std::size_t size, std::size_t low_bin,
                          std::size_t high_bin) {
    plan.bucket_size[bucket] = static_cast<std::uint32_t>(size);
    plan.bucket_keys[2 * bucket] = (low_bin + base) << shift;
    plan.bucket_keys[2 * bucket + 1] = ((high_bin + base) << shift) | bin_low_bits;
  };
  const std::size_t bin_first = (range.key_min >> shift) - base;
  const std::size_t bin_last = (range.key_max >> shift) - base;
  std::size_t bucket = 0;
  std::size_t filled = 0;
  std::size_t low_bin = bin_first, high_bin = bin_first;
  for (std::size_t bin = bin_first; bin <= bin_last; ++bin) {
    std::size_t count = histograms[bin];
    for (int t = 1; t < team; ++t) count += histograms[bins * t + bin];
    bin_bucket[bin] = static_cast<std::uint32_t>(bucket);
    if (count == 0) continue;
    if (ThresholdSorter::bucket_is_full(filled, count)) {
      close_bucket(bucket, filled, low_bin, high_bin);
      ++bucket;
      filled = 0;
      bin_bucket[bin] = static_cast<std::uint32_t>(bucket);
    }
    if (filled == 0) low_bin = bin;
    high_bin = bin;
    filled += count;
    for (int t = 0; t < team; ++t)
      cursors[bucket_capacity * t + bucket] += histograms[bins * t + bin];
  }
  close_bucket(bucket, filled, low_bin, high_bin);
  return bucket + 1;
}

// Lays the buckets out one after another, each starting on a cache line, and turns the counts
// in `cursors` into where each thread writes in each bucket: thread t after threads 0..t-1,
// which keeps input order.
void assign_write_positions(const BucketPlan& plan, std::size_t bucket_count) {
  const int team = plan.team;
  const std::size_t bucket_capacity = plan.bucket_capacity;
  std::size_t* const bucket_begin = plan.bucket_begin;
  const std::uint32_t* const bucket_size = plan.bucket_size;
  std::uint32_t* const cursors = plan.cursors;
  std::uint32_t* const firsts = plan.firsts;
  bucket_begin[0] = 0;
  for (std::size_t b = 0; b < bucket_count; ++b) {
    const std::size_t padded =
        (bucket_size[b] + kEntriesPerLine - 1) / kEntriesPerLine * kEntriesPerLine;
    bucket_begin[b + 1] = bucket_begin[b] + padded;
    std::size_t position = bucket_begin[b];
    for (int t = 0; t < team; ++t) {
      const std::uint32_t count = cursors[bucket_capacity * t + b];
      cursors[bucket_capacity * t + b] = static_cast<std::uint32_t>(position);
      firsts[bucket_capacity * t + b] = static_cast<std::uint32_t>(position);
      position += count;
    }
  }
}

// Pass 2: thread t scatters its share of the entries into their buckets. Each bucket has a
// one-line buffer per thread; a full line goes to memory in one non-temporal write, and what
// is left in the buffers at the end is copied entry by entry.
void scatter_entries(const BucketPlan& plan, std::size_t bucket_count, int t, int team_threads) {
  const double* const in = plan.scores;
  const std::uint32_t* const rows_in = plan.diff_rows;
  const std::uint32_t* const bucket_of = plan.bin_bucket;
  const int bin_shift = plan.shift;
  const std::uint64_t bin_base = plan.base;
  ThresholdEntry* const out = plan.entries;
  std::uint32_t* const cursor = plan.cursors + plan.bucket_capacity * t;
  const std::uint32_t* const first = plan.firsts + plan.bucket_capacity * t;
  ThresholdEntry* const lines = plan.combine + plan.bucket_capacity * kEntriesPerLine * t;
  const std::size_t end = chunk_begin(plan.n, t + 1, team_threads);
  for (std::size_t i = chunk_begin(plan.n, t, team_threads); i < end; ++i) {
    const std::uint64_t key = threshold_key(-in[i]);
    const std::uint32_t b = bucket_of[(key >> bin_shift) - bin_base];
    const std::uint32_t position = cursor[b]++;
    ThresholdEntry* const line = lines + std::size_t{b} * kEntriesPerLine;
    line[position % kEntriesPerLine] = {key, static_cast<std::uint32_t>(i), rows_in[i]};
    if (position % kEntriesPerLine == kEntriesPerLine - 1) {
      const std::uint32_t line_start = position - (kEntriesPerLine - 1);
      if (line_start >= first[b]) {
        stream_line(out + line_start, line);
      } else {  // the line starts in another thread's part of the bucket
        for (std::uint32_t p = first[b]; p <= position; ++p) out[p] = line[p % kEntriesPerLine];
      }
    }
  }
  for (std::size_t b = 0; b < bucket_count; ++b) {
    const std::uint32_t position = cursor[b];
    const std::uint32_t line_start = position / kEntriesPerLine * kEntriesPerLine;
    const ThresholdEntry* line = lines + b * kEntriesPerLine;
    for (std::uint32_t p = std::max(line_start, first[b]); p < position; ++p) {
      out[p] = line[p % kEntriesPerLine];
    }
  }
  finish_streaming();
}

}  // namespace

int key_histogram_bits(std::size_t n) noexcept {
  return std::clamp(static_cast<int>(std::bit_width(n / 16)), kMinHistogramBits,
                    kMaxHistogramBits);
}

KeyBinning key_binning(std::size_t n, std::uint64_t key_min, std::uint64_t key_max) noexcept {
  const int histogram_bits = key_histogram_bits(n);
  const KeyBinning coarse{64 - histogram_bits, 0};
  const int spread_bits = static_cast<int>(std::bit_width(key_min ^ key_max));
  const int fine_shift = std::max(0, spread_bits - histogram_bits);
  if (fine_shift + 2 >= coarse.shift) return coarse;
  return {fine_shift, key_min >> fine_shift};
}

struct ThresholdSorter::Workspace {
  Block entries;       // the buckets, each starting on a cache line
  Block histograms;    // per thread: counts of keys per histogram bin
  Block bin_bucket;    // bucket of each histogram bin
  Block bucket_begin;  // per bucket (+1): position of its first entry
  Block bucket_size;   // per bucket: entry count
  Block bucket_keys;   // per bucket: the smallest and largest key it can hold
  Block cursors;       // per thread and bucket: next position to write
  Block firsts;        // per thread and bucket: first position the thread writes
  Block combine;       // per thread and bucket: one cache line of entries being assembled
  Block thread_ranges;  // per thread: the KeyRange of its share
  struct Slot {
    Block scratch;  // sorted entries of the bucket last sorted by this slot
    Block counts;   // sub-bin counts
  };
  std::vector<Slot> slots;
  std::size_t scratch_entries = 0;  // per slot
  std::size_t count_bins = 0;       // per slot
};

ThresholdSorter::ThresholdSorter() : work_(std::make_unique<Workspace>()) {}
ThresholdSorter::~ThresholdSorter() = default;
ThresholdSorter::ThresholdSorter(const ThresholdSorter&) : ThresholdSorter() {}
ThresholdSorter& ThresholdSorter::operator=(const ThresholdSorter& other) {
  if (this != &other) {
    work_ = std::make_unique<Workspace>();
    size_ = 0;
    bucket_count_ = 0;
  }
  return *this;
}
ThresholdSorter::ThresholdSorter(ThresholdSorter&&) noexcept = default;
ThresholdSorter& ThresholdSorter::operator=(ThresholdSorter&&) noexcept = default;

std::size_t ThresholdSorter::workspace_bytes() const noexcept {
  if (!work_) return 0;
  const Workspace& w = *work_;
  std::size_t total = w.entries.bytes() + w.histograms.bytes() + w.bin_bucket.bytes() +
                      w.bucket_begin.bytes() + w.bucket_size.bytes() + w.bucket_keys.bytes() +
                      w.cursors.bytes() + w.firsts.bytes() + w.combine.bytes() +
                      w.thread_ranges.bytes();
  for (const auto& slot : w.slots) total += slot.scratch.bytes() + slot.counts.bytes();
  return total;
}

std::span<const ThresholdEntry> ThresholdSorter::bucket(std::size_t bucket) const noexcept {
  const Workspace& w = *work_;
  return {w.entries.get<ThresholdEntry>() + w.bucket_begin.get<std::size_t>()[bucket],
          w.bucket_size.get<std::uint32_t>()[bucket]};
}

void ThresholdSorter::partition(std::span<const double> scores,
                                std::span<const std::uint32_t> diff_rows, int threads) {
  check_partition_arguments(scores.size(), diff_rows.size(), threads);
  if (!work_) work_ = std::make_unique<Workspace>();
  // Nothing is left to sort if this call throws.
  size_ = 0;
  bucket_count_ = 0;
  slots_ = threads;
  reserve_slot_scratch(scores.size(), threads);
  if (scores.size() <= kBucketTarget) {
    partition_into_one_bucket(scores, diff_rows);
  } else {
    partition_into_buckets(scores, diff_rows, threads);
  }
}

// Per-slot scratch, sized by N only so that a smaller or equal N never allocates again.
void ThresholdSorter::reserve_slot_scratch(std::size_t n, int threads) {
  Workspace& w = *work_;
  w.scratch_entries = std::min(n, kScratchEntries);
  w.count_bins = std::size_t{1} << std::min(
                     kMaxSubBits, std::max(1, static_cast<int>(std::bit_width(w.scratch_entries))));
  if (w.slots.size() < static_cast<std::size_t>(threads)) w.slots.resize(threads);
  for (int s = 0; s < threads; ++s) {
    w.slots[s].scratch.reserve<ThresholdEntry>(w.scratch_entries);
    w.slots[s].counts.reserve<std::uint32_t>(w.count_bins);
  }
}

// One bucket, in input order.
void ThresholdSorter::partition_into_one_bucket(std::span<const double> scores,
                                                std::span<const std::uint32_t> diff_rows) {
  Workspace& w = *work_;
  const std::size_t n = scores.size();
  const double* score = scores.data();
  const std::uint32_t* row = diff_rows.data();
  auto* entries = w.entries.reserve<ThresholdEntry>(n);
  w.bucket_begin.reserve<std::size_t>(2)[0] = 0;
  w.bucket_begin.get<std::size_t>()[1] = n;
  w.bucket_size.reserve<std::uint32_t>(1)[0] = static_cast<std::uint32_t>(n);
  bool non_finite = false;
  std::uint64_t key_min = std::numeric_limits<std::uint64_t>::max(), key_max = 0;
  for (std::size_t i = 0; i < n; ++i) {
    non_finite |= is_non_finite(score[i]);
    const std::uint64_t key = threshold_key(-score[i]);
    key_min = std::min(key_min, key);
    key_max = std::max(key_max, key);
    entries[i] = {key, static_cast<std::uint32_t>(i), row[i]};
  }
  if (non_finite) throw_first_non_finite(scores);
  auto* keys = w.bucket_keys.reserve<std::uint64_t>(2);
  keys[0] = key_min;
  keys[1] = key_max;
  size_ = n;
  bucket_count_ = n > 0 ? 1 : 0;
}

void ThresholdSorter::partition_into_buckets(std::span<const double> scores,
                                             std::span<const std::uint32_t> diff_rows,
                                             int threads) {
  Workspace& w = *work_;
  const std::size_t n = scores.size();
  const int team = n >= kParallelMinSize ? threads : 1;
  const int histogram_bits = key_histogram_bits(n);
  const std::size_t bins = std::size_t{1} << histogram_bits;
  // Greedy merging closes a bucket only when the next bin would overflow it, so two consecutive
  // buckets hold more than kBucketTarget entries: at most 2N / kBucketTarget + 1 buckets.
  const std::size_t bucket_capacity = 2 * n / kBucketTarget + 2;
  BucketPlan plan{
      .scores = scores.data(),
      .diff_rows = diff_rows.data(),
      .n = n,
      .team = team,
      .bins = bins,
      .bucket_capacity = bucket_capacity,
      .shift = 64 - histogram_bits,
      .base = 0,
      .histograms = w.histograms.reserve<std::uint32_t>(bins * team),
      .bin_bucket = w.bin_bucket.reserve<std::uint32_t>(bins),
      .bucket_begin = w.bucket_begin.reserve<std::size_t>(bucket_capacity + 1),
      .bucket_size = w.bucket_size.reserve<std::uint32_t>(bucket_capacity),
      .bucket_keys = w.bucket_keys.reserve<std::uint64_t>(2 * bucket_capacity),
      .cursors = w.cursors.reserve<std::uint32_t>(bucket_capacity * team),
      .firsts = w.firsts.reserve<std::uint32_t>(bucket_capacity * team),
      .combine = w.combine.reserve<ThresholdEntry>(bucket_capacity * kEntriesPerLine * team),
      .thread_ranges = w.thread_ranges.reserve<KeyRange>(team),
      .entries = w.entries.reserve<ThresholdEntry>(n + bucket_capacity * kEntriesPerLine),
  };
  const KeyRange range = count_bins_and_key_range(plan, scores);
  refine_bins(plan, range);
  bucket_count_ = merge_bins_into_buckets(plan, range);
  assign_write_positions(plan, bucket_count_);
  const std::size_t bucket_count = bucket_count_;
#pragma omp parallel num_threads(team) if (team > 1)
  scatter_entries(plan, bucket_count, thread_number(), team_size());
  size_ = n;
}

void ThresholdSorter::assign_buckets(std::span<const ThresholdEntry> entries,
                                     std::span<const std::uint32_t> bucket_sizes,
                                     std::span<const std::uint64_t> bucket_key_ranges) {
  check_partition_arguments(entries.size(), entries.size(), 1);
  if (bucket_key_ranges.size() != 2 * bucket_sizes.size()) {
    throw std::invalid_argument(fmt::format("ThresholdSorter: {} key bounds for {} buckets",
                                            bucket_key_ranges.size(), bucket_sizes.size()));
  }
  if (!work_) work_ = std::make_unique<Workspace>();
  size_ = 0;
  bucket_count_ = 0;
  slots_ = 1;
  Workspace& w = *work_;
  const std::size_t buckets = bucket_sizes.size();
  reserve_slot_scratch(entries.size(), 1);
  auto* begin = w.bucket_begin.reserve<std::size_t>(buckets + 1);
  auto* sizes = w.bucket_size.reserve<std::uint32_t>(std::max<std::size_t>(buckets, 1));
  auto* keys = w.bucket_keys.reserve<std::uint64_t>(2 * std::max<std::size_t>(buckets, 1));
  auto* out = w.entries.reserve<ThresholdEntry>(entries.size() + buckets * kEntriesPerLine);
  begin[0] = 0;
  std::size_t taken = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::uint32_t count = bucket_sizes[b];
    if (taken + count > entries.size()) {
      throw std::invalid_argument("ThresholdSorter: bucket sizes add up to more than the entries");
    }
    std::copy_n(entries.data() + taken, count, out + begin[b]);
    taken += count;
    sizes[b] = count;
    keys[2 * b] = bucket_key_ranges[2 * b];
    keys[2 * b + 1] = bucket_key_ranges[2 * b + 1];
    begin[b + 1] = begin[b] + (count + kEntriesPerLine - 1) / kEntriesPerLine * kEntriesPerLine;
  }
  if (taken != entries.size()) {
    throw std::invalid_argument("ThresholdSorter: bucket sizes do not add up to the entries");
  }
  size_ = entries.size();
  bucket_count_ = buckets;
}

namespace {

// Counting sort of a bucket by sub-bin, bin_of(entry) being non-decreasing in the key: counts
// the entries of each of `sub_bins` bins into `counts` and returns the fullest bin's count.
template <class BinOf>
std::uint32_t count_sub_bins(const ThresholdEntry* data, std::size_t count, std::uint32_t* counts,
                             std::size_t sub_bins, BinOf bin_of) {
  std::fill(counts, counts + sub_bins, 0u);
  for (std::size_t i = 0; i < count; ++i) ++counts[bin_of(data[i])];
  return *std::max_element(counts, counts + sub_bins);
}

// Moves the entries into `sorted`, bin after bin, each bin in input order; counts[bin] ends as
// the end of the bin.
template <class BinOf>
void scatter_sub_bins(const ThresholdEntry* data, std::size_t count, ThresholdEntry* sorted,
                      std::uint32_t* counts, std::size_t sub_bins, BinOf bin_of) {
  std::uint32_t offset = 0;
  for (std::size_t bin = 0; bin < sub_bins; ++bin) {
    const std::uint32_t size = counts[bin];
    counts[bin] = offset;
    offset += size;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const ThresholdEntry entry = data[i];
    sorted[counts[bin_of(entry)]++] = entry;
  }
}

// Sorts within the sub-bins: one insertion sort over everything when every bin is small (few
// entries share a bin, so few moves), else bin by bin.
void sort_within_sub_bins(ThresholdEntry* sorted, std::size_t count, const std::uint32_t* ends,
                          std::size_t sub_bins, std::uint32_t fullest) {
  if (fullest < kInsertionRun) {
    insertion_sort(sorted, count);
    return;
  }
  std::uint32_t begin = 0;
  for (std::size_t bin = 0; bin < sub_bins; ++bin) {
    const std::uint32_t end = ends[bin];
    if (end - begin >= kInsertionRun) {
      comparison_sort(sorted + begin, end - begin);
    } else if (end - begin > 1) {
      insertion_sort(sorted + begin, end - begin);
    }
    begin = end;
  }
}

// Counting sort of a bucket whose keys span several binary exponents (a small input in one
// bucket, or a bucket of a coarse histogram): equal key intervals would hold very unequal numbers
// of scores, so it bins by threshold value instead. Returns false, having changed nothing, when
// the thresholds' range gives no usable bin width.
bool counting_sort_by_threshold(const ThresholdEntry* data, std::size_t count,
                                ThresholdEntry* sorted, std::uint32_t* counts, int sub_bits,
                                std::uint64_t low_key, std::uint64_t high_key) {
  const double low = key_threshold(low_key);
  const double width = key_threshold(high_key) - low;
  const std::size_t sub_bins = std::size_t{1} << sub_bits;
  const double scale = static_cast<double>(sub_bins) / width;
  if (!(width > 0 && std::isfinite(scale) && scale > 0)) return false;
  const auto last_bin = static_cast<std::uint32_t>(sub_bins - 1);
  const auto bin_of = [low, scale, last_bin](const ThresholdEntry& entry) {
    const double position = (key_threshold(entry.key) - low) * scale;  // monotone in key
    return position < last_bin ? static_cast<std::uint32_t>(position) : last_bin;
  };
  const std::uint32_t fullest = count_sub_bins(data, count, counts, sub_bins, bin_of);
  scatter_sub_bins(data, count, sorted, counts, sub_bins, bin_of);
  sort_within_sub_bins(sorted, count, counts, sub_bins, fullest);
  return true;
}

// Sub-bins of the top bits of (key - low): about one per entry over a key range of `range`.
struct KeySubBins {
  std::uint64_t low;
  int shift;
  std::size_t sub_bins;
  std::uint32_t fullest;  // entries in the fullest sub-bin
};

KeySubBins count_key_sub_bins(const ThresholdEntry* data, std::size_t count,
                              std::uint32_t* counts, int sub_bits, std::uint64_t low,
                              std::uint64_t range) {
  const int shift = std::max(0, static_cast<int>(std::bit_width(range)) - sub_bits);
  const std::size_t sub_bins = static_cast<std::size_t>(range >> shift) + 1;
  // The lambda holds copies: stores to counts may alias captured integers.
  const std::uint32_t fullest = count_sub_bins(
      data, count, counts, sub_bins,
      [low, shift](const ThresholdEntry& e) { return (e.key - low) >> shift; });
  return {low, shift, sub_bins, fullest};
}

// Counting sort on the top bits of (key - key_min), with about one sub-bin per entry. The range
// first comes from the bucket's histogram bins, which saves a pass over the entries; only when
// that range puts many entries in one sub-bin are the actual smallest and largest keys looked
// up. Returns `data` itself when every key is equal (one tie group, in input order), else
// `sorted`.
std::span<const ThresholdEntry> counting_sort_by_key(const ThresholdEntry* data,
                                                     std::size_t count, ThresholdEntry* sorted,
                                                     std::uint32_t* counts, int sub_bits,
                                                     std::uint64_t low_key,
                                                     std::uint64_t high_key) {
  const std::uint64_t range = high_key - low_key;
  KeySubBins bins = count_key_sub_bins(data, count, counts, sub_bits, low_key, range);
  if (bins.fullest >= kInsertionRun && bins.shift > 0) {
    std::uint64_t actual_min = data[0].key, actual_max = data[0].key;
    for (std::size_t i = 1; i < count; ++i) {
      actual_min = std::min(actual_min, data[i].key);
      actual_max = std::max(actual_max, data[i].key);
    }
    if (actual_min == actual_max) return {data, count};
    if (std::bit_width(actual_max - actual_min) < std::bit_width(range)) {
      bins = count_key_sub_bins(data, count, counts, sub_bits, actual_min,
                                actual_max - actual_min);
    }
  }
  const std::uint64_t low = bins.low;
  const int shift = bins.shift;
  scatter_sub_bins(data, count, sorted, counts, bins.sub_bins,
                   [low, shift](const ThresholdEntry& e) { return (e.key - low) >> shift; });
  // With shift 0 every sub-bin holds one key: the scatter sorted.
  if (shift > 0) sort_within_sub_bins(sorted, count, counts, bins.sub_bins, bins.fullest);
  return {sorted, count};
}

}  // namespace

std::span<const ThresholdEntry> ThresholdSorter::sort_bucket(std::size_t bucket, int slot) {
  if (slot < 0 || slot >= slots_) {
    throw std::invalid_argument(fmt::format("ThresholdSorter: slot {} of {}", slot, slots_));
  }
  Workspace& w = *work_;
  ThresholdEntry* data =
      w.entries.get<ThresholdEntry>() + w.bucket_begin.get<std::size_t>()[bucket];
  const std::size_t count = w.bucket_size.get<std::uint32_t>()[bucket];
  if (count < 2) return {data, count};
  if (count <= kSmallBucket) {
    insertion_sort(data, count);
    return {data, count};
  }
  if (count > w.scratch_entries) {
    comparison_sort(data, count);
    return {data, count};
  }
  const int sub_bits = std::min(kMaxSubBits, static_cast<int>(std::bit_width(count)));
  std::uint32_t* counts = w.slots[slot].counts.get<std::uint32_t>();
  ThresholdEntry* sorted = w.slots[slot].scratch.get<ThresholdEntry>();
  const std::uint64_t* range_keys = w.bucket_keys.get<std::uint64_t>() + 2 * bucket;
  if (std::bit_width(range_keys[1] - range_keys[0]) > kLinearKeyBits &&
      counting_sort_by_threshold(data, count, sorted, counts, sub_bits, range_keys[0],
                                 range_keys[1])) {
    return {sorted, count};
  }
  return counting_sort_by_key(data, count, sorted, counts, sub_bits, range_keys[0],
                              range_keys[1]);
}

std::span<const ThresholdEntry> ThresholdSorter::sort_bucket_in_place(std::size_t bucket,
                                                                      int slot) {
  const std::span<const ThresholdEntry> sorted = sort_bucket(bucket, slot);
  ThresholdEntry* own =
      work_->entries.get<ThresholdEntry>() + work_->bucket_begin.get<std::size_t>()[bucket];
  if (sorted.data() != own) std::memcpy(own, sorted.data(), sorted.size_bytes());
  return {own, sorted.size()};
}

}  // namespace aumtrain
