// `aumtrain train CONFIG` and `aumtrain compare CONFIG...`: run the experiment grid, write the run
// directory, print the comparison table.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "aumtrain/config/config.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/train/experiment.hpp"
#include "aumtrain/train/parallel_mode.hpp"
#include "aumtrain/io/model_file.hpp"
#include "aumtrain/io/outputs.hpp"
#include "aumtrain/io/plots.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "aumtrain/io/splits_file.hpp"
#include "aumtrain/core/text_format.hpp"
#include "commands.hpp"
#include "count_option.hpp"
#include "print_results.hpp"
#include "signals.hpp"

namespace aumtrain::app {
namespace fs = std::filesystem;

namespace {

struct TrainOptions {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::string output;
  bool force = false;
  int threads = 0;
};

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Progress lines for runs that take long: at most one every few seconds.
class ProgressThrottle {
 public:
  bool due() {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto last = last_.load();
    if (now - last < interval_) return false;
    return last_.compare_exchange_strong(last, now);
  }

 private:
  std::atomic<long long> last_{std::chrono::steady_clock::now().time_since_epoch().count()};
  const long long interval_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::seconds(5))
                                  .count();
};

std::vector<ExperimentConfig> load_configs(const TrainOptions& options) {
  std::vector<ExperimentConfig> configs;
  for (const auto& path : options.configs) configs.push_back(load_config(path, options.overrides));
  std::set<std::string> names;
  for (const auto& config : configs) {
    for (const auto& entry : config.datasets) {
      if (!names.insert(entry.name).second) {
        throw ConfigError(fmt::format("{}: dataset name '{}' is also used by an earlier config; "
                                      "give each dataset its own name",
                                      config.source, entry.name));
      }
    }
  }
  return configs;
}

std::string run_directory_of(const TrainOptions& options,
                             const std::vector<ExperimentConfig>& configs) {
  if (!options.output.empty()) return options.output;
  if (configs.size() > 1) {
    throw ConfigError("several configs are compared into one run directory: name it with "
                      "--output DIR");
  }
  return configs.front().output.directory;
}

// How much work the experiment is: splits (dataset x positive fraction x seed) and runs.
struct GridSize {
  std::size_t groups = 0;
  std::size_t runs = 0;
  bool all_constant = true;  // every optimizer is the constant one
};

GridSize grid_size(const std::vector<ExperimentConfig>& configs) {
  GridSize size;
  for (const auto& c : configs) {
    const std::size_t groups =
        c.datasets.size() * c.split.positive_fractions.size() * c.split.seeds.size();
    std::size_t runs_per_loss = 0;
    for (const auto& optimizer : c.train.optimizers) {
      runs_per_loss += optimizer_maker(optimizer.name).run_step_sizes(optimizer).size();
      size.all_constant = size.all_constant && optimizer.name == "constant";
    }
    size.groups += groups;
    size.runs += groups * c.train.losses.size() * runs_per_loss;
  }
  return size;
}

// The configs as they ran, with absolute paths and the run directory actually written, so that
// each runs again as it is from any working directory.
void write_configs(const fs::path& staging, const std::vector<ExperimentConfig>& configs,
                   const std::string& directory) {
  if (configs.size() == 1) {
    write_file_atomically(staging / "config.yaml",
                          to_yaml(with_absolute_paths(configs.front(), directory)));
    return;
  }
  fs::create_directories(staging / "configs");
  for (const auto& c : configs) {
    write_file_atomically(staging / "configs" / (c.name + ".yaml"),
                          to_yaml(with_absolute_paths(c, directory)));
  }
}

void log_dataset(const Dataset& d) {
  // total_rows and total_positives count every rank's rows when each rank holds a share.
  spdlog::info("{}: {} ({} positive), {}{}, from {}", d.name, count_noun(d.total_rows, "row"),
               d.total_positives, count_noun(d.feature_count(), "feature"),
               d.sparse ? fmt::format(" stored sparse ({})",
                                      count_noun(d.sparse_features.nonzeros(), "nonzero"))
                        : "",
               d.source);
  if (!d.settings.categorical.empty()) {
    std::vector<std::string> columns;
    for (const auto& c : d.settings.categorical) {
      columns.push_back(fmt::format("'{}' ({})", c.column, count_noun(c.levels.size(), "level")));
    }
    spdlog::info("{}: categorical {}", d.name, fmt::join(columns, ", "));
  }
  if (d.qid_lines > 0) {
    spdlog::info("note: {}: qid: ignored on {} (query ids play no part in training)", d.name,
                 count_noun(d.qid_lines, "line"));
  }
  if (d.dropped_rows > 0) {
    spdlog::warn("{}: dropped {} with missing values (data.missing: drop_rows), at lines {}{}",
                 d.name, count_noun(d.dropped_rows, "row"), fmt::join(d.first_dropped_lines, ", "),
                 d.dropped_rows > d.first_dropped_lines.size() ? ", ..." : "");
  }
}

void log_run(const RunRecord& record) {
  const TrainResult& r = record.result;
  if (r.status == RunStatus::diverged || r.status == RunStatus::converged) {
    spdlog::debug("{}: {}: {}", describe(record.key), run_status_name(r.status), r.message);
  }
  spdlog::debug("{}: {} after {}, best validation AUC {} at iteration {} ({:.2f} s)",
                describe(record.key), run_status_name(r.status),
                count_noun(static_cast<std::size_t>(r.iterations), "iteration"),
                format_number(r.best_validation_auc), r.best_iteration, r.seconds);
  if (r.capped_steps > 0) {
    spdlog::info("{}: {} stopped at max_events and took the best step seen so far ({} walked in "
                 "all); a larger max_events lets them reach their rule",
                 describe(record.key),
                 count_noun(static_cast<std::size_t>(r.capped_steps), "line search",
                            "line searches"),
                 count_noun(static_cast<std::size_t>(r.line_search_events), "crossing"));
  }
}

// One line per finished split: its time, the best loss and optimizer, and what went wrong.
class GroupLogger {
 public:
  GroupLogger(const GridSize& size) : size_(size) {}
  void operator()(const std::vector<Selection>& selections, double seconds) {
    ++finished_;
    const Selection* best = nullptr;
    std::size_t diverged = 0;
    bool interrupted = false;
    for (const auto& s : selections) {
      diverged += s.diverged_runs;
      interrupted = interrupted || s.interrupted;
      if (s.usable() && (!best || s.validation_auc > best->validation_auc)) best = &s;
    }
    const RunKey& key = selections.front().key;
    spdlog::info("[{}/{}] {}, positive fraction {}, seed {}: {:.1f} s; best validation AUC {} "
                 "({}){}",
                 finished_, size_.groups, key.dataset,
                 positive_fraction_label(key.positive_fraction,
                                         selections.front().positive_fraction_reached),
                 key.seed, seconds,
                 best ? fmt::format("{:.4f}", best->validation_auc) : "none",
                 best          ? method_label(best->key, size_.all_constant)
                 : interrupted ? "interrupted"
                               : "every run diverged",
                 diverged ? fmt::format("; {} diverged", count_noun(diverged, "run")) : "");
  }

