// The all-pairs squared hinge loss, in O(N log N) with one sort and prefix sums.
#include <algorithm>
#include <cmath>

#include "aumtrain/model/losses.hpp"
#include "loss_checks.hpp"

namespace aumtrain {

SquaredHingeAllPairsLoss::SquaredHingeAllPairsLoss(double margin) : margin_(margin) {
  if (!(margin > 0) || !std::isfinite(margin)) {
    throw ConfigError(fmt::format(
        "squared_hinge_all_pairs: margin {} is not usable; give a finite margin > 0", margin));
  }
}

double SquaredHingeAllPairsLoss::value_and_gradient(std::span<const double> scores,
                                                    const BinaryTargets& targets,
                                                    std::span<double> gradient) {
  loss_detail::check_sizes("squared_hinge_all_pairs", scores, targets, gradient);
  if (Communicator* communicator = targets.spread.communicator) {
    // A set spread over ranks: every rank gathers every score and label (9 bytes per example),
    // computes the loss of them all as one process does, and keeps its own derivatives.
    std::vector<std::size_t> counts;
    const std::vector<double> all_scores = communicator->allgatherv(scores, counts);
    std::size_t first = 0;
    for (int r = 0; r < communicator->rank(); ++r) first += counts[static_cast<std::size_t>(r)];
    const BinaryTargets all = gathered_targets(targets);
    std::vector<double> all_gradient(all_scores.size());
    const double value = value_and_gradient(all_scores, all, all_gradient);
    std::copy_n(all_gradient.begin() + static_cast<std::ptrdiff_t>(first), gradient.size(),
                gradient.begin());
    return value;
  }
  loss_detail::require_both_classes("squared_hinge_all_pairs", targets);
  const std::size_t n = scores.size();
  // The loss depends on score differences only; centring keeps the prefix sums of squares small.
  double center = 0.0;
  for (double s : scores) center += s;
  center /= static_cast<double>(n);

  // A pair (p, q) is active when f_p < f_q + m. Sort positives by f_p and negatives by
  // a_q = f_q + m on one axis.
  order_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double f = scores[i] - center;
    order_[i] = {targets.is_positive[i] ? f : f + margin_, i};
  }
  std::sort(order_.begin(), order_.end());
  const double pair_weight = targets.positive_weight * targets.negative_weight;

  // Ascending: for each negative q, the positives below a_q.
  double loss = 0.0;
  double count = 0.0, sum = 0.0, sum_squares = 0.0;
  for (const auto& [value, i] : order_) {
    const double w = targets.weight_of(i);
    if (targets.is_positive[i]) {
      count += w;
      sum += w * value;
      sum_squares += w * value * value;
    } else {
      const double a = value;
      loss += w * (count * a * a - 2.0 * a * sum + sum_squares);
      gradient[i] = 2.0 * w * (count * a - sum) / pair_weight;
    }
  }
  // Descending: for each positive p, the negatives with a_q above f_p.
  count = 0.0;
  sum = 0.0;
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    const auto& [value, i] = *it;
    const double w = targets.weight_of(i);
    if (targets.is_positive[i]) {
      gradient[i] = -2.0 * w * (sum - count * value) / pair_weight;
    } else {
      count += w;
      sum += w * value;
    }
  }
  return loss / pair_weight;
}

}  // namespace aumtrain

AUMTRAIN_REGISTER_LOSS(squared_hinge_all_pairs, "squared_hinge_all_pairs",
                       [](const aumtrain::LossSpec& spec, int) {
                         return std::make_unique<aumtrain::SquaredHingeAllPairsLoss>(spec.margin);
                       })
