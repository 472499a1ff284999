// The original R study's picture of the sub-differential of AUM on two samples (docs/math.md,
// "Worked examples"): for labels (0, 1) and scores (0, d), how AUM changes with each score, by the
// explicit directional derivatives and by libtorch autograd, as d runs from -3 to 3.
#pragma once

#include <string_view>
#include <vector>

namespace aumtrain {

/// One row of the R study's table: one example's derivatives at one difference d = f(x1) - f(x0).
struct SubdifferentialRow {
  double label = 0;         ///< 0 for x0 (negative), 1 for x1 (positive)
  double pred_diff = 0;     ///< d
  std::string_view method;  ///< "explicit" or "autograd"
  double min = 0;           ///< explicit: left derivative; autograd: its gradient
  double max = 0;           ///< explicit: right derivative; autograd: its gradient
  double mean = 0;          ///< (min + max) / 2
};

/// The differences of the R study's grid: -3, -2.5, ..., 3.
std::vector<double> subdifferential_pred_diffs();

/// The R study's table, denominator rate: for each d, the explicit rows of labels 0 and 1, then,
/// when `with_autograd`, the autograd rows (which need a build with libtorch).
std::vector<SubdifferentialRow> subdifferential_grid(bool with_autograd);

}  // namespace aumtrain
