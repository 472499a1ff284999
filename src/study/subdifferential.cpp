#include "aumtrain/study/subdifferential.hpp"

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/study/autograd_aum.hpp"
#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain {

std::vector<double> subdifferential_pred_diffs() {
  std::vector<double> diffs;
  for (int step = -6; step <= 6; ++step) diffs.push_back(0.5 * step);
  return diffs;
}

std::vector<SubdifferentialRow> subdifferential_grid(bool with_autograd) {
  const std::vector<double> labels = {0, 1};
  const BinaryTargets targets = make_binary_targets(labels);
  const Denominators denominators = make_denominators(targets.error_diffs, Denominator::rate);
  AumKernel kernel;
  std::vector<SubdifferentialRow> rows;
  for (const double d : subdifferential_pred_diffs()) {
    const std::vector<double> scores = {0.0, d};
    const AumDetails details = kernel.details(scores, targets.error_diffs, denominators);
    for (std::size_t i = 0; i < 2; ++i) {
      rows.push_back(
          {labels[i], d, "explicit", details.left[i], details.right[i], details.gradient[i]});
    }
    if (with_autograd) {
      std::vector<double> gradient(2);
      autograd_aum_gradient(scores, labels, Denominator::rate, gradient);
      for (std::size_t i = 0; i < 2; ++i) {
        rows.push_back({labels[i], d, "autograd", gradient[i], gradient[i], gradient[i]});
      }
    }
  }
  return rows;
}

}  // namespace aumtrain
