// AUM as a loss: the exact kernel's value and the mean of the left and right derivatives.
#include <fmt/format.h>

#include "aumtrain/model/losses.hpp"
#include "loss_checks.hpp"

namespace aumtrain {

std::string AumLoss::name() const { return fmt::format("aum.{}", denominator_name(denominator_)); }

double AumLoss::value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                                   std::span<double> gradient) {
  loss_detail::check_sizes("aum", scores, targets, gradient);
  const Denominators denominators = make_denominators(targets.error_diffs, denominator_);
  if (Communicator* communicator = targets.spread.communicator) {
    if (!distributed_kernel_) distributed_kernel_.emplace(*communicator);
    return distributed_kernel_->value_and_gradient(scores, targets.error_diffs, denominators,
                                                   gradient);
  }
  return kernel_.value_and_gradient(scores, targets.error_diffs, denominators, gradient);
}

}  // namespace aumtrain

AUMTRAIN_REGISTER_LOSS(aum, "aum", [](const aumtrain::LossSpec& spec, int threads) {
  return std::make_unique<aumtrain::AumLoss>(spec.denominator, threads);
})
