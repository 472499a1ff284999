// The class-balanced logistic loss: each class carries half of the total weight.
#include "aumtrain/model/losses.hpp"
#include "loss_checks.hpp"

namespace aumtrain {

namespace {

// Each example's share of the balanced loss: its weight over twice its class's total, so that
// each class carries 1/2. Checks the sizes and that both classes are there.
auto balanced_share(std::span<const double> scores, const BinaryTargets& targets,
                    std::span<double> gradient) {
  loss_detail::check_sizes("logistic_balanced", scores, targets, gradient);
  loss_detail::require_both_classes("logistic_balanced", targets);
  const double class_total[2] = {2.0 * targets.negative_weight, 2.0 * targets.positive_weight};
  return [&targets, class_total](std::size_t i) {
    return targets.weight_of(i) / class_total[targets.is_positive[i]];
  };
}

}  // namespace

double BalancedLogisticLoss::value_and_gradient(std::span<const double> scores,
                                                const BinaryTargets& targets,
                                                std::span<double> gradient) {
  return loss_detail::weighted_logistic(scores, targets, gradient,
                                        balanced_share(scores, targets, gradient));
}

bool BalancedLogisticLoss::gradient(std::span<const double> scores, const BinaryTargets& targets,
                                    std::span<double> gradient) {
  return loss_detail::weighted_logistic_gradient(scores, targets, gradient,
                                                 balanced_share(scores, targets, gradient));
}

}  // namespace aumtrain

AUMTRAIN_REGISTER_LOSS(logistic_balanced, "logistic_balanced",
                       [](const aumtrain::LossSpec&, int) {
                         return std::make_unique<aumtrain::BalancedLogisticLoss>();
                       })
