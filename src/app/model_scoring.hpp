// What `predict` and `evaluate` share: a row's score under a model file, and the notes about
// what of the data was not used.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "aumtrain/data/scoring_data.hpp"
#include "aumtrain/io/model_file.hpp"

namespace aumtrain::app {

/// The command line of `predict` and `evaluate`: --model MODEL DATA [--output PATH] [--force].
struct ModelDataOptions {
  std::string model;
  std::string data;
  std::string output;
  bool force = false;
};

/// Declares those options on `command`; the help texts of DATA, --output and --force are the
/// command's own.
void add_model_data_options(CLI::App& command, ModelDataOptions& options, const char* data_help,
                            const char* output_help, const char* force_help);

/// The model's score of `row`; throws DataError at the row's line when it is not finite (values
/// too large for the weights).
double checked_score(const ModelFile& model, const ScoringRow& row, const std::string& data_path);

/// One log line for the columns the model does not use, one warning for dropped rows.
void log_scoring_notes(const ScoringSummary& summary, const std::string& data_path);

}  // namespace aumtrain::app
