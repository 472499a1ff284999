#include "aumtrain/train/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/data/dataset_share.hpp"
#include "aumtrain/train/run_record_codec.hpp"

namespace aumtrain {
namespace {

using Clock = std::chrono::steady_clock;

// Below this much work per iteration (subtrain rows x features), runs go in parallel with one
// thread each; above it, runs go one at a time and the matrix products use every thread.
constexpr double kParallelRunsMaxWork = 262144;

// One run of the grid: a loss, an optimizer and, for the constant optimizer, a step size.
struct Job {
  const LossSpec* loss;
  const OptimizerSpec* optimizer;
  std::optional<double> step_size;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `count` jobs on up to `threads` threads; the first exception is rethrown after all stop.
template <class RunJob>
void run_jobs(std::size_t count, int threads, RunJob&& run_job) {
  if (threads <= 1 || count <= 1) {
    for (std::size_t j = 0; j < count; ++j) run_job(j);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (std::size_t j; !failed && (j = next++) < count;) {
          try {
            run_job(j);
          } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
            failed = true;
          }
        }
      });
    }
  }
  if (error) std::rethrow_exception(error);
}

// Every loss with every optimizer, and every step size of a constant optimizer.
std::vector<Job> grid_of(const TrainConfig& train) {
  std::vector<Job> jobs;
  for (const LossSpec& loss : train.losses) {
    for (const OptimizerSpec& optimizer : train.optimizers) {
      for (const auto& step : optimizer_maker(optimizer.name).run_step_sizes(optimizer)) {
        jobs.push_back({&loss, &optimizer, step});
      }
    }
  }
  return jobs;
}

// A dataset with the config it came from.
struct Plan {
  const ExperimentConfig* config;
  Dataset dataset;
};

// Throws ConfigError for a loss or optimizer that cannot be made.
void check_losses_and_optimizers(const std::vector<ExperimentConfig>& configs) {
  for (const auto& config : configs) {
    for (const auto& spec : config.train.losses) make_loss(spec);
    for (const auto& spec : config.train.optimizers) optimizer_maker(spec.name);
  }
}

// Loads every dataset (`load(entry)`) and checks every split (`split_of(dataset, config, seed,
// positive fraction)`, a PreparedSplit) first, so that a data problem stops the experiment
// before any training time is spent (after check_losses_and_optimizers(), for the same reason).
template <class Load, class SplitOf>
std::vector<Plan> load_plans(const std::vector<ExperimentConfig>& configs,
                             const ExperimentEvents& events, Load&& load, SplitOf&& split_of) {
  std::vector<Plan> plans;
  for (const ExperimentConfig& config : configs) {
    for (const DatasetEntry& entry : config.datasets) {
      Plan plan{&config, load(entry)};
      if (events.dataset_loaded) events.dataset_loaded(plan.dataset);
      for (const auto& positive_fraction : config.split.positive_fractions) {
        for (const std::uint64_t seed : config.split.seeds) {
          const PreparedSplit split = split_of(plan.dataset, config, seed, positive_fraction);
          if (events.warning) {
            for (const auto& warning : split.warnings) events.warning(warning);
          }
          if (events.note) {
            for (const auto& note : split.notes) events.note(note);
          }
        }
      }
      plans.push_back(std::move(plan));
    }
  }
  return plans;
}

