// The exact line search of AUM along s + t d (see line_search.hpp).
//
// How the walk works. Example i's threshold is the line -s_i - t d_i in the step size t. After
// merging lines with the same intercept and slope, sort them by intercept, ties by slope: that
// is their order just after t = 0. Call the place between rank r - 1 and rank r "gap r"; gap 0
// lies below every line and gap B above all B lines. The errors on gap r are fixed by the set of
// lines below it: FP_r is their fp weight and FN_r the fn weight of the lines above it, and
// min_r = min(FP_r / D_fp, FN_r / D_fn) is 0 on gaps 0 and B. Then
//
//   AUM(t) = sum over gaps r of min_r * (line_r(t) - line_{r-1}(t)) = I + S t,
//
// with I = sum_r min_r (a_r - a_{r-1}) and S = sum_r min_r (b_r - b_{r-1}) over the intercepts a
// and slopes b of the lines just above and below each gap. While no two lines cross, I and S are
// constant. Two lines can only cross when they are adjacent, so the walk keeps one crossing per
// adjacent pair in a priority queue keyed by step. At a crossing the lines that meet form a run
// of consecutive ranks with decreasing slopes; reversing the run changes only the gaps inside it
// (whose lines below change) and the lines on the gaps at its ends, so I, S and AUC are updated
// from those few gaps and lines, and only the pairs at the run's two ends get new crossings.
//
// AUC is kept as the trapezoid area in weight units, sum over lines of fp * (TP below + TP
// above), which unit weights keep an exact sum of integers. Swapping lines x (below) and y
// changes it by 2 (fp_x fn_y - fp_y fn_x). At a step, lines that meet are tied, which is the
// mean of the areas before and after.
//
// Exactness. When every fp and fn weight is a whole number and every slope a whole multiple of
// 1 / (2 D_fp D_fn) (as exact_prediction_direction() makes them, and as integer directions are),
// the walk works in scaled units: min values times D_fp D_fn and slopes times 2 D_fp D_fn are
// integers, so S is summed exactly in 128 bits and a slope that is 0 is exactly 0. Otherwise S is
// a compensated sum. I, which involves the intercepts, is always a compensated sum, and all
// running sums are recomputed from the lines every few passes over them so that rounding cannot
// build up over tens of millions of events.
//
// Rounding of steps. A crossing step is computed as (a_up - a_low) / (b_low - b_up): three
// roundings (two with whole-number slopes), each off by at most the unit roundoff u = 2^-53
// relative, so it lies within 3u of the exact step of the stored lines, and two steps equal in
// exact arithmetic differ by at most about 6u. Steps within kStepTolerance (16u, relative) of the
// first step of a row are that row, including crossings that only appear while the row is
// processed; inputs that were themselves rounded (decimal scores such as 0.1, 0.2, 0.3) fit in
// the remaining margin when their differences do not cancel most of their digits.
#include "aumtrain/core/line_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <stdexcept>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/threshold_sort.hpp"
#include "block.hpp"
#include "thread_team.hpp"

namespace aumtrain {
namespace {

using Key = std::uint64_t;
constexpr Key kNoCrossing = ~Key{0};
constexpr std::uint32_t kNil = ~std::uint32_t{0};

// Relative width of one row: 8 double epsilons, 16 times the unit roundoff (see above).
constexpr double kStepTolerance = 8 * std::numeric_limits<double>::epsilon();

// The largest scaled min value (FP times D_fn or FN times D_fp) for which the scaled walk and
// the rounding of exact_prediction_direction() are exact: its rounding error is then below 1/10
// of the spacing 1 / (2 D_fp D_fn) it rounds to, and sums of four such values stay exact.
constexpr double kExactScaledLimit = 0x1p48;

// max_auc stops once auc_after is this far below the best seen.
constexpr double kAucDrop = 1e-6;

__extension__ typedef __int128 Int128;

double key_step(Key key) noexcept { return key_threshold(key); }

// Neumaier's compensated sum: the rounding of every addition is carried along separately.
class CompensatedSum {
 public:
  void add(double x) noexcept {
    const double total = sum_ + x;
    // The rounding error of sum_ + x, exactly, by Knuth's two-sum: the same number as
    // Neumaier's (sum_ - total) + x or (x - total) + sum_, whichever is larger, without the
    // branch on which is larger, which terms of mixed signs make a coin flip.
    const double x_part = total - sum_;
    carry_ += (sum_ - (total - x_part)) + (x - x_part);
    sum_ = total;
  }
  double value() const noexcept { return sum_ + carry_; }
  void reset() noexcept { sum_ = carry_ = 0.0; }

 private:
  double sum_ = 0.0;
  double carry_ = 0.0;
};

// S in scaled units when every slope and every min value is a whole number: exact.
struct ExactSlopeSum {
  Int128 total = 0;
  void add(double slope_difference, double min_value) noexcept {
    total += static_cast<Int128>(static_cast<std::int64_t>(slope_difference)) *
             static_cast<std::int64_t>(min_value);
  }
  double value() const noexcept {
    // The 128-bit conversion is a library call; most sums fit in 64 bits.
    const auto low = static_cast<std::int64_t>(total);
    return low == total ? static_cast<double>(low) : static_cast<double>(total);
  }
  void reset() noexcept { total = 0; }
  static constexpr bool exact = true;
};

// S for any slopes and weights.
struct RoundedSlopeSum {
  CompensatedSum total;
  void add(double slope_difference, double min_value) noexcept {
    total.add(slope_difference * min_value);
  }
  double value() const noexcept { return total.value(); }
  void reset() noexcept { total.reset(); }
  static constexpr bool exact = false;
};

// The scale 2 D_fp D_fn that turns exact prediction-space derivatives into whole numbers, or 0
// when the weights are not whole numbers or the numbers would be too large to stay exact.
double exact_scale(const ErrorDiffs& diffs, Denominators denominators) {
  auto whole = [](double x) { return std::isfinite(x) && std::floor(x) == x; };
  for (const DiffRow& row : diffs.rows) {
    if (!whole(row.fp) || !whole(row.fn)) return 0.0;
  }
  if (!whole(denominators.fp) || !whole(denominators.fn) || !(denominators.fp > 0) ||
      !(denominators.fn > 0) || !whole(diffs.fp_total) || !whole(diffs.fn_total)) {
    return 0.0;
  }
  const double largest_min =
      std::max(diffs.fp_total * denominators.fn, diffs.fn_total * denominators.fp);
  if (largest_min > kExactScaledLimit) return 0.0;
  return 2.0 * denominators.fp * denominators.fn;
}

// One line in the current order, and the gap just below it.
struct RankedLine {
  double intercept;  // threshold at step 0
  double slope;      // threshold change per unit of walk step
  double fp;         // error weights of the examples merged into the line
  double fn;
  double fp_below;   // fp weight of the lines below: FP on the gap under this line
  double fn_below;   // fn weight of the lines below: FN there is fn_total minus this
  double min_below;  // min(FP / D_fp, FN / D_fn) times D_fp D_fn on that gap
  Key crossing;      // walk step at which it meets the line above, or kNoCrossing
};
static_assert(sizeof(RankedLine) == 64);

// A priority queue of crossing steps built for the walk, whose steps only grow: a radix heap
// over the order-preserving bits of the steps, 8 bits per level. Keys at least the floor go to the
// bucket named by the highest byte in which they differ from the floor and by their value there,
// so each bucket holds keys above those of every lower bucket; taking the smallest key from the
// lowest bucket raises the floor to it and moves the rest of that bucket down a level.
//
// The walk asks for the next key before it is done pushing the crossings of a row, so the
// smallest key is taken out ahead and held; a key pushed later below it (rare: a crossing that
// comes before every queued one) goes to a small binary heap beside it. The queue does not know
// which entries are out of date (their slot has since been given another crossing): the walk
// checks the smallest and pops it if it is, so that moving entries between buckets never looks
// at the lines, which at millions of lines are all over memory. Buckets keep their storage
// between walks.
class CrossingQueue {
 public:
  // Packed into 12 bytes: the buckets in use are then fewer cache lines.
  struct __attribute__((packed)) Entry {
    Key key;
    std::uint32_t slot;
  };

