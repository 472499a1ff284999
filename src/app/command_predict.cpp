// `aumtrain predict --model MODEL DATA`: each row's score and predicted label under a model file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/data/scoring_data.hpp"
#include "aumtrain/io/model_file.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "commands.hpp"
#include "model_scoring.hpp"
#include "print_results.hpp"

namespace aumtrain::app {
namespace {

// Rows go out in blocks: to a file written through a temporary name, or to standard output.
class PredictionSink {
 public:
  explicit PredictionSink(const std::string& output) {
    if (!output.empty()) file_ = std::make_unique<StreamedFile>(output);
  }
  void add(const std::string& text) {
    pending_ += text;
    if (pending_.size() >= (1u << 16)) flush();
  }
  void finish() {
    flush();
    if (file_) file_->commit();
  }

 private:
  void flush() {
    if (file_) {
      file_->write(pending_);
    } else {
      print_results(pending_);  // written and flushed, or a RunError saying why not
    }
    pending_.clear();
  }
  std::unique_ptr<StreamedFile> file_;
  std::string pending_;
};

int run_predict(const ModelDataOptions& options) {
  const ModelFile model = read_model_file(options.model);
  if (!options.output.empty()) refuse_existing_file(options.output, options.force, "--output");
  PredictionSink sink(options.output);
  bool header_written = false;
  const ScoringSummary summary = read_rows_to_score(
      options.data, model.data, model.feature_names, false, [&](const ScoringRow& row) {
        if (!header_written) {
          sink.add(row.has_label ? "line,score,predicted,label\n" : "line,score,predicted\n");
          header_written = true;
        }
        const double score = checked_score(model, row, options.data);
        std::string line = fmt::format("{},{:.17g},{}", row.line, score,
                                       csv_field(model.predicted_label(score)));
        if (row.has_label) line += "," + csv_field(row.label);
        sink.add(line + "\n");
      });
  sink.finish();
  log_scoring_notes(summary, options.data);
  spdlog::info("{} rows of {} scored with {} (predicted '{}' when the score is above {})",
               summary.rows, options.data, options.model, model.data.positive_label,
               format_number(model.threshold.threshold));
  return 0;
}

}  // namespace

Command add_predict_command(CLI::App& parent) {
  auto options = std::make_shared<ModelDataOptions>();
  CLI::App* command = parent.add_subcommand(
      "predict", "Score each row of a data file with a model file from a run directory's models/ "
                 "and predict its label: CSV of line, score, predicted (and label)");
  add_model_data_options(*command, *options, "Data to score, CSV or libsvm as the model's training data",
                         "Write the predictions to this file (default: standard output)",
                         "Replace the --output file if it exists");
  return {command, [options] { return run_predict(*options); }};
}

}  // namespace aumtrain::app
