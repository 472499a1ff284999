#include "aumtrain/train/observers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

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

}  // namespace

const char* run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::completed: return "completed";
    case RunStatus::stopped_early: return "stopped_early";
    case RunStatus::converged: return "converged";
    case RunStatus::diverged: return "diverged";
    case RunStatus::interrupted: return "interrupted";
  }
  return "?";
}

IterationView::IterationView(LinearObjective& objective, TrainState& state,
                             const StepResult* step, bool last, Clock::time_point run_start)
    : objective_(&objective), state_(&state), step_(step), last_(last), run_start_(run_start) {
  metrics_[0].loss = state.loss;
  metrics_[1] = objective.aum_and_auc(SetName::validation, scores_of(SetName::validation));
  have_aum_and_auc_[1] = true;
}

const std::vector<double>& IterationView::scores_of(SetName set) {
  const std::vector<double>& scores = state_->up_to_date_scores(*objective_, set);
  if (!objective_->all_finite(set, scores)) {
    throw Divergence{fmt::format("{} scores overflowed", set_name(set))};
  }
  return scores;
}

const SetMetrics& IterationView::metrics(SetName set) {
  const auto k = static_cast<int>(set);
  if (!have_aum_and_auc_[k]) {
    const SetMetrics computed = objective_->aum_and_auc(set, scores_of(set));
    metrics_[k].aum = computed.aum;
    metrics_[k].auc = computed.auc;
    have_aum_and_auc_[k] = true;
  }
  if (!have_loss_[k]) {
    const std::vector<double>& scores = scores_of(set);
    gradient_buffer_.resize(scores.size());
    metrics_[k].loss = objective_->value_and_score_gradient(set, scores, gradient_buffer_);
    have_loss_[k] = true;
  }
  return metrics_[k];
}

bool BestModelTracker::improves(double validation_auc) const noexcept {
  return best_iteration_ < 0 || validation_auc > best_validation_auc_;
}

std::optional<RunStatus> BestModelTracker::on_iteration(IterationView& view) {
  if (improves(view.validation_auc())) {
    best_iteration_ = view.iteration();
    best_validation_auc_ = view.validation_auc();
    best_model_ = view.model();
    since_best_ = 0;
    seconds_to_best_ = view.seconds();
  } else {
    ++since_best_;
  }
  return std::nullopt;
}

std::optional<RunStatus> CurveRecorder::on_iteration(IterationView& view) {
  const int iteration = view.iteration();
  const bool recorded = iteration == 0 || view.last() || on_log_grid(iteration) ||
                        (log_every_ && iteration % *log_every_ == 0) ||
                        best_->improves(view.validation_auc());
  if (!recorded) return std::nullopt;
  IterationRecord record;
  record.iteration = iteration;
  // In the order the sets' scores have always been computed, so that a set whose scores
  // overflow is reported first.
  record.test = view.metrics(SetName::test);
  record.subtrain = view.metrics(SetName::subtrain);
  record.validation = view.metrics(SetName::validation);
  record.weight_norm = view.model().weights.norm();
  record.seconds = view.seconds();
  record.step = view.step() ? view.step()->step : std::numeric_limits<double>::quiet_NaN();
  record.events = view.step() ? view.step()->events : 0;
  curve_.push_back(record);
  return std::nullopt;
}

std::optional<RunStatus> PatienceStopper::on_iteration(IterationView&) {
  if (best_->since_best() >= patience_) return RunStatus::stopped_early;
  return std::nullopt;
}

std::optional<RunStatus> ProgressReporter::on_iteration(IterationView& view) {
  if (callback_ && !callback_(view.iteration(), best_->best_validation_auc())) {
    return RunStatus::interrupted;
  }
  return std::nullopt;
}

}  // namespace aumtrain
