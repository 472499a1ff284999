#include "model_scoring.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"

namespace aumtrain::app {

double checked_score(const ModelFile& model, const ScoringRow& row, const std::string& data_path) {
  const double score = row.features.empty() ? model.score(row.nonzeros) : model.score(row.features);
  if (!std::isfinite(score)) {
    throw DataError(fmt::format("{}:{}: the score of this row is {}: its values are too large for "
                                "the model's weights; check the row",
                                data_path, row.line, score));
  }
  return score;
}

void add_model_data_options(CLI::App& command, ModelDataOptions& options, const char* data_help,
                            const char* output_help, const char* force_help) {
  command.add_option("--model", options.model, "A model file (models/*.json of a run directory)")
      ->required();
  command.add_option("DATA", options.data, data_help)->required();
  command.add_option("-o,--output", options.output, output_help);
  command.add_flag("--force", options.force, force_help);
}

void log_scoring_notes(const ScoringSummary& summary, const std::string& data_path) {
  if (!summary.ignored_columns.empty()) {
    spdlog::info("note: {} has {} the model does not use, ignored: {}{}", data_path,
                 summary.ignored_columns.size() + summary.ignored_more == 1 ? "a column" : "columns",
                 fmt::join(summary.ignored_columns, ", "),
                 summary.ignored_more ? fmt::format(" and {} more", summary.ignored_more) : "");
  }
  if (summary.unseen_level_cells > 0) {
    spdlog::info("note: {}: {} of categorical columns have a level the model was not trained on, "
                 "so all of that column's features are 0 there: {}{}",
                 data_path, count_noun(summary.unseen_level_cells, "cell"),
                 fmt::join(summary.first_unseen_levels, ", "),
                 summary.unseen_level_cells > summary.first_unseen_levels.size() ? ", ..." : "");
  }
  if (summary.dropped_rows > 0) {
    spdlog::warn("{}: dropped {} {} with missing values (the model was trained with missing: "
                 "drop_rows), at lines {}{}",
                 data_path, summary.dropped_rows, summary.dropped_rows == 1 ? "row" : "rows",
                 fmt::join(summary.first_dropped_lines, ", "),
                 summary.dropped_rows > summary.first_dropped_lines.size() ? ", ..." : "");
  }
}

}  // namespace aumtrain::app
