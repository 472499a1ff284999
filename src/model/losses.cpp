#include "aumtrain/model/losses.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

void check_sizes(std::string_view loss, std::span<const double> scores,
                 const BinaryTargets& targets, std::span<double> gradient) {
  if (scores.size() != targets.size() || gradient.size() != scores.size()) {
    throw std::invalid_argument(fmt::format("{}: {} scores, {} targets, {} gradient entries",
                                            loss, scores.size(), targets.size(),
                                            gradient.size()));
  }
}

void require_both_classes(std::string_view loss, const BinaryTargets& targets) {
  if (!(targets.positive_weight > 0) || !(targets.negative_weight > 0)) {
    throw DataError(fmt::format(
        "the {} loss needs examples of both classes, but this set has {} positive and {} "
        "negative examples (weights {} and {})",
        loss, targets.positive_count, targets.negative_count, targets.positive_weight,
        targets.negative_weight));
  }
}

}  // namespace

double softplus(double x) noexcept {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double sigmoid(double x) noexcept {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

std::string AumLoss::name() const { return fmt::format("aum.{}", denominator_name(denominator_)); }

double AumLoss::value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                                   std::span<double> gradient) {
  check_sizes("aum", scores, targets, gradient);
  const Denominators denominators = make_denominators(targets.error_diffs, denominator_);
  return kernel_.value_and_gradient(scores, targets.error_diffs, denominators, gradient);
}

// Both logistic losses: sum_i c_i softplus(-z_i s_i), where c_i is example i's share of the
// total weight, and dL/ds_i = -z_i c_i sigmoid(-z_i s_i).
template <class ShareOf>
double weighted_logistic(std::span<const double> scores, const BinaryTargets& targets,
                         std::span<double> gradient, ShareOf share_of) {
  double loss = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double z = targets.is_positive[i] ? 1.0 : -1.0;
    const double share = share_of(i);
    loss += share * softplus(-z * scores[i]);
    gradient[i] = -z * share * sigmoid(-z * scores[i]);
  }
  return loss;
}

double LogisticLoss::value_and_gradient(std::span<const double> scores,
                                        const BinaryTargets& targets,
                                        std::span<double> gradient) {
  check_sizes("logistic", scores, targets, gradient);
  const double total = targets.positive_weight + targets.negative_weight;
  if (!(total > 0)) {
    throw DataError("the logistic loss needs at least one example with positive weight");
  }
  return weighted_logistic(scores, targets, gradient,
                           [&](std::size_t i) { return targets.weight_of(i) / total; });
}

double BalancedLogisticLoss::value_and_gradient(std::span<const double> scores,
                                                const BinaryTargets& targets,
                                                std::span<double> gradient) {
  check_sizes("logistic_balanced", scores, targets, gradient);
  require_both_classes("logistic_balanced", targets);
  const double class_total[2] = {2.0 * targets.negative_weight, 2.0 * targets.positive_weight};
  return weighted_logistic(scores, targets, gradient, [&](std::size_t i) {
    return targets.weight_of(i) / class_total[targets.is_positive[i]];
  });
}

SquaredHingeAllPairsLoss::SquaredHingeAllPairsLoss(double margin) : margin_(margin) {
  if (!(margin > 0) || !std::isfinite(margin)) {
    throw ConfigError(fmt::format(
        "squared_hinge_all_pairs: margin {} is not usable; give a finite margin > 0", margin));
  }
}

double SquaredHingeAllPairsLoss::value_and_gradient(std::span<const double> scores,
                                                    const BinaryTargets& targets,
                                                    std::span<double> gradient) {
  check_sizes("squared_hinge_all_pairs", scores, targets, gradient);
  require_both_classes("squared_hinge_all_pairs", targets);
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