 private:
  GridSize size_;
  std::size_t finished_ = 0;
};

// Everything but the learning curves, which were streamed while the runs finished.
void write_results(const fs::path& staging, const ExperimentOutcome& outcome,
                   const std::string& table, const std::string& command_line,
                   const ExperimentOptions& options, const GridSize& size) {
  write_file_atomically(staging / "comparison.csv", comparison_csv(outcome.selections));
  write_file_atomically(staging / "comparison.md",
                        fmt::format("# Test AUC by loss (mean ± sd over seeds)\n\n{}\n"
                                    "## What reaching the selected models cost\n\n{}",
                                    table, cost_markdown(outcome.selections)));
  fs::create_directories(staging / "models");
  for (const Selection& s : outcome.selections) {
    if (s.usable()) {
      write_file_atomically(staging / "models" / model_file_name(s.key),
                            model_file_json(model_file_of(s)));
    }
  }
  nlohmann::json info;
  info["command"] = command_line;
  info["finished"] = now_iso8601();
  info["seconds"] = outcome.seconds;
  info["status"] = outcome.interrupted ? "interrupted" : "completed";
  info["threads"] = options.threads > 0 ? options.threads
                                        : static_cast<int>(std::thread::hardware_concurrency());
  if (options.communicator && options.communicator->size() > 1) {
    info["ranks"] = options.communicator->size();  // the threads are per rank
    info["parallel"] = parallel_mode_name(options.parallel);
  }
  info["runs"] = size.runs;
  write_file_atomically(staging / "run_info.json", info.dump(2) + "\n");
}

bool draw_plots(const std::vector<ExperimentConfig>& configs, const fs::path& staging) {
  bool plots = false;
  for (const auto& c : configs) plots = plots || c.output.plots;
  if (!plots) return false;
  try {
    render_plots(staging, staging / "plots");
  } catch (const Error& error) {
    spdlog::warn("{}", error.what());
  }
  return true;
}

// What rank 0 writes: the run directory, built in its staging folder while the runs finish.
class Recording {
 public:
  Recording(const std::vector<ExperimentConfig>& configs, const std::string& directory,
            bool force, const GridSize& size)
      : run_directory_(directory, force),
        directory_(directory),
        staging_(run_directory_.staging()),
        curves_(staging_),
        splits_(staging_),
        size_(size) {
    for (const fs::path& stale : run_directory_.stale_staging_removed()) {
      spdlog::info("removed {}, left behind by an earlier run that was killed", stale.string());
    }
    spdlog::info("{}: {} (dataset x positive fraction x seed), each trained with every "
                 "loss and optimizer (and step size); results go to {}",
                 count_noun(size.runs, "run"), count_noun(size.groups, "split"), directory);
    write_configs(staging_, configs, directory);
  }

