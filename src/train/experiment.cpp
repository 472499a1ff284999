#include "aumtrain/train/experiment.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "aumtrain/io/text_format.hpp"

namespace aumtrain {
namespace {

using Clock = std::chrono::steady_clock;

// Below this much work per iteration (subtrain rows x features), runs go in parallel with one
// thread each; above it, runs go one at a time and the matrix products use every thread.
constexpr double kParallelRunsMaxWork = 262144;

struct Job {
  const LossSpec* loss;
  double step_size;
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

}  // namespace

std::string describe(const RunKey& key) {
  return fmt::format("{}, positive fraction {}, seed {}, {}, step size {}", key.dataset,
                     positive_fraction_label(key.positive_fraction), key.seed, key.loss,
                     format_number(key.step_size));
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
  const auto start = Clock::now();
  const int threads =
      options.threads > 0 ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto stop_requested = [&] { return options.stop && options.stop->load(); };
  for (const auto& config : configs) {
    for (const auto& spec : config.train.losses) make_loss(spec);  // fail early on a bad spec
  }

  // Load every dataset and check every split first, so that a data problem stops the
  // experiment before any training time is spent.
  struct Plan {
    const ExperimentConfig* config;
    Dataset dataset;
  };
  std::vector<Plan> plans;
  for (const ExperimentConfig& config : configs) {
    for (const DatasetEntry& entry : config.datasets) {
      Plan plan{&config, load_dataset(entry)};
      if (events.dataset_loaded) events.dataset_loaded(plan.dataset);
      for (const auto& positive_fraction : config.split.positive_fractions) {
        for (const std::uint64_t seed : config.split.seeds) {
          const PreparedSplit split = prepare_split(plan.dataset, config.split, seed, positive_fraction);
          if (events.warning) {
            for (const auto& warning : split.warnings) events.warning(warning);
          }
        }
      }
      plans.push_back(std::move(plan));
    }
  }

  ExperimentOutcome outcome;
  for (Plan& plan : plans) {
    const ExperimentConfig& config = *plan.config;
    Dataset& dataset = plan.dataset;
    std::vector<Job> jobs;
    for (const LossSpec& loss : config.train.losses) {
      for (double step : config.train.optimizers.front().step_sizes) jobs.push_back({&loss, step});
    }
    {
      for (const auto& positive_fraction : config.split.positive_fractions) {
        for (const std::uint64_t seed : config.split.seeds) {
          if (stop_requested()) {
            outcome.interrupted = true;
            outcome.seconds = seconds_since(start);
            return outcome;
          }
          const auto group_start = Clock::now();
          const PreparedSplit split = prepare_split(dataset, config.split, seed, positive_fraction);
          const auto& m = dataset.features;
          auto rows_of = [&](const SetRows& set) {
            return LabeledRows{MatrixView(m.row(set.begin), static_cast<Eigen::Index>(set.size()),
                                          static_cast<Eigen::Index>(m.cols)),
                               &set.targets};
          };
          const TrainingData data{rows_of(split.subtrain), rows_of(split.validation),
                                  rows_of(split.test), &split.feature_map};
          const double work =
              static_cast<double>(split.subtrain.size()) * static_cast<double>(m.cols);
          const bool parallel_runs = work < kParallelRunsMaxWork;

          std::vector<RunRecord> records(jobs.size());
          std::vector<std::uint8_t> started(jobs.size(), 0);
          run_jobs(jobs.size(), parallel_runs ? threads : 1, [&](std::size_t j) {
            if (stop_requested()) return;
            started[j] = 1;
            RunRecord& record = records[j];
            record.key = {dataset.name, positive_fraction, seed,
                          loss_display_name(*jobs[j].loss), jobs[j].step_size};
            auto loss = make_loss(*jobs[j].loss, parallel_runs ? 1 : threads);
            TrainerParams params;
            params.step_size = jobs[j].step_size;
            params.max_iterations = config.train.max_iterations;
            params.patience = config.train.patience;
            params.init = config.train.init;
            params.seed = seed;
            params.log_every = config.output.log_every;
            params.threads = parallel_runs ? 1 : threads;
            record.result = train_linear_model(
                data, *loss, params, [&](int iteration, double best_auc) {
                  if (events.progress) {
                    events.progress(record.key, iteration, params.max_iterations, best_auc);
                  }
                  return !stop_requested();
                });
          });
          // Reported in the grid's order, so that outputs do not depend on thread timing.
          bool group_interrupted = false;
          for (std::size_t j = 0; j < jobs.size(); ++j) {
            if (!started[j] || records[j].result.status == RunStatus::interrupted) {
              group_interrupted = true;
            }
            if (started[j] && events.run_finished) events.run_finished(records[j]);
          }

          std::vector<Selection> selections;
          for (const LossSpec& loss : config.train.losses) {
            const std::string name = loss_display_name(loss);
            std::vector<const RunRecord*> runs;
            Selection selection;
            selection.key = {dataset.name, positive_fraction, seed, name, 0.0};
            for (std::size_t j = 0; j < jobs.size(); ++j) {
              if (jobs[j].loss != &loss) continue;
              if (!started[j] || records[j].result.status == RunStatus::interrupted) {
                selection.interrupted = true;
              }
              if (!started[j]) continue;
              runs.push_back(&records[j]);
              selection.diverged_runs += records[j].result.status == RunStatus::diverged;
            }
            selection.runs = runs.size();
            selection.feature_map = split.feature_map;
            selection.feature_names = dataset.feature_names;
            for (SetName set : kAllSets) {
              const auto k = static_cast<int>(set);
              selection.counts.size[k] = split.set(set).size();
              selection.counts.positives[k] = split.set(set).targets.positive_count;
            }
            if (const RunRecord* best = select_best_run(runs)) {
              selection.key.step_size = best->key.step_size;
              selection.iteration = best->result.best_iteration;
              selection.validation_auc = best->result.best_validation_auc;
              selection.test = best->result.best_test;
              selection.model = best->result.best_model;
            } else {
              selection.validation_auc = std::nan("");
              selection.test = {std::nan(""), std::nan(""), std::nan("")};
            }
            selections.push_back(std::move(selection));
          }
          if (events.group_finished) events.group_finished(selections, seconds_since(group_start));
          outcome.selections.insert(outcome.selections.end(), selections.begin(), selections.end());
          if (group_interrupted) {
            outcome.interrupted = true;
            outcome.seconds = seconds_since(start);
            return outcome;
          }
        }
      }
    }
  }
  outcome.seconds = seconds_since(start);
  return outcome;
}

}  // namespace aumtrain
