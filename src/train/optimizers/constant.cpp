// Gradient descent with a constant step size: w <- w - step * dL/dw. One run per step size of
// the optimizer's grid.
#include <fmt/format.h>

#include "aumtrain/train/optimizer.hpp"

namespace aumtrain {
namespace {

class ConstantStep final : public Optimizer {
 public:
  explicit ConstantStep(double step_size) : step_size_(step_size) {}

  StepResult step(LinearObjective& objective, TrainState& state) override {
    objective.parameter_gradient(state.score_gradient, gradient_);
    state.model.weights -= step_size_ * gradient_.weights;
    if (objective.loss().learns_intercept()) {
      state.model.intercept -= step_size_ * gradient_.intercept;
    }
    for (bool& current : state.scores_current) current = false;
    StepResult result;
    result.step = step_size_;
    return result;
  }

  std::string divergence_advice() const override {
    return fmt::format("with step size {}; try a smaller step size", step_size_);
  }

 private:
  double step_size_;
  LinearModel gradient_;
};

}  // namespace
}  // namespace aumtrain

AUMTRAIN_REGISTER_OPTIMIZER(
    constant, "constant",
    (aumtrain::OptimizerMaker{
        [](const aumtrain::OptimizerSpec& spec) {
          return std::vector<std::optional<double>>(spec.step_sizes.begin(),
                                                    spec.step_sizes.end());
        },
        [](const aumtrain::OptimizerSpec&, std::optional<double> step_size) {
          return std::unique_ptr<aumtrain::Optimizer>(
              std::make_unique<aumtrain::ConstantStep>(step_size.value_or(0.1)));
        }}))
