// The optimizers of the trainer: one step of descent from an evaluated model. Each optimizer
// lives in its own file under src/train/optimizers/ and registers itself by name, so adding an
// optimizer is one new file.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/train/objective.hpp"

namespace aumtrain {

/// What one step did.
struct StepResult {
  double step = 0;         ///< the step taken along the direction (for constant, its step size)
  std::size_t events = 0;  ///< exact AUM line search: events walked
  bool capped = false;     ///< exact AUM line search: max_events ended the walk
  /// No step lowers the objective along the direction: the model is left as it is and the run
  /// ends as converged, with `message` saying why.
  bool converged = false;
  std::string message;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  /// One step from `state`, whose subtrain scores, score gradient and loss are current. Updates
  /// state.model and marks the scores it knows for the new model as current (the others stale).
  virtual StepResult step(LinearObjective& objective, TrainState& state) = 0;

  /// The end of a divergence message: how the steps were taken and what to try instead.
  virtual std::string divergence_advice() const = 0;
};

/// How a registered optimizer makes its runs.
struct OptimizerMaker {
  /// The step sizes of its runs, one run each; nullopt for a run whose steps are chosen anew at
  /// every iteration.
  std::function<std::vector<std::optional<double>>(const OptimizerSpec&)> run_step_sizes;
  /// The optimizer of one run, given its spec and the run's step size.
  std::function<std::unique_ptr<Optimizer>(const OptimizerSpec&, std::optional<double> step_size)>
      make;
};

/// Adds an optimizer to the registry; returns true so that it can initialise a static. Use
/// AUMTRAIN_REGISTER_OPTIMIZER in the optimizer's own file.
bool register_optimizer(std::string_view name, OptimizerMaker maker);

/// The names of the registered optimizers, in alphabetical order.
const std::vector<std::string_view>& optimizer_names();

/// The registry's entry for spec.name; an unknown name throws ConfigError listing the valid ones.
const OptimizerMaker& optimizer_maker(const std::string& name);

}  // namespace aumtrain

/// Registers an optimizer under NAME (a string literal) with an OptimizerMaker. Put it in the
/// optimizer's own file.
#define AUMTRAIN_REGISTER_OPTIMIZER(IDENTIFIER, NAME, MAKER)                \
  namespace {                                                               \
  [[maybe_unused]] const bool aumtrain_optimizer_registered_##IDENTIFIER =  \
      ::aumtrain::register_optimizer(NAME, MAKER);                          \
  }
