#include "aumtrain/train/trainer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/data/split.hpp"

namespace aumtrain {
namespace {

using Clock = std::chrono::steady_clock;

LinearModel initial_model(const FeatureMap& map, const TrainerParams& params) {
  const auto dimension = static_cast<Eigen::Index>(map.size());
  LinearModel model;
  model.weights = Eigen::VectorXd::Zero(dimension);
  if (params.init == InitKind::random) {
    SplitMix64 rng(params.seed ^ 0x5DEECE66DULL);
    const double scale = 1.0 / std::sqrt(static_cast<double>(std::max<Eigen::Index>(dimension, 1)));
    for (Eigen::Index j = 0; j < dimension; ++j) {
      model.weights[j] = map.fixed_at_zero[static_cast<std::size_t>(j)] ? 0.0 : scale * rng.normal();
    }
  }
  return model;
}

// Brings the subtrain scores, loss and score gradient of state.model up to date.
void evaluate_subtrain(LinearObjective& objective, TrainState& state) {
  const std::vector<double>& scores = state.up_to_date_scores(objective, SetName::subtrain);
  if (!objective.all_finite(SetName::subtrain, scores)) {
    throw Divergence{"subtrain scores overflowed"};
  }
  state.score_gradient.resize(scores.size());
  state.loss = objective.value_and_score_gradient(SetName::subtrain, scores, state.score_gradient);
  if (!objective.all_finite(SetName::subtrain, state.score_gradient) || !std::isfinite(state.loss)) {
    throw Divergence{"the subtrain loss is not finite"};
  }
}

// Shows an evaluated iteration to every observer; the first status asked for ends the run,
// except that the last iteration ends as completed unless it was interrupted.
std::optional<RunStatus> observe(std::span<TrainObserver* const> observers, IterationView& view) {
  std::optional<RunStatus> stop;
  for (TrainObserver* observer : observers) {
    const std::optional<RunStatus> asked = observer->on_iteration(view);
    if (asked && !stop) stop = asked;
  }
  if (view.last() && stop != RunStatus::interrupted) stop = RunStatus::completed;
  return stop;
}

// The standard deviation of a set's scores (dividing by their number), block by block up the
// tree, over every rank when the set is spread.
double spread_of_scores(const LinearObjective& objective, SetName set,
                        const std::vector<double>& scores) {
  const auto n = static_cast<double>(objective.targets(set).positive_count +
                                     objective.targets(set).negative_count);
  if (n == 0) return 0;
  const double mean =
      objective.sum(set, scores.size(), [&](std::size_t i) { return scores[i]; }) / n;
  const double squares = objective.sum(
      set, scores.size(), [&](std::size_t i) { return (scores[i] - mean) * (scores[i] - mean); });
  return std::sqrt(squares / n);
}

// The test metrics of the best model, and the spread of its test scores.
void evaluate_best_on_test(LinearObjective& objective, TrainResult& result) {
  std::vector<double> scores(objective.size(SetName::test));
  objective.scores(SetName::test, result.best_model, scores);
  result.best_test = objective.aum_and_auc(SetName::test, scores);
  std::vector<double> gradient(scores.size());
  result.best_test.loss = objective.value_and_score_gradient(SetName::test, scores, gradient);
  result.best_test_score_sd = spread_of_scores(objective, SetName::test, scores);
}

}  // namespace

TrainResult train_linear_model(const TrainingData& data, Loss& loss, Optimizer& optimizer,
                               const TrainerParams& params, const ProgressCallback& progress) {
  const auto start = Clock::now();
  LinearObjective objective(data, loss, params.threads);
  TrainState state;
  state.model = initial_model(objective.feature_map(), params);

  BestModelTracker best;
  CurveRecorder recorder(params.log_every, best);
  ProgressReporter reporter(progress, best);
  std::optional<PatienceStopper> patience;
  if (params.patience) patience.emplace(*params.patience, best);
  std::vector<TrainObserver*> observers = {&recorder, &best, &reporter};
  if (patience) observers.push_back(&*patience);

  TrainResult result;
  std::optional<StepResult> last_step;
  for (state.iteration = 0;; ++state.iteration) {
    try {
      evaluate_subtrain(objective, state);
      IterationView view(objective, state, last_step ? &*last_step : nullptr,
                         state.iteration == params.max_iterations, start);
      const std::optional<RunStatus> stop = observe(observers, view);
      result.iterations = state.iteration;
      if (stop) {
        result.status = *stop;
        break;
      }
    } catch (const Divergence& divergence) {
      result.status = RunStatus::diverged;
      result.message = fmt::format("{} at iteration {} {}", divergence.what, state.iteration,
                                   optimizer.divergence_advice());
      break;
    }
    last_step = optimizer.step(objective, state);
    result.line_search_events += last_step->events;
    result.capped_steps += last_step->capped;
    if (last_step->converged) {
      result.status = RunStatus::converged;
      result.message = last_step->message;
      break;
    }
    if (!state.model.weights.allFinite() || !std::isfinite(state.model.intercept)) {
      result.status = RunStatus::diverged;
      result.message = fmt::format("the weights overflowed at iteration {} {}",
                                   state.iteration + 1, optimizer.divergence_advice());
      break;
    }
  }
  result.curve = recorder.take_curve();
  result.best_iteration = best.best_iteration();
  result.best_validation_auc = best.best_validation_auc();
  result.seconds_to_best = best.seconds_to_best();
  if (result.best_iteration >= 0) {
    result.best_model = best.best_model();
    evaluate_best_on_test(objective, result);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace aumtrain
