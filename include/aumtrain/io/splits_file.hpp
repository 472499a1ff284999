// splits.csv of a run directory: which set every row of every split went to, by the row's line
// in its data file, so that any model's predictions can be joined with its subtrain, validation
// and test sets.
#pragma once

#include <filesystem>
#include <fstream>

#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/split.hpp"

namespace aumtrain {

/// Streams splits.csv (dataset, positive_fraction, seed, line, set), one split at a time: per
/// split, the rows of subtrain, validation and test in file order, then as `unused` the
/// positives that subsampling to the positive fraction left out. Rows dropped for missing
/// values are in no split and not listed.
class SplitsWriter {
 public:
  explicit SplitsWriter(const std::filesystem::path& directory);
  /// `dataset` with its rows in the order prepare_split() left them for `split`.
  void append(const Dataset& dataset, const PreparedSplit& split);
  /// Flushes and closes the file; throws RunError if anything could not be written.
  void finish();

 private:
  std::filesystem::path file_;
  std::ofstream out_;
};

}  // namespace aumtrain
