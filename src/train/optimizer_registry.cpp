// Finding optimizers by name. Each optimizer registers itself from its own file under
// src/train/optimizers/ (see AUMTRAIN_REGISTER_OPTIMIZER), so this file never changes when an
// optimizer is added.
#include "aumtrain/core/registry.hpp"
#include "aumtrain/train/optimizer.hpp"

namespace aumtrain {

bool register_optimizer(std::string_view name, OptimizerMaker maker) {
  return Registry<OptimizerMaker>::instance().add(name, std::move(maker));
}

const std::vector<std::string_view>& optimizer_names() {
  return Registry<OptimizerMaker>::instance().names();
}

const OptimizerMaker& optimizer_maker(const std::string& name) {
  return Registry<OptimizerMaker>::instance().get(name, "optimizer", "optimizers");
}

}  // namespace aumtrain