  ExperimentEvents events() {
    ExperimentEvents events;
    events.dataset_loaded = log_dataset;
    events.warning = [](const std::string& message) { spdlog::warn("{}", message); };
    events.note = [](const std::string& message) { spdlog::info("note: {}", message); };
    events.run_finished = [this](const RunRecord& record) {
      curves_.append(record);
      log_run(record);
    };
    events.split_prepared = [this](const Dataset& dataset, const PreparedSplit& split) {
      splits_.append(dataset, split);
    };
    events.group_finished = GroupLogger(size_);
    events.progress = [this](const RunKey& key, int iteration, int max_iterations,
                             double best_auc) {
      if (throttle_.due()) {
        spdlog::info("  {}: iteration {}/{}, best validation AUC so far {}", describe(key),
                     iteration, max_iterations, format_number(best_auc));
      }
    };
    return events;
  }

  // Writes the results, commits the run directory and prints the comparison table.
  void finish(const std::vector<ExperimentConfig>& configs, const ExperimentOutcome& outcome,
              const std::string& command_line, const ExperimentOptions& options) {
    curves_.finish();
    splits_.finish();
    const std::string table = comparison_markdown(outcome.selections);
    for (const std::string& warning : few_validation_positive_warnings(outcome.selections)) {
      spdlog::warn("{}", warning);
    }
    write_results(staging_, outcome, table, command_line, options, size_);
    // mpirun follows its SIGTERM with SIGKILL a second later (odls_base_sigkill_timeout): an
    // interrupted run over several ranks commits its results without waiting for gnuplot.
    const bool over_ranks = options.communicator && options.communicator->size() > 1;
    const bool plots = !(outcome.interrupted && over_ranks) && draw_plots(configs, staging_);
    if (outcome.interrupted && over_ranks) {
      spdlog::info("plots left out of this interrupted run over several ranks; `aumtrain plot "
                   "{}` draws them",
                   directory_);
    }
    run_directory_.commit();
    const std::string printed = fmt::format(
        "\nTest AUC of the model selected by validation AUC, mean ± sd over seeds\n\n{}\n"
        "Results in {}: comparison.md, comparison.csv, learning_curves.csv, runs.csv, "
        "splits.csv, models/{}\nFinished in {:.1f} s\n",
        table, directory_, plots ? ", plots/" : "", outcome.seconds);
    print_results(printed, directory_);
    if (outcome.interrupted) {
      spdlog::warn("interrupted by {}: the runs in progress stopped after their current "
                   "iteration; everything completed is in {}, marked interrupted",
                   stop_signal_name(), directory_);
    }
  }

