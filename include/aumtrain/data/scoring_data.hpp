// Reading new data to score with a trained model: read as the model's training data was (its
// format, delimiter, label column and missing-value rule), the model's features matched by name
// in a CSV and by index in a libsvm file, values kept as they are in the file (the model carries
// its own standardisation; the new data's statistics are never used).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/data/dataset.hpp"

namespace aumtrain {

/// A nonzero of a row to score: its place among the model's features and its raw value.
struct FeatureValue {
  std::size_t position;
  double value;
};

/// One row to score; the views are valid during the call that receives it.
struct ScoringRow {
  std::size_t line = 0;              ///< the file's line, counted as Dataset::line counts
  std::span<const double> features;  ///< raw values, in the model's feature order (CSV)
  /// libsvm: the row's nonzeros among the model's features, in increasing position (the
  /// features are then empty).
  std::span<const FeatureValue> nonzeros;
  bool has_label = false;
  std::string_view label;  ///< the label as written, when the file has labels
};

/// What reading the whole file found.
struct ScoringSummary {
  std::size_t rows = 0;  ///< rows passed on
  bool has_labels = false;
  /// Columns of a CSV, or features f<index> of a libsvm file, that the model does not use (its
  /// excluded columns left out): CSV in file order, libsvm by index, at most
  /// kIgnoredFeaturesKept of them.
  std::vector<std::string> ignored_columns;
  std::size_t ignored_more = 0;  ///< libsvm features not used beyond those listed
  std::size_t dropped_rows = 0;  ///< rows with missing values, under missing: drop_rows
  std::vector<std::size_t> first_dropped_lines;  ///< the lines of the first kDroppedLinesKept
  /// Cells of categorical columns whose level the model does not know (their features are 0),
  /// and the first few of them as `column=level`.
  std::size_t unseen_level_cells = 0;
  std::vector<std::string> first_unseen_levels;
};

inline constexpr std::size_t kIgnoredFeaturesKept = 20;

/// Reads `path` as `settings` say and calls on_row for every data row, in file order. A CSV
/// needs a header row naming every model feature (a missing one is a DataError naming it), and
/// every categorical column of settings.categorical, whose cell sets the feature `column=level`
/// to 1 and its other levels to 0 (all 0 for a level the model does not know: counted); its
/// label column is read when present. A libsvm line's label is its first token unless that is
/// index:value; either every line has a label or none. With `need_labels` a file without labels
/// is a DataError, and a missing label follows the missing-value rule. A missing feature value
/// is a DataError at file:line:column under missing: error; under drop_rows the row is skipped
/// and counted. Bad cells, ragged rows and a file without data rows are DataErrors too.
ScoringSummary read_rows_to_score(const std::string& path, const DataReadSettings& settings,
                                  const std::vector<std::string>& feature_names, bool need_labels,
                                  const std::function<void(const ScoringRow&)>& on_row);

}  // namespace aumtrain
