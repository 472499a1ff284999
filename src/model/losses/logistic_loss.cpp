// The logistic loss, the weighted mean of log(1 + exp(-z s)) over all examples.
#include "aumtrain/model/losses.hpp"
#include "loss_checks.hpp"

namespace aumtrain {

namespace {

// Each example's share of the logistic loss: its weight over the total weight. Checks the sizes
// and that some example has weight.
auto logistic_share(std::span<const double> scores, const BinaryTargets& targets,
                    std::span<double> gradient) {
  loss_detail::check_sizes("logistic", scores, targets, gradient);
  const double total = targets.positive_weight + targets.negative_weight;
  if (!(total > 0)) {
    throw DataError("the logistic loss needs at least one example with positive weight");
  }
  return [&targets, total](std::size_t i) { return targets.weight_of(i) / total; };
}

}  // namespace

double LogisticLoss::value_and_gradient(std::span<const double> scores,
                                        const BinaryTargets& targets,
                                        std::span<double> gradient) {
  return loss_detail::weighted_logistic(scores, targets, gradient,
                                        logistic_share(scores, targets, gradient));
}

bool LogisticLoss::gradient(std::span<const double> scores, const BinaryTargets& targets,
                            std::span<double> gradient) {
  return loss_detail::weighted_logistic_gradient(scores, targets, gradient,
                                                 logistic_share(scores, targets, gradient));
}

}  // namespace aumtrain

AUMTRAIN_REGISTER_LOSS(logistic, "logistic", [](const aumtrain::LossSpec&, int) {
  return std::make_unique<aumtrain::LogisticLoss>();
})
