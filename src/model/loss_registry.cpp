// The registry of losses by name. Each loss registers itself from its own file (see
// AUMTRAIN_REGISTER_LOSS), so this file never changes when a loss is added.
#include <fmt/format.h>

#include <map>
#include <cmath>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/model/losses.hpp"

namespace aumtrain {
namespace {

// Built on first use, so that registrations from other files' static initialisers find it
// whatever order they run in.
std::map<std::string, LossMaker, std::less<>>& registry() {
  static std::map<std::string, LossMaker, std::less<>> makers;
  return makers;
}

}  // namespace

bool register_loss(std::string_view name, LossMaker maker) {
  registry().emplace(std::string(name), std::move(maker));
  return true;
}

const std::vector<std::string_view>& loss_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> list;
    for (const auto& [name, maker] : registry()) list.push_back(name);
    return list;
  }();
  return names;
}

std::unique_ptr<Loss> make_loss(const LossSpec& spec, int threads) {
  const auto it = registry().find(spec.name);
  if (it == registry().end()) {
    throw ConfigError(fmt::format("unknown loss '{}'; valid losses: {}", spec.name,
                                  fmt::join(loss_names(), ", ")));
  }
  return it->second(spec, threads);
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
