// The files of a run directory: learning curves, the per-run log, the comparison table, the
// selected models and the run's description. Columns are documented in README.md.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aumtrain/train/experiment.hpp"

namespace aumtrain {

/// Streams learning_curves.csv (tidy: dataset, positive_fraction, seed, loss, optimizer,
/// step_size, iteration, step, set, metric, value) and runs.csv (one row per run), one run at a
/// time.
class LearningCurveWriter {
 public:
  explicit LearningCurveWriter(const std::filesystem::path& directory);
  void append(const RunRecord& record);
  /// Flushes and closes both files; throws RunError if anything could not be written.
  void finish();

 private:
  std::filesystem::path directory_;
  std::ofstream curves_;
  std::ofstream runs_;
};

/// comparison.csv: one row per (dataset, positive fraction, seed, loss, optimizer).
std::string comparison_csv(const std::vector<Selection>& selections);

/// How a loss and optimizer are named in tables: the loss alone when every run of the experiment
/// uses the constant optimizer, otherwise "loss, optimizer".
std::string method_label(const RunKey& key, bool all_constant);

/// The comparison table in Markdown: rows dataset / positive fraction with the sizes and
/// positives of subtrain / validation / test, columns loss (and optimizer, see method_label),
/// cells the mean ± sd of test AUC over seeds. Bold: among the columns whose seeds all
/// finished, the best mean and every column that it does not beat on every seed (paired by
/// seed). Rows whose validation set has fewer than 5 positives on some seed are marked †, cells
/// with runs cut short say how many seeds were interrupted. Notes under the table state these
/// rules; then, with more than one row, each column's mean rank over the rows.
std::string comparison_markdown(const std::vector<Selection>& selections);

/// One message per (dataset, positive fraction) whose validation set has fewer than 5 positives
/// on some seed, for the log.
std::vector<std::string> few_validation_positive_warnings(const std::vector<Selection>& selections);

/// What reaching each selected model cost, per loss and optimizer, as a Markdown table: over
/// every (dataset, positive fraction, seed), the median selected iteration, the median seconds
/// from the start of the selected run to that iteration, and the median seconds of all the runs
/// the selection chose among (a constant optimizer's grid of step sizes).
std::string cost_markdown(const std::vector<Selection>& selections);

/// The file name (under models/) of a selection's model.
std::string model_file_name(const RunKey& key);

/// "NA" for as-is (read as missing by R and pandas), otherwise the fraction.
std::string positive_fraction_cell(const std::optional<double>& fraction);

}  // namespace aumtrain
