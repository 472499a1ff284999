// The YAML configuration of an experiment: which data, how to split it, which losses and
// optimizers to train, and where to write the results. Every key is documented in
// configs/README.md, whose key tables are config_reference_markdown().
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/model/loss_spec.hpp"

namespace aumtrain {

enum class DataFormat { csv, libsvm };
/// What a missing cell does: stop with an error, drop its row, or (categorical columns only)
/// count as a level of its own.
enum class MissingPolicy { error, drop_rows, category };
/// How the features are held: `automatic` is sparse for libsvm and for a CSV with categorical
/// columns, dense otherwise.
enum class FeatureStorage { automatic, dense, sparse };
enum class InitKind { zeros, random };
/// How `mpirun -np P aumtrain train|compare` shares the work among its P ranks: `runs` deals
/// the runs of each split out to the ranks, every rank holding all of the data; `data` spreads
/// the rows of each dataset over the ranks; `automatic` picks data when a dataset would not fit
/// comfortably in one rank's memory, else runs (see resolve_parallel_mode). One process always
/// runs everything itself.
enum class ParallelMode { automatic, data, runs };

/// `data:` — one dataset file and how to read it.
struct DataConfig {
  /// One file, or a glob pattern of shard files; for a YAML list of shards, its first file.
  /// Absolute: load_config reads a relative path from the config file's folder.
  std::string path;
  /// The shard files, in order and absolute, when data.path is a YAML list (as listed) or a
  /// glob pattern (its matches, sorted by name); empty when it names one file. A dataset of
  /// several CSV shards is their rows, shard after shard (each has the same header).
  std::vector<std::string> shards;
  bool path_is_list = false;             ///< data.path was a YAML list; to_yaml writes it back
  /// Where data.path was given ("file:line:column: data.path", or the --set argument), for the
  /// message about a pattern that matches no file. Not a key of its own.
  std::string path_origin;
  DataFormat format = DataFormat::csv;   ///< csv | libsvm
  char delimiter = 0;                    ///< 0: detect (auto); or ',', ';', '\t'
  std::string label;                     ///< label column; empty: the last column
  /// Where data.label was given ("file:line:column: data.label", or the --set argument), for
  /// messages about a label column that the file does not have. Not a key of its own.
  std::string label_origin;
  std::string positive_label = "1";      ///< rows with this label are positive
  std::vector<std::string> features;     ///< empty: every column but the label
  std::vector<std::string> exclude;      ///< columns left out of the features
  MissingPolicy missing = MissingPolicy::error;
  FeatureStorage storage = FeatureStorage::automatic;
  /// CSV columns one-hot encoded, a 0/1 feature `column=level` per level (empty: none).
  std::vector<std::string> categorical;
  /// data.categorical: auto, every feature column with a cell that is not a number.
  bool categorical_auto = false;
};

/// `split:` — how each dataset is divided, per seed.
struct SplitConfig {
  double test = 0.25;        ///< fraction of each class held out for test, in (0, 1)
  double validation = 0.25;  ///< fraction of what remains for validation, in (0, 1)
  /// Positive fractions to make by subsampling positives in subtrain and validation (test is
  /// never subsampled); nullopt keeps the data as it is. One run per entry.
  std::vector<std::optional<double>> positive_fractions = {std::nullopt};
  std::vector<std::uint64_t> seeds = {1, 2, 3};
  bool standardize = true;  ///< scale features with subtrain means and standard deviations
};

/// How an optimizer's line search chooses its step for AUM (see core/line_search.hpp).
enum class LineSearchRule {
  min_aum,     ///< the first local minimum of AUM along the ray
  max_auc,     ///< the middle of the first interval where AUC stops rising
  iterations,  ///< walk max_events events and take the step of least AUM among them
};

/// Which set's scores a line search walks: the direction always comes from subtrain.
enum class SearchSet { subtrain, validation };

/// One item of `train.optimizers`.
struct OptimizerSpec {
  std::string name = "constant";  ///< constant | line_search
  /// constant: its step sizes, one run per step size.
  std::vector<double> step_sizes = {0.001, 0.01, 0.1, 1, 10};
  /// line_search, AUM only: the rule that chooses the step along the ray.
  LineSearchRule stop = LineSearchRule::min_aum;
  /// line_search, AUM only: the most events one search walks; when it is reached, the best
  /// step seen so far is taken and the step counts as capped. A hundred thousand events take
  /// about ten milliseconds; a walk to the first minimum of AUM can need up to N^2 / 4.
  long long max_events = 100000;
  /// line_search: the set whose scores the search is scored on.
  SearchSet set = SearchSet::subtrain;
  /// Steps per run with this optimizer; nullopt: TrainConfig::max_iterations.
  std::optional<int> max_iterations;
};

/// `train:` — the grid of runs and the settings of gradient descent.
struct TrainConfig {
  std::vector<LossSpec> losses;     ///< default: every loss (aum rate and count, logistic, ...)
  /// default: one constant optimizer with the default step sizes. `train.step_sizes: [...]`
  /// alone is shorthand for `optimizers: [{name: constant, step_sizes: [...]}]`.
  std::vector<OptimizerSpec> optimizers = {OptimizerSpec{}};
  int max_iterations = 1000;        ///< gradient steps per run, >= 1
  InitKind init = InitKind::zeros;  ///< random: N(0, 1/D) weights from the split's seed
  std::optional<int> patience;      ///< stop when validation AUC has not improved this long
  /// How several MPI ranks share the work; no effect on one process or on any result.
  ParallelMode parallel = ParallelMode::automatic;
};

/// `output:` — the run directory.
struct OutputConfig {
  /// Absolute: load_config reads a relative path from the config file's folder, where the
  /// default runs/<name> is too.
  std::string directory;
  /// Learning-curve rows every this many iterations besides the ones always recorded
  /// (iteration 0, a log-spaced grid, every new best validation AUC, the last); nullopt: none.
  std::optional<int> log_every;
  bool plots = true;
};

/// One dataset of an experiment: `name` and `data` (or one item of `datasets:`).
struct DatasetEntry {
  std::string name;
  DataConfig data;
};

struct ExperimentConfig {
  std::string name;
  std::string source;  ///< the file it was read from, as given
  std::vector<DatasetEntry> datasets;
  SplitConfig split;
  TrainConfig train;
  OutputConfig output;
};

/// Reads a config file, applies `overrides` ("key.path=value", the value in YAML syntax) and
/// checks every key. Paths come out absolute: relative ones, also those of overrides, are read
/// from the config file's folder. Errors throw ConfigError naming the file, line and column (or the --set
/// that gave the value) and the full key path; unknown keys list the valid ones.
ExperimentConfig load_config(const std::string& path, const std::vector<std::string>& overrides);

/// Whether a data.path is a glob pattern: it has `*`, `?` or `[`.
bool is_glob_pattern(const std::string& path);

/// The files matching a glob pattern (glob(3)), sorted; empty when none does.
std::vector<std::string> glob_files(const std::string& pattern);

/// The configuration with every default filled in, as YAML that load_config reads back.
std::string to_yaml(const ExperimentConfig& config);

/// The config as a run directory records it: its output directory the absolute form of
/// `output_directory` (the one actually written, relative to the working directory), so that
/// its YAML runs again from anywhere into that same run directory.
ExperimentConfig with_absolute_paths(ExperimentConfig config,
                                     const std::filesystem::path& output_directory);

/// A Markdown reference of every key: for each section a table of key, type, default, allowed
/// values and meaning (`aumtrain config-reference` prints it).
std::string config_reference_markdown();

/// The name of a loss as it appears in results: aum.rate, aum.count, logistic, ...
std::string loss_display_name(const LossSpec& spec);

std::string_view line_search_rule_name(LineSearchRule rule);
std::string_view search_set_name(SearchSet set);
std::string_view parallel_mode_name(ParallelMode mode);

/// "as-is" for nullopt, otherwise the shortest decimal.
std::string positive_fraction_label(const std::optional<double>& fraction);
/// The same, with " (not reached)" after a fraction that some split could not reach for want of
/// positives, so that no table or log line shows a fraction the data did not have.
std::string positive_fraction_label(const std::optional<double>& fraction, bool reached);

}  // namespace aumtrain
