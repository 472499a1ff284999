// Running an experiment: every dataset x positive fraction x seed x loss x optimizer (x step size
// for the constant optimizer) of one or more configurations, and selecting for each (dataset,
// positive fraction, seed, loss, optimizer) the run and iteration with the best validation AUC.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/split.hpp"
#include "aumtrain/model/decision_threshold.hpp"
#include "aumtrain/train/trainer.hpp"

namespace aumtrain {

/// Which run a result belongs to.
struct RunKey {
  std::string dataset;
  std::optional<double> positive_fraction;
  std::uint64_t seed = 0;
  std::string loss;       ///< display name: aum.rate, aum.count, logistic, ...
  std::string optimizer;  ///< constant, line_search
  std::optional<double> step_size;  ///< the constant optimizer's step size; none for line_search
};

struct RunRecord {
  RunKey key;
  TrainResult result;
};

/// Sizes of the three sets of a split.
struct SplitCounts {
  std::size_t size[3] = {0, 0, 0};
  std::size_t positives[3] = {0, 0, 0};
};

/// The selected run of one (dataset, positive fraction, seed, loss, optimizer).
struct Selection {
  RunKey key;  ///< key.step_size is the selected run's step size (none when no run was usable)
  int iteration = -1;  ///< -1 when every run diverged before its first evaluation
  double validation_auc = 0;
  SetMetrics test;
  double test_score_sd = 0;  ///< standard deviation of the model's test scores
  LinearModel model;  ///< on standardised features
  FeatureMap feature_map;
  std::vector<std::string> feature_names;
  /// The cut with the fewest mistakes on the selected model's subtrain scores.
  DecisionThreshold threshold;
  DataReadSettings data_settings;         ///< how the dataset's file was read
  std::vector<std::string> label_values;  ///< the dataset's label texts, in order of appearance
  FileFingerprint training_data;          ///< the dataset's file
  SplitCounts counts;
  std::size_t runs = 0;           ///< runs tried (step sizes, for the constant optimizer)
  std::size_t diverged_runs = 0;  ///< of those, how many diverged
  double seconds_to_selected = 0;  ///< in the selected run, from its start to the selected iteration
  double seconds_all_runs = 0;     ///< the runs tried, added up
  bool interrupted = false;       ///< some of its runs were cut short by a stop request
  /// False when the split had too few positives for key.positive_fraction (see PreparedSplit).
  bool positive_fraction_reached = true;
  bool usable() const noexcept { return iteration >= 0; }
};

/// Picks the run with the best validation AUC; ties go to fewer iterations, then to the smaller
/// step size. Runs that never produced a valid iteration are skipped. All runs are of one loss
/// and optimizer.
const RunRecord* select_best_run(const std::vector<const RunRecord*>& runs);

/// Notifications for the application layer (all optional). `run_finished` calls never overlap;
/// `progress` may be called from several threads at once.
struct ExperimentEvents {
  std::function<void(const Dataset&)> dataset_loaded;
  std::function<void(const std::string&)> warning;
  /// Expected things worth a line in the log (PreparedSplit::notes).
  std::function<void(const std::string&)> note;
  std::function<void(const RunRecord&)> run_finished;
  /// Before the runs of each (dataset, positive fraction, seed) group: the dataset with its rows
  /// in the split's order, and the split.
  std::function<void(const Dataset&, const PreparedSplit&)> split_prepared;
  /// After each (dataset, positive fraction, seed) group: its selections and its time.
  std::function<void(const std::vector<Selection>&, double seconds)> group_finished;
  std::function<void(const RunKey&, int iteration, int max_iterations, double best_auc)> progress;
};

struct ExperimentOptions {
  int threads = 0;  ///< per rank; 0: every core
  /// When set and true, running runs stop after their current iteration and no new run starts.
  /// With several ranks each rank reads its own flag, and the ranks agree after each (dataset,
  /// positive fraction, seed) group whether any was asked to stop.
  const std::atomic<bool>* stop = nullptr;
  /// The ranks that share the experiment; null: this process alone.
  Communicator* communicator = nullptr;
  /// How they share it, as resolve_parallel_mode() decided: data or runs (automatic counts as
  /// runs).
  ParallelMode parallel = ParallelMode::runs;
};

struct ExperimentOutcome {
  std::vector<Selection> selections;
  bool interrupted = false;
  double seconds = 0;
};

/// Runs every configuration in order. Data and configuration problems throw before any run of
/// the failing dataset starts.
///
/// With several ranks in runs mode, every rank loads every dataset and prepares every split as
/// one process does; the runs of each (dataset, positive fraction, seed) group are dealt out
/// (run j of the group's grid to rank j % P), and rank 0 gathers them, selects and fires the
/// events in the grid's order, so that what it reports is what one process reports. The other
/// ranks fire no events, and only rank 0's outcome holds selections. Collective: an exception
/// on any rank is thrown on every rank (Communicator::check). Data mode calls
/// run_data_parallel_experiment().
ExperimentOutcome run_experiment(const std::vector<ExperimentConfig>& configs,
                                 const ExperimentOptions& options, const ExperimentEvents& events);

/// The experiment with each dataset's rows spread over the ranks (train.parallel: data).
/// Each rank reads its share of each dataset (load_dataset_share); every split is spread over
/// the ranks in whole blocks (prepare_shared_split), and every rank runs every run together,
/// with the same bits as one process. Rank 0 fires the events; only its outcome holds selections.
ExperimentOutcome run_data_parallel_experiment(const std::vector<ExperimentConfig>& configs,
                                               const ExperimentOptions& options,
                                               const ExperimentEvents& events);

/// The run in words, for log lines: dataset, positive fraction, seed, loss, optimizer.
std::string describe(const RunKey& key);

}  // namespace aumtrain