  CrossingQueue() = default;
  CrossingQueue(const CrossingQueue&) = delete;
  CrossingQueue& operator=(const CrossingQueue&) = delete;
  ~CrossingQueue() {
    for (Bucket& b : buckets_) std::free(b.data);
  }

  /// Empties the queue; every key pushed from now on is at least `floor`.
  void clear(Key floor) noexcept {
    for (Bucket& b : buckets_) b.size = 0;
    nonempty_.fill(0);
    nonempty_words_ = 0;
    early_.clear();
    has_head_ = head_ready_ = false;
    floor_ = floor;
    size_ = 0;
  }
  /// Entries held, out-of-date ones included.
  std::size_t size() const noexcept { return size_; }

  /// Pushes (key, slot) if `wanted`. Whether the walk has a crossing to push is a coin flip,
  /// so the entry is written either way and only counted when wanted.
  void push_if(bool wanted, Key key, std::uint32_t slot) {
    if (key < floor_) {  // rare
      if (wanted) push_early({key, slot});
      return;
    }
    const std::size_t bucket = bucket_of(key, floor_);
    Bucket& b = buckets_[bucket];
    if (b.size == b.capacity) grow(b);
    Entry& entry = b.data[b.size];
    entry.key = key;
    entry.slot = slot;
    b.size += wanted;
    nonempty_[bucket / 64] |= std::uint64_t{wanted} << (bucket % 64);
    nonempty_words_ |= std::uint64_t{wanted} << (bucket / 64);
    size_ += wanted;
  }

  /// The smallest entry, out of date or not; false when the queue is empty. It stays queued
  /// until pop().
  bool top(Entry& out) {
    if (!head_ready_) {
      // After a pop, with no key below the floor (as nearly always): the next entry is taken
      // here, inline.
      if (has_head_ || !early_.empty()) return top_further(out);
      if (!take_smallest(head_)) return false;
      has_head_ = head_ready_ = true;
    }
    out = head_;
    return true;
  }
  /// The slot of the entry that will likely come after the one top() returns, or kNil: a hint
  /// for fetching memory ahead, found without moving anything.
  std::uint32_t slot_after_top() const noexcept {
    if (nonempty_words_ == 0) return kNil;
    const int word = std::countr_zero(nonempty_words_);
    const std::size_t bucket = word * 64 + std::countr_zero(nonempty_[word]);
    const Bucket& b = buckets_[bucket];
    if (bucket == equal_bucket() || b.size > kHintScan) return b.data[b.size - 1].slot;
    std::uint32_t smallest = 0;
    for (std::uint32_t i = 1; i < b.size; ++i) {
      if (b.data[i].key < b.data[smallest].key) smallest = i;
    }
    return b.data[smallest].slot;
  }

  /// Removes the entry the last successful top() returned.
  void pop() {
    --size_;
    if (early_.empty() || (has_head_ && early_.front().key >= head_.key)) {
      has_head_ = head_ready_ = false;
    } else {
      std::pop_heap(early_.begin(), early_.end(), later);
      early_.pop_back();
      head_ready_ = has_head_ && early_.empty();
    }
  }

 private:
  __attribute__((noinline)) bool top_further(Entry& out) {
    if (!has_head_) has_head_ = take_smallest(head_);
    head_ready_ = has_head_ && early_.empty();
    if (!early_.empty() && (!has_head_ || early_.front().key < head_.key)) {
      out = early_.front();
      return true;
    }
    out = head_;
    return has_head_;
  }

  static constexpr std::uint32_t kHintScan = 8;  // larger buckets: the hint is a guess
  static constexpr unsigned kDigitBits = 8;
  static constexpr unsigned kDigits = 1u << kDigitBits;
  static constexpr std::size_t kBucketCount = (64 / kDigitBits) * kDigits;
  static constexpr std::size_t kMaskWords = (kBucketCount + 63) / 64;
  struct Bucket {
    Entry* data = nullptr;
    std::uint32_t size = 0;
    std::uint32_t capacity = 0;
  };

  static bool later(const Entry& x, const Entry& y) noexcept { return x.key > y.key; }
  __attribute__((noinline)) void push_early(const Entry& entry) {
    ++size_;
    early_.push_back(entry);
    std::push_heap(early_.begin(), early_.end(), later);
    head_ready_ = false;
  }