 private:
  RunDirectory run_directory_;
  std::string directory_;  // as given, for messages
  fs::path staging_;
  LearningCurveWriter curves_;
  SplitsWriter splits_;
  GridSize size_;
  ProgressThrottle throttle_;
};

// Threads per rank: --threads, else the host's cores shared among its ranks.
int threads_per_rank(const TrainOptions& options, const Communicator& world) {
  if (options.threads > 0 || world.size() == 1) return options.threads;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return std::max(1, cores / ranks_on_this_host());
}

// Every rank runs this; rank 0 alone writes and logs. Each step that can fail on one rank is
// collective (Communicator::collectively), so a failure anywhere ends every rank with the same
// error and exit code, and rank 0's run directory is removed with its staging folder.
int run_training(const TrainOptions& options, const std::string& command_line) {
  Communicator& world = world_communicator();
  std::vector<ExperimentConfig> configs;
  std::string directory;
  GridSize size;
  world.collectively([&] {
    configs = load_configs(options);
    directory = run_directory_of(options, configs);
    size = grid_size(configs);
  });
  ExperimentOptions experiment_options;
  experiment_options.communicator = &world;
  experiment_options.parallel = resolve_parallel_mode(configs, world);
  experiment_options.threads = threads_per_rank(options, world);
  std::optional<Recording> recording;
  world.collectively([&] {
    if (world.rank() != 0) return;
    recording.emplace(configs, directory, options.force, size);
    if (world.size() > 1) {
      spdlog::info("{} ranks share the experiment's {} (train.parallel), {} each", world.size(),
                   parallel_mode_name(experiment_options.parallel),
                   count_noun(static_cast<std::size_t>(experiment_options.threads), "thread"));
    }
  });
  // Under mpirun, a second signal is mpirun's to act on: it ends the ranks itself.
  experiment_options.stop = &install_stop_handlers(world.size() == 1);
  const ExperimentOutcome outcome = run_experiment(
      configs, experiment_options, recording ? recording->events() : ExperimentEvents{});
  world.collectively([&] {
    if (recording) recording->finish(configs, outcome, command_line, experiment_options);
  });
  return outcome.interrupted ? static_cast<int>(ExitCode::interrupted) : 0;
}

Command add_training_command(CLI::App& parent, bool compare) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* command =
      compare ? parent.add_subcommand(
                    "compare",
                    "Train every loss x optimizer x seed of one or more configs (or of a config "
                    "with a datasets: list) into one run directory, with a cross-dataset table")
              : parent.add_subcommand(
                    "train", "Train every loss x optimizer x seed a config lists; write its run "
                             "directory and print the comparison table");
  if (compare) {
    command->add_option("CONFIG", options->configs, "YAML config files")->required();
    command->add_option("-o,--output", options->output,
                        "Run directory, from the working directory (default: the config's "
                        "output.directory; required with several configs)");
  } else {
    command->add_option("CONFIG", options->configs, "YAML config file")->required()->expected(1);
    command->add_option("-o,--output", options->output,
                        "Run directory, from the working directory (default: the config's "
                        "output.directory)");
  }
  command->add_option("--set", options->overrides,
                      "Override a config key, e.g. --set train.max_iterations=100 (repeatable)");
  command->add_flag("--force", options->force, "Replace an existing non-empty run directory");
  command->add_option("--threads", options->threads,
                      "Threads to use, per rank under mpirun (default: every core; under "
                      "mpirun, the host's cores shared among its ranks)")
      ->transform(count_form())
      ->check(CLI::Range(1, 1024));
  return {command, [options, compare] {
            std::string line = compare ? "aumtrain compare" : "aumtrain train";
            for (const auto& c : options->configs) line += " " + c;
            for (const auto& o : options->overrides) line += " --set " + o;
            if (!options->output.empty()) line += " --output " + options->output;
            return run_training(*options, line);
          },
          true};
}

}  // namespace

Command add_train_command(CLI::App& parent) { return add_training_command(parent, false); }
Command add_compare_command(CLI::App& parent) { return add_training_command(parent, true); }

}  // namespace aumtrain::app
