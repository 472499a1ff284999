#include "aumtrain/train/trainer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/data/split.hpp"

namespace aumtrain {
namespace {

// About ten iterations per decade (1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79,
// 100, 126, ...), so that curves drawn on a log scale have points where they still move.
bool on_log_grid(int iteration) {
  if (iteration < 1) return false;
  const auto k = static_cast<int>(std::lround(10.0 * std::log10(static_cast<double>(iteration))));
  for (int j = std::max(k - 1, 0); j <= k + 1; ++j) {
    if (std::lround(std::pow(10.0, j / 10.0)) == iteration) return true;
  }
  return false;
}

bool all_finite(std::span<const double> values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// Buffers for evaluating the model on one set.
struct SetWorkspace {
  const LabeledRows* rows;
  std::vector<double> scores;
  std::vector<double> gradient;
  Denominators rate;
};

}  // namespace

const char* run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::completed: return "completed";
    case RunStatus::stopped_early: return "stopped_early";
    case RunStatus::diverged: return "diverged";
    case RunStatus::interrupted: return "interrupted";
  }
  return "?";
}

TrainResult train_linear_model(const TrainingData& data, Loss& loss, const TrainerParams& params,
                               const ProgressCallback& progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const FeatureMap& map = *data.feature_map;
  const auto dimension = static_cast<Eigen::Index>(map.size());
  const bool intercept = loss.learns_intercept();

  LinearModel model;
  model.weights = Eigen::VectorXd::Zero(dimension);
  if (params.init == InitKind::random) {
    SplitMix64 rng(params.seed ^ 0x5DEECE66DULL);
    const double scale = 1.0 / std::sqrt(static_cast<double>(std::max<Eigen::Index>(dimension, 1)));
    for (Eigen::Index j = 0; j < dimension; ++j) {
      model.weights[j] = map.fixed_at_zero[static_cast<std::size_t>(j)] ? 0.0 : scale * rng.normal();
    }
  }

  SetWorkspace sets[3];
  const LabeledRows* rows[3] = {&data.subtrain, &data.validation, &data.test};
  for (int k = 0; k < 3; ++k) {
    sets[k].rows = rows[k];
    sets[k].scores.resize(static_cast<std::size_t>(rows[k]->features.rows()));
    sets[k].gradient.resize(sets[k].scores.size());
    sets[k].rate = make_denominators(rows[k]->targets->error_diffs, Denominator::rate);
  }
  SetWorkspace& subtrain = sets[0];
  SetWorkspace& validation = sets[1];
  SetWorkspace& test = sets[2];
  AumKernel metrics_kernel(std::max(params.threads, 1));
  auto metrics_of = [&](SetWorkspace& set, SetMetrics& out) {
    const AumSummary summary =
        metrics_kernel.summary(set.scores, set.rows->targets->error_diffs, set.rate);
    out.aum = summary.aum;
    out.auc = summary.auc;
  };

  TrainResult result;
  result.best_validation_auc = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd weight_gradient(dimension);
  double intercept_gradient = 0;
  int since_best = 0;
  auto diverge = [&](int iteration, const std::string& what) {
    result.status = RunStatus::diverged;
    result.message = fmt::format(
        "{} at iteration {} with step size {}; try a smaller step size", what, iteration,
        params.step_size);
  };

  for (int iteration = 0;; ++iteration) {
    // Evaluate the model after `iteration` steps.
    model.scores(subtrain.rows->features, map, subtrain.scores, params.threads);
    if (!all_finite(subtrain.scores)) {
      diverge(iteration, "subtrain scores overflowed");
      break;
    }
    IterationRecord record;
    record.iteration = iteration;
    record.subtrain.loss =
        loss.value_and_gradient(subtrain.scores, *subtrain.rows->targets, subtrain.gradient);
    if (!std::isfinite(record.subtrain.loss) || !all_finite(subtrain.gradient)) {
      diverge(iteration, "the subtrain loss is not finite");
      break;
    }
    model.scores(validation.rows->features, map, validation.scores, params.threads);
    if (!all_finite(validation.scores)) {
      diverge(iteration, "validation scores overflowed");
      break;
    }
    metrics_of(validation, record.validation);

    const bool improved = result.best_iteration < 0 || record.validation.auc > result.best_validation_auc;
    const bool last = iteration == params.max_iterations;
    const bool recorded = iteration % params.log_every == 0 || last || on_log_grid(iteration);
    if (recorded) {
      model.scores(test.rows->features, map, test.scores, params.threads);
      if (!all_finite(test.scores)) {
        diverge(iteration, "test scores overflowed");
        break;
      }
      metrics_of(subtrain, record.subtrain);
      metrics_of(test, record.test);
      record.validation.loss =
          loss.value_and_gradient(validation.scores, *validation.rows->targets, validation.gradient);
      record.test.loss = loss.value_and_gradient(test.scores, *test.rows->targets, test.gradient);
      record.weight_norm = model.weights.norm();
      record.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
    if (improved) {
      result.best_iteration = iteration;
      result.best_validation_auc = record.validation.auc;
      result.best_model = model;
      since_best = 0;
    } else {
      ++since_best;
    }
    if (recorded) result.curve.push_back(record);
    result.iterations = iteration;
    if (progress && !progress(iteration, result.best_validation_auc)) {
      result.status = RunStatus::interrupted;
      break;
    }
    if (last) break;
    if (params.patience && since_best >= *params.patience) {
      result.status = RunStatus::stopped_early;
      break;
    }

    // One gradient step.
    parameter_gradient(subtrain.rows->features, map, subtrain.gradient, weight_gradient,
                       intercept_gradient, params.threads);
    model.weights -= params.step_size * weight_gradient;
    if (intercept) model.intercept -= params.step_size * intercept_gradient;
    if (!model.weights.allFinite() || !std::isfinite(model.intercept)) {
      diverge(iteration + 1, "the weights overflowed");
      break;
    }
  }
  // The selected model's test metrics, once.
  if (result.best_iteration >= 0) {
    result.best_model.scores(test.rows->features, map, test.scores, params.threads);
    metrics_of(test, result.best_test);
    result.best_test.loss =
        loss.value_and_gradient(test.scores, *test.rows->targets, test.gradient);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace aumtrain