  // A key goes to the bucket named by the level of the highest byte in which it differs from
  // the floor and by its value there. At level 0 that value is the floor's only for keys equal
  // to it, which thus have a bucket of their own, and at higher levels never.
  static std::size_t bucket_of(Key key, Key floor) noexcept {
    const auto level = static_cast<unsigned>(std::bit_width((key ^ floor) | 1) - 1) / kDigitBits;
    return std::size_t{level} * kDigits + ((key >> (level * kDigitBits)) & (kDigits - 1));
  }
  std::size_t equal_bucket() const noexcept { return floor_ & (kDigits - 1); }
  __attribute__((noinline)) static void grow(Bucket& b) {
    const std::uint32_t capacity = b.capacity == 0 ? 16 : 2 * b.capacity;
    void* data = std::realloc(b.data, capacity * sizeof(Entry));
    if (data == nullptr) throw std::bad_alloc();
    b.data = static_cast<Entry*>(data);
    b.capacity = capacity;
  }
  void mark_empty(std::size_t bucket) noexcept {
    buckets_[bucket].size = 0;
    const std::uint64_t word = nonempty_[bucket / 64] & ~(std::uint64_t{1} << (bucket % 64));
    nonempty_[bucket / 64] = word;
    nonempty_words_ &= ~(static_cast<std::uint64_t>(word == 0) << (bucket / 64));
  }

  // Takes the smallest entry out of the buckets, raising the floor to it.
  bool take_smallest(Entry& out) {
    if (nonempty_words_ == 0) return false;
    const int word = std::countr_zero(nonempty_words_);
    const std::size_t bucket = word * 64 + std::countr_zero(nonempty_[word]);
    Bucket& b = buckets_[bucket];
    if (bucket == equal_bucket()) {  // keys equal to the floor: any will do
      out = b.data[--b.size];
      if (b.size == 0) mark_empty(bucket);
      return true;
    }
    if (b.size == 1) {  // the usual case: one key in the lowest bucket
      out = b.data[0];
      mark_empty(bucket);
      floor_ = out.key;
      return true;
    }
    split_bucket(bucket, out);
    return true;
  }
  // Raises the floor to the smallest key of a bucket, moves its entries down by it, and takes
  // out the smallest, which is then in the bucket of keys equal to the floor.
  __attribute__((noinline)) void split_bucket(std::size_t bucket, Entry& out) {
    Bucket& b = buckets_[bucket];
    const Entry* const data = b.data;
    const std::uint32_t count = b.size;
    // Two running minimums, to halve the chain of dependent steps.
    // Keys are copied out before std::min, which takes references: a packed entry's key is
    // not aligned for one.
    Key smallest = data[0].key, other = data[count - 1].key;
    for (std::uint32_t i = 1; i + 1 < count; i += 2) {
      const Key first = data[i].key, second = data[i + 1].key;
      smallest = std::min(smallest, first);
      other = std::min(other, second);
    }
    smallest = std::min(smallest, other);
    mark_empty(bucket);
    floor_ = smallest;
    move_down(data, count, smallest);
    Bucket& equal = buckets_[equal_bucket()];
    out = equal.data[--equal.size];
    if (equal.size == 0) mark_empty(equal_bucket());
  }
  // Moves the entries of an emptied bucket to the buckets below it, by the new floor. They are
  // read from its storage, which is only appended to when it holds keys all equal to the new
  // floor: then each entry is written back at or before where it is read from.
  void move_down(const Entry* entries, std::uint32_t count, Key floor) {
    std::uint64_t words = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
      const Entry entry = entries[i];
      const std::size_t bucket = bucket_of(entry.key, floor);
      Bucket& b = buckets_[bucket];
      if (b.size == b.capacity) grow(b);
      b.data[b.size++] = entry;
      nonempty_[bucket / 64] |= std::uint64_t{1} << (bucket % 64);
      words |= std::uint64_t{1} << (bucket / 64);
    }
    nonempty_words_ |= words;
  }