// What both ways of running an experiment share: the communicator (one process when none is
// given), the events this rank fires (rank 0 fires them, the others none), the threads of each
// rank, and the outcome with the time since the start.
class ExperimentRun {
 public:
  ExperimentRun(const ExperimentOptions& options, const ExperimentEvents& events)
      : communicator(options.communicator ? *options.communicator : alone_),
        reported(communicator.rank() == 0 ? events : no_events_),
        threads(options.threads > 0
                    ? options.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {}
  ExperimentRun(const ExperimentRun&) = delete;
  ExperimentRun& operator=(const ExperimentRun&) = delete;

  ExperimentOutcome finish(bool interrupted) {
    outcome.interrupted = interrupted;
    outcome.seconds = seconds_since(start_);
    return std::move(outcome);
  }

 private:  // declared first: the public references below are bound to them
  Clock::time_point start_ = Clock::now();
  SingleProcessCommunicator alone_;
  ExperimentEvents no_events_;

 public:
  Communicator& communicator;
  const ExperimentEvents& reported;
  const int threads;
  ExperimentOutcome outcome;
};

// One seed's split of a dataset, with the settings of its runs.
struct SplitRuns {
  const ExperimentConfig* config;
  const Dataset* dataset;
  const PreparedSplit* split;
  TrainingData data;
  std::optional<double> positive_fraction;
  std::uint64_t seed;
  /// Set when the rows are spread over the ranks of this communicator: every rank runs every
  /// job of the group together, one job at a time.
  Communicator* spread = nullptr;
};

// Whether a stop was asked for: on any rank, when the group's rows are spread over ranks, so
// that they all stop at the same point.
bool stop_requested(const SplitRuns& group, const ExperimentOptions& options) {
  const bool local = options.stop && options.stop->load();
  return group.spread ? group.spread->any(local) : local;
}

TrainingData training_data_of(const Dataset& dataset, const PreparedSplit& split) {
  const auto& m = dataset.features;
  const auto& s = dataset.sparse_features;
  auto rows_of = [&](const SetRows& set) {
    if (dataset.sparse) {
      return LabeledRows{SparseRowsView{static_cast<Eigen::Index>(set.size()),
                                        static_cast<Eigen::Index>(s.cols), s.row_start.data(),
                                        s.column.data(), s.value.data(),
                                        dataset.row_id.data() + set.begin},
                         &set.targets};
    }
    return LabeledRows{MatrixView(m.row(set.begin), static_cast<Eigen::Index>(set.size()),
                                  static_cast<Eigen::Index>(m.cols)),
                       &set.targets};
  };
  return {rows_of(split.subtrain), rows_of(split.validation), rows_of(split.test),
          &split.feature_map};
}

RunRecord run_one(const SplitRuns& group, const Job& job, int threads,
                  const ExperimentOptions& options, const ExperimentEvents& events) {
  const TrainConfig& train = group.config->train;
  RunRecord record;
  record.key = {group.dataset->name, group.positive_fraction, group.seed,
                loss_display_name(*job.loss), job.optimizer->name, job.step_size};
  auto loss = make_loss(*job.loss, threads);
  auto optimizer = optimizer_maker(job.optimizer->name).make(*job.optimizer, job.step_size);
  TrainerParams params;
  params.max_iterations = job.optimizer->max_iterations.value_or(train.max_iterations);
  params.patience = train.patience;
  params.init = train.init;
  params.seed = group.seed;
  params.log_every = group.config->output.log_every;
  params.threads = threads;
  record.result = train_linear_model(
      group.data, *loss, *optimizer, params, [&](int iteration, double best_auc) {
        if (events.progress) events.progress(record.key, iteration, params.max_iterations, best_auc);
        return !stop_requested(group, options);
      });
  return record;
}

// The decision threshold of `model` on the subtrain rows.
DecisionThreshold subtrain_threshold(const TrainingData& data, const LinearModel& model) {
  std::vector<double> scores(static_cast<std::size_t>(data.subtrain.features.rows()));
  model.scores(data.subtrain.features, *data.feature_map, scores);
  return decision_threshold(scores, *data.subtrain.targets);
}

// The selection of one loss and optimizer among the group's runs.
Selection select(const SplitRuns& group, const std::vector<Job>& jobs,
                 const std::vector<RunRecord>& records, const std::vector<std::uint8_t>& started,
                 const LossSpec& loss, const OptimizerSpec& optimizer) {
  Selection selection;
  selection.key = {group.dataset->name, group.positive_fraction, group.seed,
                   loss_display_name(loss), optimizer.name, std::nullopt};
  std::vector<const RunRecord*> runs;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (jobs[j].loss != &loss || jobs[j].optimizer != &optimizer) continue;
    if (!started[j] || records[j].result.status == RunStatus::interrupted) {
      selection.interrupted = true;
    }
    if (!started[j]) continue;
    runs.push_back(&records[j]);
    selection.diverged_runs += records[j].result.status == RunStatus::diverged;
    selection.seconds_all_runs += records[j].result.seconds;
  }
  selection.runs = runs.size();
  selection.feature_map = group.split->feature_map;
  selection.positive_fraction_reached = group.split->positive_fraction_reached;
  selection.feature_names = group.dataset->feature_names;
  selection.data_settings = group.dataset->settings;
  selection.label_values = group.dataset->label_values;
  selection.training_data = group.dataset->fingerprint;
  for (SetName set : kAllSets) {
    const auto k = static_cast<int>(set);
    // From the targets, which count the whole set also when it is spread over ranks.
    const BinaryTargets& targets = group.split->set(set).targets;
    selection.counts.size[k] = targets.positive_count + targets.negative_count;
    selection.counts.positives[k] = targets.positive_count;
  }
  if (const RunRecord* best = select_best_run(runs)) {
    selection.key.step_size = best->key.step_size;
    selection.iteration = best->result.best_iteration;
    selection.validation_auc = best->result.best_validation_auc;
    selection.test = best->result.best_test;
    selection.test_score_sd = best->result.best_test_score_sd;
    selection.model = best->result.best_model;
    selection.seconds_to_selected = best->result.seconds_to_best;
    selection.threshold = subtrain_threshold(group.data, selection.model);
  } else {
    selection.validation_auc = std::nan("");
    selection.test = {std::nan(""), std::nan(""), std::nan("")};
    selection.test_score_sd = std::nan("");
  }
  return selection;
}

