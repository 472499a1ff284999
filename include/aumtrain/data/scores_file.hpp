// Reads a CSV of predicted scores and labels (the input of `aumtrain aum`).
#pragma once

#include <string>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/errors.hpp"

namespace aumtrain {

struct ScoresFile {
  std::vector<double> scores;  ///< column `pred`
  std::vector<double> labels;  ///< column `label`, as written (0/1 or -1/1)
  BinaryTargets targets;       ///< column `label`, and `weight` when present
  bool has_weights = false;
  SourceLocation label_header;  ///< where the `label` column is named, for messages
};

/// Reads a CSV whose header names the columns `pred` and `label` and optionally `weight` (other
/// columns are ignored). Every problem throws DataError with file:line:column: no header, a
/// missing column, a row with the wrong number of fields, a cell that is not a number, a
/// non-finite score, a label outside {0, 1} or {-1, 1}, a negative weight.
ScoresFile read_scores_file(const std::string& path);

/// The denominators of the file's labels. For `rate`, throws DataError at the `label` column
/// when one class has no weight (its rate would be 0/0), saying to add examples or use count.
Denominators scores_file_denominators(const ScoresFile& input, Denominator denominator);

}  // namespace aumtrain