  std::array<Bucket, kBucketCount> buckets_{};
  std::array<std::uint64_t, kMaskWords> nonempty_{};
  std::uint64_t nonempty_words_ = 0;  // bit w: nonempty_[w] has a bit set
  std::vector<Entry> early_;          // a min-heap of keys below the floor
  Entry head_{};
  bool has_head_ = false;
  bool head_ready_ = false;  // has_head_ and early_ is empty: top() is head_
  Key floor_ = 0;
  std::size_t size_ = 0;  // entries held, out-of-date ones included
};

// What one example contributes to a line while the lines of a tie group are merged.
struct TieMember {
  double slope;
  double fp;
  double fn;
};

// The quantities of the problem that the walk needs besides the lines.
struct WalkProblem {
  double fp_total = 0;
  double fn_total = 0;
  Denominators denominators;
  double step_scale = 1;  // true step = walk step * step_scale
};

// min(FP / D_fp, FN / D_fn) times D_fp D_fn, on a gap with these weights below.
double scaled_min(double fp_below, double fn_below, double fn_total,
                  Denominators denominators) noexcept {
  return std::min(fp_below * denominators.fn, std::max(0.0, fn_total - fn_below) * denominators.fp);
}

// The walk step where line `low` meets `high`, the line just above it, or kNoCrossing.
Key crossing_key(const RankedLine& low, const RankedLine& high) noexcept {
  // The step is computed either way (a division by zero for parallel lines does no harm):
  // whether two adjacent lines cross is a coin flip.
  const Key key = threshold_key((high.intercept - low.intercept) / (low.slope - high.slope));
  const Key none = -static_cast<Key>(!(low.slope > high.slope));  // kNoCrossing or 0
  return key | none;
}

// One thread's part of building the lines: the lines of the bucket at hand, and the members of
// a tie group.
struct BucketLines {
  std::vector<RankedLine> lines;
  std::vector<TieMember> tie;
};

// Everything a walk needs besides its sums, kept between walks.
struct WalkWorkspace {
  ThresholdSorter sorter;
  Block ranks;            // the lines in order, then one line standing for "above all"
  std::size_t lines = 0;  // lines in `ranks`, that one left out
  std::vector<BucketLines> builders;  // per thread
  std::vector<std::uint32_t> met;     // slots (lower ranks of adjacent pairs) meeting in a pass
  CrossingQueue queue;
};

// Lines that fit in a core's L2 cache; the walk fetches those of the next crossing ahead when
// there are more.
constexpr std::size_t kCachedLines = (std::size_t{1} << 20) / sizeof(RankedLine);

// The examples' slopes are read in threshold order, from all over the direction: the next
// ones are fetched this many entries ahead.
constexpr std::size_t kSlopeLookAhead = 16;

// Appends the lines of a group of examples with one intercept: ordered by slope, those with
// equal slopes merged into one.
template <class SlopeOf>
void append_tie_group(std::span<const ThresholdEntry> group, double intercept,
                      const DiffRow* rows, const double* direction, const SlopeOf& slope_of,
                      BucketLines& out) {
  out.tie.clear();
  for (const ThresholdEntry& entry : group) {
    const DiffRow& diff = rows[entry.diff_row];
    out.tie.push_back({slope_of(direction[entry.example]), diff.fp, diff.fn});
  }
  std::sort(out.tie.begin(), out.tie.end(),
            [](const TieMember& x, const TieMember& y) { return x.slope < y.slope; });
  for (std::size_t k = 0; k < out.tie.size(); ++k) {
    if (k > 0 && out.tie[k].slope == out.tie[k - 1].slope) {
      out.lines.back().fp += out.tie[k].fp;
      out.lines.back().fn += out.tie[k].fn;
      continue;
    }
    out.lines.push_back(
        {intercept, out.tie[k].slope, out.tie[k].fp, out.tie[k].fn, 0, 0, 0, kNoCrossing});
  }
}

// The lines of one bucket of examples sorted by intercept, in rank order, each with its
// crossing with the next line of the bucket. `slope_of(d)` is the slope in walk units of an
// example whose direction is d. Depends on the bucket alone, so that buckets can be built on
// any thread.
template <class SlopeOf>
void build_bucket_lines(std::span<const ThresholdEntry> entries, const ErrorDiffs& diffs,
                        const double* direction, const SlopeOf& slope_of, BucketLines& out) {
  out.lines.clear();
  const DiffRow* rows = diffs.rows.data();
  const std::size_t size = entries.size();
  for (std::size_t begin = 0; begin < size;) {
    if (begin + kSlopeLookAhead < size) {
      __builtin_prefetch(direction + entries[begin + kSlopeLookAhead].example);
    }
    const double intercept = key_threshold(entries[begin].key);
    std::size_t end = begin + 1;
    while (end < size && entries[end].key == entries[begin].key) ++end;
    if (end == begin + 1) {
      const DiffRow& diff = rows[entries[begin].diff_row];
      out.lines.push_back({intercept, slope_of(direction[entries[begin].example]), diff.fp,
                           diff.fn, 0, 0, 0, kNoCrossing});
    } else {
      append_tie_group(entries.subspan(begin, end - begin), intercept, rows, direction, slope_of,
                       out);
    }
    begin = end;
  }
  for (std::size_t r = 0; r + 1 < out.lines.size(); ++r) {
    out.lines[r].crossing = crossing_key(out.lines[r], out.lines[r + 1]);
  }
}

// The sums the walk carries (see the top of the file), and the AUC area at step 0, where lines
// of equal intercepts are tied.
template <class SlopeSum>
struct WalkSums {
  CompensatedSum intercept;
  SlopeSum slope;
  CompensatedSum area;
  double area_at_zero = 0;
};

// Puts the lines in their places in rank order, bucket after bucket: the weights below each
// line, the sums over the gaps and lines so far, and the crossing of every adjacent pair in the
// queue. Each sum is taken line by line in rank order, on whichever thread, so the results do
// not depend on how many threads built the buckets.
template <class SlopeSum>
class LineChain {
 public:
  LineChain(RankedLine* ranks, CrossingQueue& queue, const WalkProblem& problem)
      : ranks_(ranks),
        queue_(queue),
        fn_total_(problem.fn_total),
        denominators_(problem.denominators) {}

  void append(std::span<const RankedLine> lines) {
    for (std::size_t k = 0; k < lines.size(); ++k) {
      RankedLine& line = ranks_[count_];
      line = lines[k];
      line.fp_below = fp_below_;
      line.fn_below = fn_below_;
      line.min_below = scaled_min(fp_below_, fn_below_, fn_total_, denominators_);
      fp_below_ += line.fp;
      fn_below_ += line.fn;
      if (count_ > 0) pass_gap(ranks_[count_ - 1], line, k == 0);
      group_fp_ += line.fp;
      group_fn_ += line.fn;
      sums_.area.add(line.fp * (2.0 * line.fn_below + line.fn));
      ++count_;
    }
  }

  /// Adds the line above all others and returns the number of lines below it.
  std::size_t finish(const WalkProblem& problem, WalkSums<SlopeSum>& sums) {
    if (count_ > 0) close_group();
    ranks_[count_] = {0, 0, 0, 0, problem.fp_total, problem.fn_total, 0, kNoCrossing};
    sums = sums_;
    sums.area_at_zero = area_at_zero_.value();
    return count_;
  }

 private:
  // The gap between `below` and `line`, the next line up; `first_of_bucket` when `below` came
  // from another bucket, whose crossing with `line` is not known yet.
  void pass_gap(RankedLine& below, const RankedLine& line, bool first_of_bucket) {
    if (first_of_bucket) below.crossing = crossing_key(below, line);
    queue_.push_if(below.crossing != kNoCrossing, below.crossing,
                   static_cast<std::uint32_t>(count_ - 1));
    const double min = line.min_below;
    if (min != 0) {
      sums_.intercept.add(min * (line.intercept - below.intercept));
      sums_.slope.add(line.slope - below.slope, min);
    }
    if (line.intercept != below.intercept) {
      close_group();
      group_fn_below_ = line.fn_below;
    }
  }
  void close_group() {
    area_at_zero_.add(group_fp_ * (2.0 * group_fn_below_ + group_fn_));
    group_fp_ = group_fn_ = 0;
  }