// The runs of one group's grid, of which this rank holds those it trained (or, on rank 0 after
// gather_runs, every rank's).
struct GroupRuns {
  std::vector<Job> jobs;
  std::vector<RunRecord> records;
  std::vector<std::uint8_t> started;
};

// Run j of the grid goes to rank j % ranks: the grid's neighbours (the step sizes of one loss,
// which take alike times) go to different ranks.
bool runs_on(std::size_t job, const Communicator& communicator) {
  return job % static_cast<std::size_t>(communicator.size()) ==
         static_cast<std::size_t>(communicator.rank());
}

// Trains this rank's runs of one group, on its threads.
GroupRuns run_local_jobs(const SplitRuns& group, int threads, const ExperimentOptions& options,
                         const ExperimentEvents& events, const Communicator& communicator) {
  GroupRuns runs;
  runs.jobs = grid_of(group.config->train);
  // Sparse: the subtrain share of the nonzeros.
  const Dataset& dataset = *group.dataset;
  const double work =
      dataset.sparse ? static_cast<double>(dataset.sparse_features.nonzeros()) *
                           static_cast<double>(group.split->subtrain.size()) /
                           static_cast<double>(dataset.size())
                     : static_cast<double>(group.split->subtrain.size()) *
                           static_cast<double>(dataset.features.cols);
  const bool parallel_runs = group.spread == nullptr && work < kParallelRunsMaxWork;

  runs.records.resize(runs.jobs.size());
  runs.started.assign(runs.jobs.size(), 0);
  // Rows spread over ranks: every rank runs every job, together.
  std::vector<std::size_t> mine;
  for (std::size_t j = 0; j < runs.jobs.size(); ++j) {
    if (group.spread || runs_on(j, communicator)) mine.push_back(j);
  }
  run_jobs(mine.size(), parallel_runs ? threads : 1, [&](std::size_t k) {
    const std::size_t j = mine[k];
    if (stop_requested(group, options)) return;
    runs.started[j] = 1;
    runs.records[j] = run_one(group, runs.jobs[j], parallel_runs ? 1 : threads, options, events);
  });
  return runs;
}

// Whether a run of this rank's share (of every run, when the rows are spread) never started or
// was interrupted.
bool cut_short(const SplitRuns& group, const GroupRuns& runs, const Communicator& communicator) {
  for (std::size_t j = 0; j < runs.jobs.size(); ++j) {
    if ((group.spread || runs_on(j, communicator)) &&
        (!runs.started[j] || runs.records[j].result.status == RunStatus::interrupted)) {
      return true;
    }
  }
  return false;
}

// Sends the runs of ranks 1 .. P - 1 to rank 0 (an all-to-all in which only rank 0 receives).
// Collective.
void gather_runs(Communicator& communicator, GroupRuns& runs) {
  std::vector<std::byte> mine;
  communicator.collectively([&] {
    if (communicator.rank() == 0) return;
    for (std::size_t j = 0; j < runs.jobs.size(); ++j) {
      if (runs_on(j, communicator) && runs.started[j]) append_run_record(mine, j, runs.records[j]);
    }
  });
  std::vector<std::size_t> send_counts(static_cast<std::size_t>(communicator.size()), 0);
  send_counts[0] = mine.size();
  std::vector<std::size_t> received_counts;
  const std::vector<std::byte> received =
      communicator.alltoallv(std::span<const std::byte>(mine), send_counts, received_counts);
  communicator.collectively([&] {
    for (TaggedRunRecord& tagged : read_run_records(received)) {
      if (tagged.tag >= runs.jobs.size() || runs_on(tagged.tag, communicator)) {
        throw RunError(fmt::format("rank 0 received run {} of a grid of {} runs from another rank",
                                   tagged.tag, runs.jobs.size()));
      }
      runs.started[tagged.tag] = 1;
      runs.records[tagged.tag] = std::move(tagged.record);
    }
  });
}

