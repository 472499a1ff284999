// Observers of a training run: after each evaluated iteration the trainer shows them the
// iteration; they record learning curves, track the best model, and may stop the run (patience,
// an interrupt request). The trainer itself never prints.
#pragma once

#include <chrono>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "aumtrain/train/objective.hpp"
#include "aumtrain/train/optimizer.hpp"

namespace aumtrain {

enum class RunStatus { completed, stopped_early, converged, diverged, interrupted };
const char* run_status_name(RunStatus status);

/// A recorded iteration: iteration t is the model after t steps.
struct IterationRecord {
  int iteration = 0;
  SetMetrics subtrain, validation, test;
  double weight_norm = 0;  ///< ||w|| of the standardised weights
  double seconds = 0;      ///< since the run started
  /// The step that led to this iteration (NaN at iteration 0), and for the exact AUM line
  /// search the events it walked.
  double step = 0;
  std::size_t events = 0;
};

/// Thrown while evaluating an iteration whose scores or loss are not finite; the trainer ends
/// the run as diverged with this message.
struct Divergence {
  std::string what;
};

/// One evaluated iteration as observers see it. Validation AUC is always known; the other
/// metrics are computed when first asked for, once.
class IterationView {
 public:
  using Clock = std::chrono::steady_clock;
  IterationView(LinearObjective& objective, TrainState& state, const StepResult* step, bool last,
                Clock::time_point run_start);

  int iteration() const noexcept { return state_->iteration; }
  bool last() const noexcept { return last_; }
  const LinearModel& model() const noexcept { return state_->model; }
  const StepResult* step() const noexcept { return step_; }
  /// Seconds since the run started, now.
  double seconds() const { return std::chrono::duration<double>(Clock::now() - run_start_).count(); }
  double validation_auc() const noexcept { return metrics_[1].auc; }

  /// Loss, AUM (rate) and AUC of a set. Throws Divergence when that set's scores are not finite.
  const SetMetrics& metrics(SetName set);

 private:
  const std::vector<double>& scores_of(SetName set);

  LinearObjective* objective_;
  TrainState* state_;
  const StepResult* step_;
  bool last_;
  Clock::time_point run_start_;
  SetMetrics metrics_[3];
  bool have_aum_and_auc_[3] = {false, false, false};
  bool have_loss_[3] = {true, false, false};  // the subtrain loss comes with the evaluation
  std::vector<double> gradient_buffer_;
};

class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  /// Called for every evaluated iteration, in the order the observers were given. A status
  /// asks the trainer to end the run with it.
  virtual std::optional<RunStatus> on_iteration(IterationView& view) = 0;
};

/// The iteration with the best validation AUC (ties: the earliest) and its model.
class BestModelTracker final : public TrainObserver {
 public:
  std::optional<RunStatus> on_iteration(IterationView& view) override;
  /// Whether an iteration with this validation AUC would be a new best.
  bool improves(double validation_auc) const noexcept;
  int best_iteration() const noexcept { return best_iteration_; }
  double best_validation_auc() const noexcept { return best_validation_auc_; }
  const LinearModel& best_model() const noexcept { return best_model_; }
  int since_best() const noexcept { return since_best_; }
  /// Seconds from the start of the run to the evaluation of the best iteration.
  double seconds_to_best() const noexcept { return seconds_to_best_; }

 private:
  int best_iteration_ = -1;
  double best_validation_auc_ = std::numeric_limits<double>::quiet_NaN();
  LinearModel best_model_;
  int since_best_ = 0;
  double seconds_to_best_ = 0;
};

/// Learning-curve records: at iteration 0, at about ten iterations per decade (1, 2, 3, 4, 5, 6,
/// 8, 10, 13, 16, 20, 25, ...), at every new best validation AUC, at the last iteration, and
/// every `log_every` iterations when it is given. Give it before the BestModelTracker, which it
/// asks whether an iteration is a new best.
class CurveRecorder final : public TrainObserver {
 public:
  CurveRecorder(std::optional<int> log_every, const BestModelTracker& best)
      : log_every_(log_every), best_(&best) {}
  std::optional<RunStatus> on_iteration(IterationView& view) override;
  std::vector<IterationRecord> take_curve() { return std::move(curve_); }

 private:
  std::optional<int> log_every_;
  const BestModelTracker* best_;
  std::vector<IterationRecord> curve_;
};

/// Stops the run when validation AUC has not improved for `patience` iterations. Give it after
/// the BestModelTracker.
class PatienceStopper final : public TrainObserver {
 public:
  PatienceStopper(int patience, const BestModelTracker& best) : patience_(patience), best_(&best) {}
  std::optional<RunStatus> on_iteration(IterationView& view) override;

 private:
  int patience_;
  const BestModelTracker* best_;
};

/// Progress, every iteration: the iteration just evaluated and the best validation AUC so far.
/// Return false to stop the run (it is then marked interrupted).
using ProgressCallback = std::function<bool(int iteration, double best_validation_auc)>;

/// Passes every iteration to a ProgressCallback. Give it after the BestModelTracker.
class ProgressReporter final : public TrainObserver {
 public:
  ProgressReporter(ProgressCallback callback, const BestModelTracker& best)
      : callback_(std::move(callback)), best_(&best) {}
  std::optional<RunStatus> on_iteration(IterationView& view) override;

 private:
  ProgressCallback callback_;
  const BestModelTracker* best_;
};

}  // namespace aumtrain