  RankedLine* ranks_;
  CrossingQueue& queue_;
  double fn_total_;
  Denominators denominators_;
  std::size_t count_ = 0;
  double fp_below_ = 0, fn_below_ = 0;  // weights below the next line
  WalkSums<SlopeSum> sums_;
  // The group of lines with the intercept of the last line, for the area at step 0.
  CompensatedSum area_at_zero_;
  double group_fp_ = 0, group_fn_ = 0, group_fn_below_ = 0;
};

// Sorts the examples' lines by intercept, ties by slope, merges equal lines, and puts them in
// the workspace with the weights below each and the crossings of adjacent lines queued; returns
// the initial sums. `slope_of(d)` is the slope in walk units of an example whose direction is d.
// Buckets of examples are sorted and turned into lines on `threads` threads, and put in place
// one after another in order.
template <class SlopeSum, class SlopeOf>
WalkSums<SlopeSum> build_lines(WalkWorkspace& w, std::span<const double> scores,
                               std::span<const double> direction, const ErrorDiffs& diffs,
                               const WalkProblem& problem, const SlopeOf& slope_of, int threads) {
  const int team = scores.size() >= kParallelMinSize ? threads : 1;
  w.sorter.partition(scores, diffs.row_of_example, team);
  if (w.builders.size() < static_cast<std::size_t>(team)) w.builders.resize(team);
  w.queue.clear(threshold_key(0.0));
  LineChain<SlopeSum> chain(w.ranks.reserve<RankedLine>(scores.size() + 1), w.queue, problem);
  const auto buckets = static_cast<std::ptrdiff_t>(w.sorter.bucket_count());
  if (team == 1) {
    for (std::ptrdiff_t b = 0; b < buckets; ++b) {
      build_bucket_lines(w.sorter.sort_bucket(b, 0), diffs, direction.data(), slope_of,
                         w.builders[0]);
      chain.append(w.builders[0].lines);
    }
  } else {
#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(team)
    for (std::ptrdiff_t b = 0; b < buckets; ++b) {
      const int t = thread_number();
      build_bucket_lines(w.sorter.sort_bucket(b, t), diffs, direction.data(), slope_of,
                         w.builders[t]);
#pragma omp ordered
      chain.append(w.builders[t].lines);
    }
  }
  WalkSums<SlopeSum> sums;
  w.lines = chain.finish(problem, sums);
  return sums;
}

// A row as the walk leaves it: what the fields of a LineSearchRow are divided out of, so that a
// stop rule divides out only those it looks at.
struct WalkRow {
  double step = 0;           // in walk units
  double aum_numerator = 0;  // AUM at `step`, from the sums before the row's crossings, times
                             // D_fp D_fn
  double slope = 0;          // S just after `step`
  double area_tied = 0;      // AUC area at `step`, in weight units: lines that meet are tied
  double area_after = 0;     // AUC area just after `step`
  std::size_t intersections = 0;
  std::size_t intervals = 0;
};

// Turns walk rows into rows: the divisions by the problem's scales.
class RowScale {
 public:
  explicit RowScale(const WalkProblem& problem)
      : step_scale_(problem.step_scale),
        min_divisor_(problem.denominators.fp * problem.denominators.fn),
        auc_divisor_(2.0 * problem.fp_total * problem.fn_total) {}

  double step_size(const WalkRow& row) const noexcept { return row.step * step_scale_; }
  double aum(const WalkRow& row) const noexcept {
    return std::max(0.0, row.aum_numerator / min_divisor_);
  }
  double aum_slope_after(const WalkRow& row) const noexcept {
    return row.slope / (min_divisor_ * step_scale_);
  }
  double auc(double area) const noexcept {
    if (!(auc_divisor_ > 0)) return std::numeric_limits<double>::quiet_NaN();
    return std::clamp(area / auc_divisor_, 0.0, 1.0);
  }
  LineSearchRow row(const WalkRow& row) const noexcept {
    return {step_size(row), aum(row),           aum_slope_after(row), auc(row.area_tied),
            auc(row.area_after), row.intersections, row.intervals};
  }

 private:
  double step_scale_;
  double min_divisor_;
  double auc_divisor_;
};

// Walks the crossings of the lines in a workspace, row by row. SlopeSum decides whether S is
// summed exactly (whole-number slopes and min values) or with compensation.
template <class SlopeSum>
class EventWalk {
 public:
  /// Starts from the lines build_lines() put in the workspace and the sums it returned.
  EventWalk(WalkWorkspace& w, const WalkProblem& problem, const WalkSums<SlopeSum>& sums)
      : w_(w),
        ranks_(w.ranks.get<RankedLine>()),
        lines_(w.lines),
        fn_total_(problem.fn_total),
        denominators_(problem.denominators),
        step_scale_(problem.step_scale),
        resync_interval_(std::max<std::size_t>(4096, 4 * lines_)),
        far_apart_(lines_ > kCachedLines),
        area_at_zero_(sums.area_at_zero),
        intercept_sum_(sums.intercept),
        slope_sum_(sums.slope),
        slope_(sums.slope.value()),
        area_(sums.area) {}

  std::size_t lines() const noexcept { return lines_; }

  WalkRow first_row() const {
    WalkRow row;
    row.aum_numerator = aum_numerator_at(0.0);
    row.slope = slope_;
    row.area_tied = area_at_zero_;
    row.area_after = area_.value();
    return row;
  }

  /// The next row; false when no crossings are left.
  bool next_row(WalkRow& row) {
    CrossingQueue::Entry first;
    if (!next_current(first)) return false;
    if (++events_since_resync_ >= resync_interval_) resync();
    row_key_ = first.key;
    const double step = key_step(first.key);
    const Key limit = threshold_key(step * (1.0 + kStepTolerance));
    row = WalkRow{};
    row.step = step;
    row.aum_numerator = aum_numerator_at(step);
    const double area_before = area_.value();
    w_.queue.pop();
    ranks_[first.slot].crossing = kNoCrossing;
    CrossingQueue::Entry entry;
    if (!next_current_within(entry, limit)) {
      // Two lines meet alone, as at most crossings. The lines of the next crossing, and of
      // the one likely after it, are fetched while these are swapped: with millions of lines
      // they are far apart in memory, and one crossing's work is shorter than a fetch.
      if (far_apart_ && w_.queue.top(entry)) {
        prefetch_around(entry.slot);
        const std::uint32_t after = w_.queue.slot_after_top();
        if (after != kNil) prefetch_around(after);
      }
      swap_adjacent(first.slot);
      row.intersections = row.intervals = 1;
      bool joined = false;
      if (first.slot > 0) joined = schedule(first.slot - 1, limit);
      if (first.slot + 2 < lines_) joined |= schedule(first.slot + 1, limit);
      if (joined) walk_passes(row, limit, kNil);
    } else {
      walk_passes(row, limit, first.slot);
    }
    // Out-of-date entries are dropped as they are met; start afresh if too many pile up.
    if (w_.queue.size() > 2 * lines_ + 1024) schedule_all(row_key_);
    row.slope = slope_;
    row.area_after = area_.value();
    row.area_tied = 0.5 * (area_before + row.area_after);
    return true;
  }