// Reports every run of one group, in the grid's order so that outputs do not depend on thread
// timing or on the ranks, and selects among them.
std::vector<Selection> report_group(const SplitRuns& group, const GroupRuns& runs,
                                    const ExperimentEvents& events, Clock::time_point start) {
  for (std::size_t j = 0; j < runs.jobs.size(); ++j) {
    if (runs.started[j] && events.run_finished) events.run_finished(runs.records[j]);
  }
  std::vector<Selection> selections;
  for (const LossSpec& loss : group.config->train.losses) {
    for (const OptimizerSpec& optimizer : group.config->train.optimizers) {
      selections.push_back(select(group, runs.jobs, runs.records, runs.started, loss, optimizer));
    }
  }
  if (events.group_finished) events.group_finished(selections, seconds_since(start));
  return selections;
}

// The rows of every split of one dataset spread over ranks, as prepare_split() would have left
// them in one process, for splits.csv: every rank's (row id, line, set), gathered; the result
// holds only `name`, `line` and the sets' ranges.
std::pair<Dataset, PreparedSplit> gathered_split_rows(const Dataset& share, const SharedSplit& shared,
                                                      Communicator& communicator) {
  struct Row {
    std::uint64_t id;
    std::uint64_t line;
    std::uint64_t set;
  };
  std::vector<Row> mine(share.size());
  for (std::size_t p = 0; p < share.size(); ++p) {
    mine[p] = {share.row_id[p], share.line[p], shared.membership.set_of_row[p]};
  }
  std::vector<std::size_t> counts;
  std::vector<Row> all = communicator.allgatherv(std::span<const Row>(mine), counts);
  std::sort(all.begin(), all.end(), [](const Row& a, const Row& b) {
    return a.set != b.set ? a.set < b.set : a.id < b.id;
  });
  std::pair<Dataset, PreparedSplit> out;
  out.first.name = share.name;
  out.second.seed = shared.split.seed;
  out.second.positive_fraction = shared.split.positive_fraction;
  SetRows* sets[3] = {&out.second.subtrain, &out.second.validation, &out.second.test};
  for (const Row& row : all) {
    if (row.set < 3) sets[row.set]->end = out.first.line.size() + 1;
    out.first.line.push_back(row.line);
    out.first.is_positive.push_back(0);
  }
  for (int set = 1; set < 3; ++set) {
    sets[set]->begin = sets[set - 1]->end;
    sets[set]->end = std::max(sets[set]->end, sets[set]->begin);
  }
  return out;
}

}  // namespace

ExperimentOutcome run_data_parallel_experiment(const std::vector<ExperimentConfig>& configs,
                                               const ExperimentOptions& options,
                                               const ExperimentEvents& events) {
  ExperimentRun run(options, events);
  Communicator& communicator = run.communicator;
  const ExperimentEvents& reported = run.reported;
  // Every share read and every split checked before any run starts, as in one process. Each
  // step is collective and checks its own errors (load_dataset_share, prepare_shared_split), so
  // nothing here is wrapped whole: a rank that failed alone inside one would wait in the outer
  // check while the others wait in the next step.
  communicator.collectively([&] { check_losses_and_optimizers(configs); });
  std::vector<Plan> plans = load_plans(
      configs, reported,
      [&](const DatasetEntry& entry) { return load_dataset_share(entry, communicator); },
      [&](Dataset& share, const ExperimentConfig& config, std::uint64_t seed,
          std::optional<double> positive_fraction) {
        return prepare_shared_split(share, config.split, seed, positive_fraction, communicator)
            .split;
      });
  for (Plan& plan : plans) {
    const ExperimentConfig& config = *plan.config;
    for (const auto& positive_fraction : config.split.positive_fractions) {
      for (const std::uint64_t seed : config.split.seeds) {
        if (communicator.any(options.stop && options.stop->load())) return run.finish(true);
        const SharedSplit shared =
            prepare_shared_split(plan.dataset, config.split, seed, positive_fraction, communicator);
        {
          const auto [rows, split] = gathered_split_rows(plan.dataset, shared, communicator);
          if (reported.split_prepared) reported.split_prepared(rows, split);
        }
        SplitRuns group{&config,          &shared.rows, &shared.split,
                        training_data_of(shared.rows, shared.split), positive_fraction, seed};
        group.spread = &communicator;
        const auto group_start = Clock::now();
        // Every rank runs every job together; selection is collective too (the decision
        // threshold gathers the subtrain scores), and rank 0 reports.
        const GroupRuns runs = run_local_jobs(group, run.threads, options, reported, communicator);
        const std::vector<Selection> done = report_group(group, runs, reported, group_start);
        if (communicator.rank() == 0) {
          run.outcome.selections.insert(run.outcome.selections.end(), done.begin(), done.end());
        }
        if (communicator.any(cut_short(group, runs, communicator))) return run.finish(true);
      }
    }
  }
  return run.finish(false);
}

