// gnuplot pictures of how a model's scores rank and cut: the ROC curve, and the error curves
// against the score cut whose smaller one, shaded, has the area AUM. Drawn by `evaluate` and by
// `aum --plot`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aumtrain/core/aum_kernel.hpp"

namespace aumtrain {

/// A point of the ROC curve: the rates of the model's threshold.
struct OperatingPoint {
  double false_positive_rate = 0;
  double true_positive_rate = 0;
  double threshold = 0;
};

/// Plot commands, with their data, for TPR against FPR through the rows of `roc` (computed with
/// the rate denominator), the diagonal of chance, and the operating point when given.
std::string roc_curve_plot(const RocCurve& roc, double auc,
                           const std::optional<OperatingPoint>& point, std::string_view title);

/// Plot commands, with their data, for the two error curves of `roc` against the score cut t
/// (an example is predicted positive when its score is above t): FPR falls and FNR rises as t
/// grows (FP and FN counts with the count denominator), and min(FPR, FNR) is shaded, so the
/// shaded area is AUM. The x range reaches a little beyond the lowest and highest scores, and
/// `threshold`, when given, is drawn as a dashed line.
std::string error_curves_plot(const RocCurve& roc, Denominator denominator, double aum,
                              const std::optional<double>& threshold, std::string_view title);

/// A script that draws `plot_commands` into the PNG `png_name` alone (pngcairo).
std::string gnuplot_png_only(std::string_view png_name, int width, int height,
                             std::string_view plot_commands);

}  // namespace aumtrain