  // Walks the passes of a row: the crossings within `limit` (and the slot `first`, already taken
  // out of the queue, unless it is kNil) meet; the crossings this creates within `limit` are the
  // next pass.
  void walk_passes(WalkRow& row, Key limit, std::uint32_t first) {
    for (;;) {
      w_.met.clear();
      if (first != kNil) w_.met.push_back(first);
      first = kNil;
      CrossingQueue::Entry entry;
      while (next_current_within(entry, limit)) {
        w_.queue.pop();
        ranks_[entry.slot].crossing = kNoCrossing;
        w_.met.push_back(entry.slot);
      }
      if (w_.met.empty()) return;
      // Done unless a crossing found in this pass belongs to the row.
      if (!process_pass(row, limit)) return;
    }
  }

  /// The step of the next crossing, if any.
  bool next_step(double& step) {
    CrossingQueue::Entry entry;
    if (!next_current(entry)) return false;
    step = key_step(entry.key) * step_scale_;
    return true;
  }

 private:
  // Asks for the lines that a crossing at `slot` reads: ranks slot - 1 to slot + 2.
  void prefetch_around(std::uint32_t slot) const noexcept {
    const char* first = reinterpret_cast<const char*>(ranks_ + (slot > 0 ? slot - 1 : 0));
    for (std::size_t offset = 0; offset < 4 * sizeof(RankedLine); offset += kCacheLineBytes) {
      __builtin_prefetch(first + offset);
    }
  }

  // The smallest crossing that is not out of date, popping those that are; it stays queued.
  bool next_current(CrossingQueue::Entry& entry) {
    while (w_.queue.top(entry)) {
      if (ranks_[entry.slot].crossing == entry.key) return true;
      w_.queue.pop();
    }
    return false;
  }
  // The same if its key is at most `limit`.
  bool next_current_within(CrossingQueue::Entry& entry, Key limit) {
    while (w_.queue.top(entry) && entry.key <= limit) {
      if (ranks_[entry.slot].crossing == entry.key) return true;
      w_.queue.pop();
    }
    return false;
  }

  double scaled_min(double fp_below, double fn_below) const noexcept {
    return aumtrain::scaled_min(fp_below, fn_below, fn_total_, denominators_);
  }
  double gap_min(std::size_t rank) const noexcept { return ranks_[rank].min_below; }
  double aum_numerator_at(double step) const noexcept {
    return intercept_sum_.value() + slope_ * step;
  }

  // I, S and the AUC area from the lines; the weights below each line too if `weights_below`.
  void recompute_sums(bool weights_below) {
    if (weights_below) {
      double fp = 0, fn = 0;
      for (std::size_t r = 0; r < lines_; ++r) {
        ranks_[r].fp_below = fp;
        ranks_[r].fn_below = fn;
        ranks_[r].min_below = scaled_min(fp, fn);
        fp += ranks_[r].fp;
        fn += ranks_[r].fn;
      }
    }
    intercept_sum_.reset();
    slope_sum_.reset();
    area_.reset();
    for (std::size_t r = 1; r < lines_; ++r) {
      const double min = gap_min(r);
      if (min == 0) continue;
      intercept_sum_.add(min * (ranks_[r].intercept - ranks_[r - 1].intercept));
      slope_sum_.add(ranks_[r].slope - ranks_[r - 1].slope, min);
    }
    for (std::size_t r = 0; r < lines_; ++r) {
      area_.add(ranks_[r].fp * (2.0 * ranks_[r].fn_below + ranks_[r].fn));
    }
    slope_ = slope_sum_.value();
  }
  // With whole numbers only I can drift (it involves the intercepts); otherwise all can.
  void resync() {
    events_since_resync_ = 0;
    recompute_sums(!SlopeSum::exact);
  }

  // The walk step where the line at `rank` meets the one above, or kNoCrossing.
  Key crossing_of(std::size_t rank) const noexcept {
    return crossing_key(ranks_[rank], ranks_[rank + 1]);
  }
  // Gives the pair at `rank` its crossing, queued unless it is the one it had; true if that is
  // a new crossing at most `limit`, in the row being walked. Branch-free: whether a pair
  // crosses is a coin flip.
  bool schedule(std::size_t rank, Key limit) {
    const Key key = crossing_of(rank);
    Key& crossing = ranks_[rank].crossing;
    const bool changed = key != crossing;
    crossing = key;
    w_.queue.push_if(changed & (key != kNoCrossing), key, static_cast<std::uint32_t>(rank));
    return changed & (key <= limit);
  }
  void schedule_all(Key floor) {
    w_.queue.clear(floor);
    for (std::size_t r = 0; r + 1 < lines_; ++r) {
      ranks_[r].crossing = kNoCrossing;
      schedule(r, 0);
    }
  }

  // Swaps or reverses the runs of lines that meet at the slots in `met`; true if that gives a
  // crossing at most `limit`.
  bool process_pass(WalkRow& row, Key limit) {
    std::vector<std::uint32_t>& met = w_.met;
    if (met.size() > 1) {
      std::sort(met.begin(), met.end());
      met.erase(std::unique(met.begin(), met.end()), met.end());
    }
    for (std::size_t k = 0; k < met.size();) {
      std::size_t end = k + 1;
      while (end < met.size() && met[end] == met[end - 1] + 1) ++end;
      const std::size_t first_rank = met[k], last_rank = met[end - 1] + 1;
      if (last_rank == first_rank + 1) {
        swap_adjacent(first_rank);
      } else {
        reverse_run(first_rank, last_rank);
      }
      ++row.intersections;
      row.intervals += last_rank - first_rank;
      k = end;
    }
    bool joined = false;
    for (std::size_t k = 0; k < met.size();) {
      std::size_t end = k + 1;
      while (end < met.size() && met[end] == met[end - 1] + 1) ++end;
      if (met[k] > 0) joined |= schedule(met[k] - 1, limit);
      if (met[end - 1] + 2 < lines_) joined |= schedule(met[end - 1] + 1, limit);
      k = end;
    }
    return joined;
  }

  // Two lines meet alone: only the gap between them gets another line below it.
  void swap_adjacent(std::size_t rank) {
    RankedLine& x = ranks_[rank];
    RankedLine& y = ranks_[rank + 1];
    const double fp_between = x.fp_below + y.fp;
    const double fn_between = x.fn_below + y.fn;
    const double min_between = scaled_min(fp_between, fn_between);
    const double change = x.min_below + ranks_[rank + 2].min_below - y.min_below - min_between;
    if (change != 0) {
      slope_sum_.add(y.slope - x.slope, change);
      slope_ = slope_sum_.value();
      intercept_sum_.add((y.intercept - x.intercept) * change);
    }
    area_.add(2.0 * (x.fp * y.fn - y.fp * x.fn));
    std::swap(x.intercept, y.intercept);
    std::swap(x.slope, y.slope);
    std::swap(x.fp, y.fp);
    std::swap(x.fn, y.fn);
    y.fp_below = fp_between;
    y.fn_below = fn_between;
    y.min_below = min_between;
  }

