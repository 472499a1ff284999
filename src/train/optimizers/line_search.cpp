// Gradient descent whose step is chosen by an exact line search along minus the gradient.
//
// For AUM the search is the exact walk of the breakpoints of AUM along the ray (LineSearch in
// core/line_search.hpp), with the optimizer's stop rule. For the smooth losses it is an exact
// one-dimensional minimisation of the convex function phi(t) = L(s + t d). Either way every trial
// point is s + t d for the scores s of the search set and the rate d = X d_w + d_b at which the
// scores move, so a trial costs O(N) or O(N log N) and no product with the feature matrix: one
// iteration costs one X d and one X^T g product, as constant steps do.
//
// AUM and the trivial minimum at w = 0. AUM(a s) = a AUM(s) for a > 0, so its global minimum over
// linear models is w = 0, where every score ties and AUM is 0. From there (the default start, or
// wherever a search lands on a total tie) no step lowers AUM, yet every positive step along the
// mean subgradient gives the same ranking, since from a total tie no two thresholds ever cross
// again. So from a total tie of the subtrain scores the optimizer takes the scale-free step to
// unit-norm weights along the direction, and exact searches from then on. Everywhere else the
// descent is scale-equivariant: scaling w scales every later step by the same factor and
// changes no ranking, so no renormalisation is needed.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/line_search.hpp"
#include "aumtrain/train/optimizer.hpp"

namespace aumtrain {
namespace {

LineSearchStop stop_of(LineSearchRule rule) {
  switch (rule) {
    case LineSearchRule::min_aum: return LineSearchStop::min_aum;
    case LineSearchRule::max_auc: return LineSearchStop::max_auc;
    case LineSearchRule::iterations: break;
  }
  return LineSearchStop::least_aum_within_cap;
}


// phi(t) = L(s + t d) and its derivative phi'(t) = dL/ds . d on one set.
class RayLoss {
 public:
  RayLoss(LinearObjective& objective, SetName set, std::span<const double> scores,
          std::span<const double> rate)
      : objective_(&objective), set_(set), scores_(scores), rate_(rate),
        trial_(scores.size()), gradient_(scores.size()) {}

  // phi'(t); a non-finite value (scores beyond what the loss can take) counts as +infinity,
  // which for a convex phi means "past the minimum".
  double derivative(double t) {
    for (std::size_t i = 0; i < trial_.size(); ++i) trial_[i] = scores_[i] + t * rate_[i];
    const bool finite = objective_->score_gradient(set_, trial_, gradient_);
    return slope_of(finite, gradient_);
  }

  // phi'(0) from dL/dscores already known at the ray's start.
  double derivative_at_start(bool finite_loss, std::span<const double> score_gradient) const {
    return slope_of(finite_loss, score_gradient);
  }

 private:
  double slope_of(bool finite_loss, std::span<const double> score_gradient) const {
    // Per block of rows, then up the blocks' tree, over every rank when the set is spread.
    const double slope = objective_->sum(
        set_, rate_.size(), [&](std::size_t i) { return score_gradient[i] * rate_[i]; });
    if (!finite_loss || !std::isfinite(slope)) return std::numeric_limits<double>::infinity();
    return slope;
  }

  LinearObjective* objective_;
  SetName set_;
  std::span<const double> scores_, rate_;
  std::vector<double> trial_, gradient_;
};

// The root of phi' (the minimum of a convex phi) for t > 0, given phi'(0) < 0: bracket it by
// growing a trial step fourfold, then close the bracket by regula falsi with the Illinois
// correction, down to adjacent doubles or a zero derivative.
double minimise_along_ray(RayLoss& phi, double slope_at_zero, double first_guess) {
  double low = 0.0, low_slope = slope_at_zero;
  double high = first_guess, high_slope = phi.derivative(high);
  for (int grow = 0; high_slope < 0 && grow < 200; ++grow) {
    low = high;
    low_slope = high_slope;
    high *= 4.0;
    high_slope = phi.derivative(high);
  }
  if (high_slope <= 0) return high;  // phi' vanishes there (or phi keeps falling)
  int kept_side = 0;
  for (int i = 0; i < 200; ++i) {
    double t = std::isfinite(high_slope)
                   ? low - low_slope * (high - low) / (high_slope - low_slope)
                   : 0.5 * (low + high);
    if (!(t > low && t < high)) t = 0.5 * (low + high);
    if (!(t > low && t < high)) break;  // low and high are adjacent doubles
    const double slope = phi.derivative(t);
    if (slope == 0) return t;
    if (slope < 0) {
      low = t;
      low_slope = slope;
      if (kept_side == -1) high_slope *= 0.5;  // Illinois: the same end twice
      kept_side = -1;
    } else {
      high = t;
      high_slope = slope;
      if (kept_side == 1) low_slope *= 0.5;
      kept_side = 1;
    }
  }
  return -low_slope < high_slope ? low : high;
}

class LineSearchDescent final : public Optimizer {
 public:
  explicit LineSearchDescent(const OptimizerSpec& spec) : spec_(spec) {}

