// Full-batch gradient descent of a linear scoring model on one loss, with AUC on every set
// tracked every iteration. The trainer never prints: it reports through a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aumtrain/io/config.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/model/losses.hpp"

namespace aumtrain {

/// The examples of one set as the trainer sees them: rows of stored features and labels.
struct LabeledRows {
  MatrixView features;
  const BinaryTargets* targets;
};

/// What one run trains on.
struct TrainingData {
  LabeledRows subtrain;
  LabeledRows validation;
  LabeledRows test;
  const FeatureMap* feature_map;
};

struct TrainerParams {
  double step_size = 0.1;           ///< constant step size, > 0
  int max_iterations = 1000;        ///< gradient steps, >= 1
  std::optional<int> patience;      ///< stop after this many iterations without a better
                                    ///< validation AUC
  InitKind init = InitKind::zeros;  ///< random: weights N(0, 1/D) from `seed`
  std::uint64_t seed = 1;
  int log_every = 1;                ///< record metrics every this many iterations, at the last,
                                    ///< and at about ten iterations per decade (1, 2, 3, 4, 5, 6,
                                    ///< 8, 10, 13, 16, 20, 25, ...)
  int threads = 1;                  ///< threads for the matrix-vector products
};

/// Metrics of one set at one iteration.
struct SetMetrics {
  double loss = 0;  ///< the run's loss
  double aum = 0;   ///< AUM with the rate denominator
  double auc = 0;
};

/// A recorded iteration: iteration t is the model after t gradient steps.
struct IterationRecord {
  int iteration = 0;
  SetMetrics subtrain, validation, test;
  double weight_norm = 0;  ///< ||w|| of the standardised weights
  double seconds = 0;      ///< since the run started
};

enum class RunStatus { completed, stopped_early, diverged, interrupted };
const char* run_status_name(RunStatus status);

struct TrainResult {
  RunStatus status = RunStatus::completed;
  std::string message;       ///< why it diverged, with advice
  int iterations = 0;        ///< gradient steps taken
  /// The iteration with the best validation AUC (ties: the earliest) and its model; -1 and NaN
  /// when even iteration 0 could not be evaluated.
  int best_iteration = -1;
  double best_validation_auc = 0;
  LinearModel best_model;
  SetMetrics best_test;      ///< test metrics of the best model
  std::vector<IterationRecord> curve;  ///< the recorded iterations
  double seconds = 0;
};

/// Progress, every iteration: the iteration just evaluated and the best validation AUC so far.
/// Return false to stop the run (it is then marked interrupted).
using ProgressCallback = std::function<bool(int iteration, double best_validation_auc)>;

/// Trains from `params.init` by gradient descent on `loss` over data.subtrain. AUM learns no
/// intercept; the other losses do. A non-finite loss, score or weight stops the run as
/// diverged; the iterations before it still count.
TrainResult train_linear_model(const TrainingData& data, Loss& loss, const TrainerParams& params,
                               const ProgressCallback& progress = {});

}  // namespace aumtrain