std::string describe(const RunKey& key) {
  return fmt::format("{}, positive fraction {}, seed {}, {}, {}{}", key.dataset,
                     positive_fraction_label(key.positive_fraction), key.seed, key.loss,
                     key.optimizer,
                     key.step_size ? fmt::format(" step size {}", format_number(*key.step_size))
                                   : "");
}

const RunRecord* select_best_run(const std::vector<const RunRecord*>& runs) {
  const RunRecord* best = nullptr;
  for (const RunRecord* run : runs) {
    const TrainResult& r = run->result;
    if (r.best_iteration < 0 || std::isnan(r.best_validation_auc)) continue;
    if (!best) {
      best = run;
      continue;
    }
    const TrainResult& b = best->result;
    const bool better =
        r.best_validation_auc > b.best_validation_auc ||
        (r.best_validation_auc == b.best_validation_auc &&
         (r.best_iteration < b.best_iteration ||
          (r.best_iteration == b.best_iteration && run->key.step_size < best->key.step_size)));
    if (better) best = run;
  }
  return best;
}

ExperimentOutcome run_experiment(const std::vector<ExperimentConfig>& configs,
                                 const ExperimentOptions& options, const ExperimentEvents& events) {
  if (options.parallel == ParallelMode::data) {
    return run_data_parallel_experiment(configs, options, events);
  }
  ExperimentRun run(options, events);
  Communicator& communicator = run.communicator;
  const ExperimentEvents& reported = run.reported;
  std::vector<Plan> plans;
  communicator.collectively([&] {
    check_losses_and_optimizers(configs);
    plans = load_plans(
        configs, reported, [](const DatasetEntry& entry) { return load_dataset(entry); },
        [](Dataset& dataset, const ExperimentConfig& config, std::uint64_t seed,
           std::optional<double> positive_fraction) {
          return prepare_split(dataset, config.split, seed, positive_fraction);
        });
  });
  for (Plan& plan : plans) {
    const ExperimentConfig& config = *plan.config;
    for (const auto& positive_fraction : config.split.positive_fractions) {
      for (const std::uint64_t seed : config.split.seeds) {
        if (communicator.any(options.stop && options.stop->load())) return run.finish(true);
        std::optional<PreparedSplit> split;
        std::optional<SplitRuns> group;
        GroupRuns runs;
        Clock::time_point group_start;
        communicator.collectively([&] {
          split.emplace(prepare_split(plan.dataset, config.split, seed, positive_fraction));
          if (reported.split_prepared) reported.split_prepared(plan.dataset, *split);
          group.emplace(SplitRuns{&config, &plan.dataset, &*split,
                                  training_data_of(plan.dataset, *split), positive_fraction, seed});
          group_start = Clock::now();
          runs = run_local_jobs(*group, run.threads, options, reported, communicator);
        });
        if (communicator.size() > 1) gather_runs(communicator, runs);
        communicator.collectively([&] {
          if (communicator.rank() != 0) return;
          const std::vector<Selection> done = report_group(*group, runs, reported, group_start);
          run.outcome.selections.insert(run.outcome.selections.end(), done.begin(), done.end());
        });
        if (communicator.any(cut_short(*group, runs, communicator))) return run.finish(true);
      }
    }
  }
  return run.finish(false);
}

}  // namespace aumtrain