  // Lines first..last meet at one point: their order reverses.
  void reverse_run(std::size_t first, std::size_t last) {
    add_run_terms(first, last, -1.0);
    for (std::size_t lo = first, hi = last; lo < hi; ++lo, --hi) {
      std::swap(ranks_[lo].intercept, ranks_[hi].intercept);
      std::swap(ranks_[lo].slope, ranks_[hi].slope);
      std::swap(ranks_[lo].fp, ranks_[hi].fp);
      std::swap(ranks_[lo].fn, ranks_[hi].fn);
    }
    for (std::size_t r = first + 1; r <= last; ++r) {
      ranks_[r].fp_below = ranks_[r - 1].fp_below + ranks_[r - 1].fp;
      ranks_[r].fn_below = ranks_[r - 1].fn_below + ranks_[r - 1].fn;
      ranks_[r].min_below = scaled_min(ranks_[r].fp_below, ranks_[r].fn_below);
    }
    add_run_terms(first, last, 1.0);
    slope_ = slope_sum_.value();
  }
  // Adds (sign 1) or takes away (sign -1) the terms of I, S and the area that involve the lines
  // first..last: the gaps first..last + 1 and the lines' own areas.
  void add_run_terms(std::size_t first, std::size_t last, double sign) {
    for (std::size_t r = first; r <= last + 1; ++r) {
      const double min = sign * gap_min(r);
      if (min == 0 || r == 0 || r == lines_) continue;
      slope_sum_.add(ranks_[r].slope - ranks_[r - 1].slope, min);
      intercept_sum_.add(min * (ranks_[r].intercept - ranks_[r - 1].intercept));
    }
    for (std::size_t r = first; r <= last; ++r) {
      area_.add(sign * ranks_[r].fp * (2.0 * ranks_[r].fn_below + ranks_[r].fn));
    }
  }

  WalkWorkspace& w_;
  RankedLine* ranks_;
  std::size_t lines_;
  double fn_total_;
  Denominators denominators_;
  double step_scale_;
  std::size_t resync_interval_;
  bool far_apart_;  // too many lines to stay in a core's cache: fetch them ahead
  std::size_t events_since_resync_ = 0;
  double area_at_zero_;
  Key row_key_ = threshold_key(0.0);  // the step of the row being walked
  CompensatedSum intercept_sum_;
  SlopeSum slope_sum_;
  double slope_ = 0;  // slope_sum_ as a double, converted when it changes
  CompensatedSum area_;
};

// x if `condition`, else y, without a branch (which the compiler would otherwise take for doubles).
double select(bool condition, double x, double y) noexcept {
  const std::uint64_t mask = -static_cast<std::uint64_t>(condition);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(x) & mask) |
                               (std::bit_cast<std::uint64_t>(y) & ~mask));
}

// Applies a stop rule to the rows as they come and keeps what it chooses.
class StopRule {
 public:
  StopRule(const LineSearchParams& params, const RowScale& scale)
      : params_(params), scale_(scale) {}

  /// Takes row number `index`; false once the rule is met and the walk should stop.
  bool wants_more(const WalkRow& row, std::size_t index) {
    if (index == 0) start(row);
    switch (params_.stop) {
      case LineSearchStop::rows:
        return index + 1 < params_.max_rows;
      case LineSearchStop::min_aum:
        return scale_.aum_slope_after(row) < 0;
      case LineSearchStop::least_aum_within_cap: {
        const double aum = scale_.aum(row);
        keep_if(aum < best_value_, row, index, aum);
        return true;
      }
      case LineSearchStop::max_auc:
        return take_auc_row(row, index);
    }
    return false;
  }
  /// Whether the rule ended the walk (rather than a cap or the end of the crossings).
  bool met() const noexcept { return met_; }
  void set_met() noexcept { met_ = true; }

  /// The chosen row, given the last row walked (number `last_index`) and, when there is one
  /// (has_next), the step of the next crossing.
  LineSearchResult choose(const WalkRow& last, std::size_t last_index, bool has_next,
                          double next_step) const {
    const LineSearchRow best = scale_.row(best_[best_slot_]);
    LineSearchResult result;
    result.chosen = best;
    result.chosen_row = best_index_;
    if (params_.stop == LineSearchStop::rows || params_.stop == LineSearchStop::min_aum) {
      result.chosen = scale_.row(last);  // the least AUM too when min_aum's walk was cut short
      result.chosen_row = last_index;
    }
    if (params_.stop != LineSearchStop::max_auc) return result;
    double end = best.step_size > 0 ? 2.0 * best.step_size : 1.0;
    if (has_best_end_) {
      end = best_end_;
    } else if (has_next) {
      end = next_step;
    }
    LineSearchRow& chosen = result.chosen;
    const double middle = 0.5 * (best.step_size + end);
    chosen.aum = std::max(0.0, best.aum + best.aum_slope_after * (middle - best.step_size));
    chosen.step_size = middle;
    chosen.auc = chosen.auc_after = best.auc_after;
    chosen.intersections = chosen.intervals = 0;
    return result;
  }

 private:
  // Row 0 is the best so far; best_value_ is what the rule compares.
  void start(const WalkRow& row) {
    best_[best_slot_] = row;
    best_value_ = params_.stop == LineSearchStop::max_auc ? scale_.auc(row.area_after)
                                                          : scale_.aum(row);
  }
  // Makes `row` the best if `better`, `value` being what the rule compares. Rows come fast and
  // whether one is better is often a coin flip, so it is written either way, into the slot that
  // is not the best, which becomes the best.
  void keep_if(bool better, const WalkRow& row, std::size_t index, double value) noexcept {
    best_[best_slot_ ^ 1] = row;
    best_slot_ ^= static_cast<unsigned>(better);
    best_index_ = better ? index : best_index_;
    best_value_ = select(better, value, best_value_);
  }

