// Reads a CSV of predicted scores and labels (the input of `aumtrain aum`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/errors.hpp"

namespace aumtrain {

/// Which columns hold the scores and labels, and how labels are read.
struct ScoresFileColumns {
  std::string score = "pred";
  std::string label = "label";
  /// When set, labels are texts: those equal to it (as text, or as numbers) are positive, all
  /// others negative. When not, labels must be 0/1 or -1/1.
  std::optional<std::string> positive_label;
};

struct ScoresFile {
  std::vector<double> scores;  ///< the score column
  std::vector<double> labels;  ///< the label column: as written (0/1 or -1/1), or 1/0 by text
  std::vector<std::string> label_texts;  ///< the labels as written, when read as texts
  BinaryTargets targets;       ///< the label column, and `weight` when present
  bool has_weights = false;
  std::string label_column;     ///< its name, for messages
  SourceLocation label_header;  ///< where the label column is named, for messages
};

/// Reads a CSV whose header names the score and label columns (`pred` and `label` unless
/// `columns` says otherwise) and optionally `weight` (other columns are ignored). Every problem
/// throws DataError with file:line:column: no header, a missing column, a row with the wrong
/// number of fields, a cell that is not a number, a non-finite score, a label outside {0, 1} or
/// {-1, 1} (without a positive label) or missing, a negative weight.
ScoresFile read_scores_file(const std::string& path, const ScoresFileColumns& columns = {});

/// The denominators of the file's labels. For `rate`, throws DataError at the `label` column
/// when one class has no weight (its rate would be 0/0), saying to add examples or use count.
Denominators scores_file_denominators(const ScoresFile& input, Denominator denominator);

}  // namespace aumtrain
