#include "aumtrain/io/evaluation_plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "aumtrain/core/text_format.hpp"
#include "aumtrain/io/gnuplot.hpp"

namespace aumtrain {
namespace {

// Text for a gnuplot single-quoted string.
std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The score range the error curves cover: the scores are the ends of the ROC rows' intervals.
struct CutRange {
  double low = 0;
  double high = 0;
};

CutRange cut_range(const RocCurve& roc, const std::optional<double>& threshold) {
  // Row 0 holds for cuts above the highest score, the last row for cuts below the lowest.
  const double highest = -roc.max_constant.front();
  const double lowest = -roc.min_constant.back();
  double low = std::min(lowest, highest), high = std::max(lowest, highest);
  if (threshold && std::isfinite(*threshold)) {
    low = std::min(low, *threshold);
    high = std::max(high, *threshold);
  }
  const double margin = high > low ? 0.05 * (high - low) : 1.0;
  return {low - margin, high + margin};
}

}  // namespace

std::string roc_curve_plot(const RocCurve& roc, double auc,
                           const std::optional<OperatingPoint>& point, std::string_view title) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = 0; k < roc.size(); ++k) {
    rows.push_back({format_number(roc.fpr[k]), format_number(roc.tpr[k])});
  }
  std::string commands = "set termoption noenhanced\n" + gnuplot_data_block("roc", rows);
  commands += fmt::format(
      "set title {}\n"
      "set size ratio -1\n"
      "set xrange [0:1]\nset yrange [0:1]\n"
      "set xlabel 'false positive rate (FPR)'\n"
      "set ylabel 'true positive rate (TPR)'\n"
      "set grid lc rgb '#dddddd'\n"
      "set key below left reverse Left\n",
      single_quoted(title));
  std::string plot = fmt::format(
      "plot x with lines dt 2 lc rgb '#999999' title 'chance', \\\n"
      "     $roc using 1:2 with lines lw 2 lc rgb '#1f77b4' title {}",
      single_quoted(fmt::format("ROC curve, AUC {:.4f}", auc)));
  if (point) {
    commands += gnuplot_data_block(
        "point", {{format_number(point->false_positive_rate), format_number(point->true_positive_rate)}});
    plot += fmt::format(", \\\n     $point using 1:2 with points pt 7 ps 1.8 lc rgb '#d62728' title {}",
                        single_quoted(fmt::format("the model's threshold {:.4g}: FPR {:.3f}, TPR {:.3f}",
                                                  point->threshold, point->false_positive_rate,
                                                  point->true_positive_rate)));
  }
  return commands + plot + "\n";
}

std::string error_curves_plot(const RocCurve& roc, Denominator denominator, double aum,
                              const std::optional<double>& threshold, std::string_view title) {
  const CutRange range = cut_range(roc, threshold);
  // Each ROC row holds for cuts t = -c with c between its constants; walk them by increasing t
  // (the last row first) and give each its two ends, so that lines draw the steps.
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = roc.size(); k-- > 0;) {
    const double from = std::max(-roc.max_constant[k], range.low);
    const double to = std::min(-roc.min_constant[k], range.high);
    for (double t : {from, to}) {
      rows.push_back({format_number(t), format_number(roc.fpr[k]), format_number(roc.fnr[k]),
                      format_number(roc.min[k])});
    }
  }
  const bool rate = denominator == Denominator::rate;
  const char* fp = rate ? "FPR" : "FP";
  const char* fn = rate ? "FNR" : "FN";
  std::string commands = "set termoption noenhanced\n" + gnuplot_data_block("errors", rows);
  commands += fmt::format(
      "set title {}\n"
      "set xrange [{}:{}]\n"
      "set xlabel 'score cut: an example scoring above it is predicted positive'\n"
      "set ylabel {}\n"
      "set grid lc rgb '#dddddd'\n"
      "set key below left reverse Left\n",
      single_quoted(title), format_number(range.low), format_number(range.high),
      single_quoted(rate ? "error rate" : "errors (count)"));
  if (threshold) {
    commands += fmt::format(
        "set arrow 1 from {0}, graph 0 to {0}, graph 1 nohead dt 2 lw 2 lc rgb '#d62728'\n"
        "set label 1 {1} at {0}, graph 0.95 offset 0.5,0 tc rgb '#d62728'\n",
        format_number(*threshold), single_quoted(fmt::format("the model's threshold {:.4g}", *threshold)));
  }
  commands += fmt::format(
      "plot $errors using 1:4 with filledcurves y1=0 fs transparent solid 0.35 noborder "
      "lc rgb '#7f7f7f' title {}, \\\n"
      "     $errors using 1:2 with lines lw 2 lc rgb '#1f77b4' title {}, \\\n"
      "     $errors using 1:3 with lines lw 2 lc rgb '#ff7f0e' title {}\n",
      single_quoted(fmt::format("min({}, {}): its area is AUM = {:.4g}", fp, fn, aum)),
      single_quoted(rate ? "FPR: negatives above the cut / negatives" : "FP: negatives above the cut"),
      single_quoted(rate ? "FNR: positives at or below the cut / positives"
                         : "FN: positives at or below the cut"));
  return commands;
}

std::string gnuplot_png_only(std::string_view png_name, int width, int height,
                             std::string_view plot_commands) {
  return fmt::format(
      "set terminal pngcairo size {},{} font 'Sans,11'\n"
      "set output {}\n"
      "{}"
      "unset output\n",
      width, height, single_quoted(png_name), plot_commands);
}

}  // namespace aumtrain
