#include <fmt/format.h>

#include <cmath>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/model/losses.hpp"

namespace aumtrain {

const std::vector<std::string_view>& loss_names() {
  static const std::vector<std::string_view> names = {"aum", "logistic", "logistic_balanced",
                                                      "squared_hinge_all_pairs"};
  return names;
}

std::unique_ptr<Loss> make_loss(const LossSpec& spec, int threads) {
  if (spec.name == "aum") return std::make_unique<AumLoss>(spec.denominator, threads);
  if (spec.name == "logistic") return std::make_unique<LogisticLoss>();
  if (spec.name == "logistic_balanced") return std::make_unique<BalancedLogisticLoss>();
  if (spec.name == "squared_hinge_all_pairs") {
    return std::make_unique<SquaredHingeAllPairsLoss>(spec.margin);
  }
  throw ConfigError(fmt::format("unknown loss '{}'; valid losses: {}", spec.name,
                                fmt::join(loss_names(), ", ")));
}

}  // namespace aumtrain
