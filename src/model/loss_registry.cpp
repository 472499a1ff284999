// Making losses by name. Each loss registers itself from its own file under src/model/losses/
// (see AUMTRAIN_REGISTER_LOSS), so this file never changes when a loss is added.
#include <cmath>

#include "aumtrain/core/registry.hpp"
#include "aumtrain/model/losses.hpp"

namespace aumtrain {

bool register_loss(std::string_view name, LossMaker maker) {
  return Registry<LossMaker>::instance().add(name, std::move(maker));
}

const std::vector<std::string_view>& loss_names() { return Registry<LossMaker>::instance().names(); }

std::unique_ptr<Loss> make_loss(const LossSpec& spec, int threads) {
  return Registry<LossMaker>::instance().get(spec.name, "loss", "losses")(spec, threads);
}

bool Loss::gradient(std::span<const double> scores, const BinaryTargets& targets,
                    std::span<double> gradient) {
  return std::isfinite(value_and_gradient(scores, targets, gradient));
}

double softplus(double x) noexcept {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double sigmoid(double x) noexcept {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

}  // namespace aumtrain
