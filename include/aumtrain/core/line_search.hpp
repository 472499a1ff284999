// The exact line search of AUM along a ray of scores s + t d, t >= 0.
//
// Each example's threshold -s_i - t d_i is a line in the step size t. Between two step sizes
// where no two lines cross, the order of the thresholds is fixed, so AUM is linear in t and AUC
// is constant; every crossing is an event. The walk sorts the lines once and then visits the
// events in order of t with a priority queue of the crossings of adjacent lines, updating the
// errors of the intervals between the lines that meet, the slope of AUM and AUC. Cost:
// O((I + B) log B) for B distinct lines and I events.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>

#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain {

class AumKernel;

/// The state of the walk at one step size: row 0 is t = 0, every later row an event.
struct LineSearchRow {
  double step_size = 0;
  double aum = 0;              ///< AUM at step_size
  double aum_slope_after = 0;  ///< dAUM/dt just after step_size
  double auc = 0;              ///< AUC at step_size; thresholds that meet there count one half
  double auc_after = 0;        ///< AUC just after step_size
  std::size_t intersections = 0;  ///< distinct points where lines meet at this step (0 in row 0)
  std::size_t intervals = 0;      ///< summed over those points: the lines meeting there minus one
};

/// When the walk stops and which step it chooses.
enum class LineSearchStop {
  /// Walk max_rows rows (row 0 included) or until the events run out; choose the last row.
  rows,
  /// Walk while aum_slope_after < 0; choose the first row whose aum_slope_after >= 0 (row 0 if
  /// AUM does not decrease at all).
  min_aum,
  /// Walk until auc_after falls more than 1e-6 below the largest auc_after seen so far, or the
  /// events run out; choose the middle of the interval on which that largest auc_after holds
  /// (from its row to the next row; twice its row's step if it is the last interval, or 1 if
  /// that step is 0).
  max_auc,
  /// Walk max_events events (or until they run out); choose the row of least AUM (the earliest
  /// on ties).
  least_aum_within_cap,
};

struct LineSearchParams {
  LineSearchStop stop = LineSearchStop::rows;
  /// For `rows`: K >= 1, counting row 0.
  std::size_t max_rows = 1;
  /// 0: no cap. Otherwise the walk visits at most this many events (every stop rule); when min_aum
  /// or max_auc reaches the cap before its rule is met, it chooses the best step seen so far (the
  /// last row, whose AUM is the least, or the middle of the interval of the largest auc_after,
  /// which then ends at the next crossing even though it was not walked) and the result says
  /// `capped`.
  std::size_t max_events = 0;
};

struct LineSearchResult {
  /// The chosen step and the state there. For max_auc its step_size is the middle of an
  /// interval: aum is AUM there, aum_slope_after the slope on that interval, auc and auc_after
  /// that interval's AUC, and intersections = intervals = 0.
  LineSearchRow chosen;
  std::size_t chosen_row = 0;  ///< the row chosen (for max_auc: the row that starts its interval)
  std::size_t rows = 0;        ///< rows walked, row 0 included
  std::size_t events = 0;      ///< events walked (rows - 1)
  std::size_t lines = 0;       ///< distinct lines, after merging equal (intercept, slope) pairs
  /// max_events ended the walk while crossings remained: before the min_aum or max_auc rule was
  /// met, short of max_rows, or (least_aum_within_cap) short of the end of the path.
  bool capped = false;
};

/// Called with every row in order, row 0 first (to stream a path that can be very long).
using LineSearchRowCallback = std::function<void(const LineSearchRow&)>;

/// The walk, with a workspace that is reused between calls: keep one per thread. Scores and
/// directions must be finite (DataError naming the first row that is not).
///
/// Ties and rounding: lines with equal (intercept, slope) are merged, their error diffs summed;
/// lines with equal intercepts and different slopes meet at t = 0 and separate right after it,
/// which is not an event; lines with bit-equal slopes are parallel and never meet. Crossings
/// whose steps agree within a relative tolerance (stated in the implementation) are one step,
/// so several lines meeting at one point are one intersection even when rounding makes their
/// pairwise steps differ in the last bits. For exact parallels, give directions whose exactly
/// equal values are bit-equal (see exact_prediction_direction()).
class LineSearch {
 public:
  /// `threads` (>= 1, default 1) threads share the sorting of the lines from N = 2^18 examples
  /// on; the walk itself runs on one. Results do not depend on the number. Throws ConfigError
  /// when `threads` < 1.
  explicit LineSearch(int threads = 1);
  ~LineSearch();
  LineSearch(LineSearch&&) noexcept;
  LineSearch& operator=(LineSearch&&) noexcept;

  /// Walks the events of the thresholds -(scores + t direction), t >= 0, with the error diffs
  /// and denominators of the examples. scores, direction and diffs have one entry per example.
  LineSearchResult run(std::span<const double> scores, std::span<const double> direction,
                       const ErrorDiffs& diffs, Denominators denominators,
                       const LineSearchParams& params, const LineSearchRowCallback& on_row = {});

  int threads() const noexcept { return threads_; }

 private:
  struct Workspace;
  int threads_ = 1;
  std::unique_ptr<Workspace> work_;
};

/// The descent direction of prediction-space AUM: minus the mean of the left and right
/// derivatives, written into `direction`. Where the diffs have whole-number weights (and FP D_fn
/// and FN D_fp stay below 2^48, so that the rounding is certain), the values are rounded to the
/// exact multiples of 1 / (2 D_fp D_fn) (1/2 for `count`) that they are in exact arithmetic, so
/// that directions equal in exact arithmetic are bit-equal and their lines are parallel;
/// otherwise they are left as computed.
void exact_prediction_direction(std::span<const double> scores, const ErrorDiffs& diffs,
                                Denominators denominators, std::span<double> direction);

/// The same with the caller's kernel, whose workspace is reused from call to call.
void exact_prediction_direction(AumKernel& kernel, std::span<const double> scores,
                                const ErrorDiffs& diffs, Denominators denominators,
                                std::span<double> direction);

}  // namespace aumtrain
