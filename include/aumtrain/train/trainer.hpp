// Full-batch training of a linear scoring model on one loss: an objective (the loss of the
// model's scores on subtrain), an optimizer (one step of descent) and observers (learning
// curves, the best model, patience, progress). The trainer never prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/model/losses.hpp"
#include "aumtrain/train/objective.hpp"
#include "aumtrain/train/observers.hpp"
#include "aumtrain/train/optimizer.hpp"

namespace aumtrain {

struct TrainerParams {
  int max_iterations = 1000;        ///< steps, >= 1
  std::optional<int> patience;      ///< stop after this many iterations without a better
                                    ///< validation AUC
  InitKind init = InitKind::zeros;  ///< random: weights N(0, 1/D) from `seed`
  std::uint64_t seed = 1;
  /// Metrics are recorded at iteration 0, the last, every new best validation AUC and about ten
  /// iterations per decade (1, 2, 3, 4, 5, 6, 8, 10, 13, ...); also every this many iterations
  /// when set.
  std::optional<int> log_every;
  int threads = 1;                  ///< threads for the matrix-vector products
};

struct TrainResult {
  RunStatus status = RunStatus::completed;
  std::string message;       ///< why it diverged (with advice) or converged
  int iterations = 0;        ///< steps taken
  /// The iteration with the best validation AUC (ties: the earliest) and its model; -1 and NaN
  /// when even iteration 0 could not be evaluated.
  int best_iteration = -1;
  double best_validation_auc = 0;
  LinearModel best_model;
  SetMetrics best_test;      ///< test metrics of the best model
  /// The standard deviation of the best model's test scores (dividing by their number).
  double best_test_score_sd = 0;
  double seconds_to_best = 0;  ///< from the start of the run to the best iteration
  std::vector<IterationRecord> curve;  ///< the recorded iterations
  std::size_t line_search_events = 0;  ///< events walked by exact AUM line searches
  std::size_t capped_steps = 0;        ///< of those searches, how many hit max_events
  double seconds = 0;
};

/// Trains from `params.init` with `optimizer` on `loss` over data.subtrain. AUM learns no
/// intercept; the other losses do. A non-finite loss, score or weight stops the run as
/// diverged; the iterations before it still count.
TrainResult train_linear_model(const TrainingData& data, Loss& loss, Optimizer& optimizer,
                               const TrainerParams& params, const ProgressCallback& progress = {});

}  // namespace aumtrain