  StepResult step(LinearObjective& objective, TrainState& state) override {
    objective.parameter_gradient(state.score_gradient, direction_);
    direction_.weights = -direction_.weights;
    direction_.intercept = -direction_.intercept;
    if (direction_.weights.squaredNorm() + direction_.intercept * direction_.intercept == 0) {
      return converged(state, "the gradient is zero");
    }
    if (auto* aum = dynamic_cast<AumLoss*>(&objective.loss())) return aum_step(objective, state, *aum);
    return smooth_step(objective, state);
  }

  std::string divergence_advice() const override {
    return "with exact line search steps; check the data for extreme feature values";
  }

 private:
  static StepResult converged(const TrainState& state, const std::string& why) {
    StepResult result;
    result.converged = true;
    result.message = fmt::format("converged at iteration {}: {}", state.iteration, why);
    return result;
  }

  // Moves the model by t along the direction; the search set's scores move by t * rate_, the
  // other sets' scores are recomputed when next needed.
  void move(TrainState& state, double t, SetName moved_set) {
    state.model.weights += t * direction_.weights;
    state.model.intercept += t * direction_.intercept;
    for (SetName set : kAllSets) state.current(set) = false;
    std::vector<double>& scores = state.scores_of(moved_set);
    for (std::size_t i = 0; i < scores.size(); ++i) scores[i] += t * rate_[i];
    state.current(moved_set) = true;
  }

  StepResult aum_step(LinearObjective& objective, TrainState& state, AumLoss& aum) {
    StepResult result;
    if (objective.all_equal(SetName::subtrain, state.scores_of(SetName::subtrain))) {
      rate_.resize(objective.size(SetName::subtrain));
      objective.scores(SetName::subtrain, direction_, rate_);
      result.step = 1.0 / direction_.weights.norm();
      move(state, result.step, SetName::subtrain);
      return result;
    }
    const SetName set = search_set();
    rate_.resize(objective.size(set));
    objective.scores(set, direction_, rate_);
    // The search sorts its lines on the objective's threads; results do not depend on them.
    if (search_.threads() != objective.threads()) search_ = LineSearch(objective.threads());
    LineSearchParams params;
    params.stop = stop_of(spec_.stop);
    params.max_events = static_cast<std::size_t>(spec_.max_events);
    const std::vector<double>& scores = state.up_to_date_scores(objective, set);
    LineSearchResult search;
    if (objective.communicator(set)) {
      // A set spread over ranks: every rank gathers every line (score, rate, diff) and walks
      // them all, so that every rank takes the same step (docs/distributed_cost.md).
      const ErrorDiffs diffs = gathered_targets(objective.targets(set)).error_diffs;
      search = search_.run(objective.gathered(set, scores), objective.gathered(set, rate_), diffs,
                           make_denominators(diffs, aum.denominator()), params);
    } else {
      const ErrorDiffs& diffs = objective.targets(set).error_diffs;
      search = search_.run(scores, rate_, diffs, make_denominators(diffs, aum.denominator()),
                           params);
    }
    result.events = search.events;
    result.capped = search.capped;
    if (!(search.chosen.step_size > 0)) {
      return converged(state, fmt::format("no step along minus the mean subgradient lowers AUM "
                                          "on {} ({} rule)",
                                          set_name(set), line_search_rule_name(spec_.stop)));
    }
    result.step = search.chosen.step_size;
    move(state, result.step, set);
    return result;
  }

  StepResult smooth_step(LinearObjective& objective, TrainState& state) {
    const SetName set = search_set();
    const std::vector<double>& scores = state.up_to_date_scores(objective, set);
    rate_.resize(scores.size());
    objective.scores(set, direction_, rate_);
    RayLoss phi(objective, set, scores, rate_);
    // On subtrain the trainer has just computed dL/dscores at these scores.
    const double slope_at_zero =
        set == SetName::subtrain
            ? phi.derivative_at_start(std::isfinite(state.loss), state.score_gradient)
            : phi.derivative(0.0);
    if (!(slope_at_zero < 0)) {
      return converged(state, fmt::format("the loss on {} does not decrease along minus the "
                                          "gradient",
                                          set_name(set)));
    }
    StepResult result;
    result.step = minimise_along_ray(phi, slope_at_zero, last_step_);
    last_step_ = result.step;
    move(state, result.step, set);
    return result;
  }

  SetName search_set() const {
    return spec_.set == SearchSet::validation ? SetName::validation : SetName::subtrain;
  }

  OptimizerSpec spec_;
  LinearModel direction_;
  std::vector<double> rate_;
  LineSearch search_;
  double last_step_ = 1.0;
};

}  // namespace
}  // namespace aumtrain

AUMTRAIN_REGISTER_OPTIMIZER(
    line_search, "line_search",
    (aumtrain::OptimizerMaker{
        [](const aumtrain::OptimizerSpec&) {
          return std::vector<std::optional<double>>{std::nullopt};
        },
        [](const aumtrain::OptimizerSpec& spec, std::optional<double>) {
          return std::unique_ptr<aumtrain::Optimizer>(
              std::make_unique<aumtrain::LineSearchDescent>(spec));
        }}))