  bool take_auc_row(const WalkRow& row, std::size_t index) {
    const double auc_after = scale_.auc(row.area_after);
    const bool ends_best = index == best_index_ + 1;
    best_end_ = select(ends_best, scale_.step_size(row), best_end_);
    has_best_end_ = has_best_end_ | ends_best;
    const bool better = (index == 0) | (auc_after > best_value_);
    keep_if(better, row, index, auc_after);
    has_best_end_ = has_best_end_ & !better;
    // An undefined AUC (one class) cannot get better: stop at once.
    if (std::isnan(auc_after)) return false;
    return !(auc_after < best_value_ - kAucDrop);
  }

  LineSearchParams params_;
  RowScale scale_;
  WalkRow best_[2];  // the best row so far is best_[best_slot_]
  unsigned best_slot_ = 0;
  std::size_t best_index_ = 0;
  double best_value_ = 0;  // its AUM (least_aum_within_cap) or AUC after (max_auc)
  double best_end_ = 0;
  bool has_best_end_ = false;
  bool met_ = false;
};

template <class SlopeSum>
LineSearchResult walk_rows(WalkWorkspace& w, const WalkProblem& problem,
                           const WalkSums<SlopeSum>& sums, const LineSearchParams& params,
                           const LineSearchRowCallback& on_row) {
  EventWalk<SlopeSum> walk(w, problem, sums);
  const RowScale scale(problem);
  StopRule rule(params, scale);
  WalkRow row = walk.first_row();
  std::size_t rows = 1;
  if (on_row) on_row(scale.row(row));
  bool more = rule.wants_more(row, 0);
  bool exhausted = false;
  while (more) {
    if (params.max_events > 0 && rows - 1 >= params.max_events) break;
    if (!walk.next_row(row)) {
      exhausted = true;
      break;
    }
    if (on_row) on_row(scale.row(row));
    more = rule.wants_more(row, rows++);
  }
  if (!more) rule.set_met();
  double next_step = 0;
  const bool has_next = !exhausted && walk.next_step(next_step);
  LineSearchResult result = rule.choose(row, rows - 1, has_next, next_step);
  result.rows = rows;
  result.events = rows - 1;
  result.lines = walk.lines();
  result.capped = !rule.met() && has_next;
  return result;
}

void check_finite(std::span<const double> values, const char* what, const char* advice) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw DataError(fmt::format("line search: {} {} at row {} is not finite; {}", what,
                                  values[i], i + 1, advice));
    }
  }
}

// The slopes in walk units when the direction is a grid of whole multiples of 1 / scale that
// exact sums can carry; false otherwise.
bool on_exact_grid(std::span<const double> direction, double scale, double largest_min) {
  if (!(scale > 0)) return false;
  double largest = 0;
  for (const double d : direction) {
    const double multiple = std::nearbyint(d * scale);
    if (!(std::abs(multiple) <= 0x1p50) || multiple / scale != d) return false;
    largest = std::max(largest, std::abs(multiple));
  }
  // |S| is at most (lines + 1) * largest min * twice the largest slope: it must fit 127 bits.
  return (static_cast<double>(direction.size()) + 1) * std::max(largest_min, 1.0) *
             std::max(2 * largest, 1.0) <
         0x1p125;
}

}  // namespace

struct LineSearch::Workspace : WalkWorkspace {};

LineSearch::LineSearch(int threads) : threads_(threads) {
  if (threads < 1) {
    throw ConfigError(
        fmt::format("threads is {}; the line search needs at least 1 thread", threads));
  }
}
LineSearch::~LineSearch() = default;
LineSearch::LineSearch(LineSearch&&) noexcept = default;
LineSearch& LineSearch::operator=(LineSearch&&) noexcept = default;

LineSearchResult LineSearch::run(std::span<const double> scores,
                                 std::span<const double> direction, const ErrorDiffs& diffs,
                                 Denominators denominators, const LineSearchParams& params,
                                 const LineSearchRowCallback& on_row) {
  if (scores.size() != diffs.size() || direction.size() != diffs.size()) {
    throw std::invalid_argument(fmt::format(
        "LineSearch::run: {} scores and {} direction values for {} error diffs", scores.size(),
        direction.size(), diffs.size()));
  }
  if (params.stop == LineSearchStop::rows && params.max_rows < 1) {
    throw std::invalid_argument("LineSearch::run: max_rows must be at least 1");
  }
  check_finite(scores, "score", "give finite scores");
  check_finite(direction, "direction",
               "the direction must be finite (was it computed from finite scores?)");
  if (!work_) work_ = std::make_unique<Workspace>();
  Workspace& w = *work_;

  WalkProblem problem{diffs.fp_total, diffs.fn_total, denominators, 1.0};
  const double scale = exact_scale(diffs, denominators);
  const double largest_min =
      std::max(diffs.fp_total * denominators.fn, diffs.fn_total * denominators.fp);
  if (on_exact_grid(direction, scale, largest_min)) {
    problem.step_scale = scale;
    const auto sums = build_lines<ExactSlopeSum>(
        w, scores, direction, diffs, problem,
        [scale](double d) { return -std::nearbyint(d * scale) + 0.0; }, threads_);
    return walk_rows(w, problem, sums, params, on_row);
  }
  const auto sums = build_lines<RoundedSlopeSum>(
      w, scores, direction, diffs, problem, [](double d) { return -d + 0.0; }, threads_);
  return walk_rows(w, problem, sums, params, on_row);
}

void exact_prediction_direction(std::span<const double> scores, const ErrorDiffs& diffs,
                                Denominators denominators, std::span<double> direction) {
  AumKernel kernel;
  exact_prediction_direction(kernel, scores, diffs, denominators, direction);
}

void exact_prediction_direction(AumKernel& kernel, std::span<const double> scores,
                                const ErrorDiffs& diffs, Denominators denominators,
                                std::span<double> direction) {
  if (direction.size() != scores.size()) {
    throw std::invalid_argument(
        fmt::format("exact_prediction_direction: {} direction values for {} scores",
                    direction.size(), scores.size()));
  }
  kernel.value_and_gradient(scores, diffs, denominators, direction);
  const double scale = exact_scale(diffs, denominators);
  for (double& d : direction) {
    // Each derivative is a difference of min values, whole multiples of 1 / (D_fp D_fn); their
    // mean is a whole multiple of 1 / scale, which the rounding recovers.
    d = (scale > 0 ? -(std::nearbyint(d * scale) / scale) : -d) + 0.0;
  }
}

}  // namespace aumtrain
