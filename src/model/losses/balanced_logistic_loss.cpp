// The class-balanced logistic loss: each class carries half of the total weight.
#include "aumtrain/model/losses.hpp"
#include "loss_checks.hpp"

namespace aumtrain {

double BalancedLogisticLoss::value_and_gradient(std::span<const double> scores,
                                                const BinaryTargets& targets,
                                                std::span<double> gradient) {
  loss_detail::check_sizes("logistic_balanced", scores, targets, gradient);
  loss_detail::require_both_classes("logistic_balanced", targets);
  const double class_total[2] = {2.0 * targets.negative_weight, 2.0 * targets.positive_weight};
  return loss_detail::weighted_logistic(scores, targets, gradient, [&](std::size_t i) {
    return targets.weight_of(i) / class_total[targets.is_positive[i]];
  });
}

bool BalancedLogisticLoss::gradient(std::span<const double> scores, const BinaryTargets& targets,
                                    std::span<double> gradient) {
  loss_detail::check_sizes("logistic_balanced", scores, targets, gradient);
  loss_detail::require_both_classes("logistic_balanced", targets);
  const double class_total[2] = {2.0 * targets.negative_weight, 2.0 * targets.positive_weight};
  return loss_detail::weighted_logistic_gradient(scores, targets, gradient, [&](std::size_t i) {
    return targets.weight_of(i) / class_total[targets.is_positive[i]];
  });
}

}  // namespace aumtrain

AUMTRAIN_REGISTER_LOSS(logistic_balanced, "logistic_balanced",
                       [](const aumtrain::LossSpec&, int) {
                         return std::make_unique<aumtrain::BalancedLogisticLoss>();
                       })
