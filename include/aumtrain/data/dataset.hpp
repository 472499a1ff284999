// Loading a dataset: a CSV or libsvm file becomes a dense feature matrix and binary labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aumtrain/config/config.hpp"

namespace aumtrain {

/// A dense matrix of doubles in row-major order: row i holds example i's features.
struct FeatureMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;

  double* row(std::size_t i) { return values.data() + i * cols; }
  const double* row(std::size_t i) const { return values.data() + i * cols; }
};

struct Dataset {
  std::string name;
  std::string source;  ///< the file it was read from
  std::vector<std::string> feature_names;
  /// Features conditioned with whole-file statistics, (x - center) / scale per column, so that
  /// the later standardisation with subtrain statistics subtracts nothing large. Raw values
  /// are center + scale * stored.
  FeatureMatrix features;
  std::vector<double> center;
  std::vector<double> scale;
  std::vector<std::uint8_t> is_positive;
  /// For each matrix row, its position when loaded (0, 1, ...). The split stage reorders the
  /// rows in place and keeps this in step, so a split depends only on the file and the seed.
  std::vector<std::uint32_t> row_id;
  std::size_t dropped_rows = 0;  ///< rows with missing values, under missing: drop_rows
  std::vector<std::string> label_values;  ///< distinct label texts, in order of appearance

  std::size_t size() const noexcept { return is_positive.size(); }
  std::size_t positive_count() const;
};

/// Reads `entry.data`. Every problem throws DataError naming file:line:column, or the data.* key
/// whose column the file lacks (ConfigError for a key that cannot apply at all, and for a
/// data.label the file has no column of, naming where the key was given and the columns there
/// are): unreadable file, no data rows, unknown or duplicate columns, a row
/// with the wrong number of fields, a non-numeric or non-finite feature, missing values (unless
/// missing: drop_rows), a positive_label that never occurs, a single class, no features left,
/// or more data than the memory that is available.
Dataset load_dataset(const DatasetEntry& entry);

/// Bytes of memory the system can still give this process (MemAvailable), or 0 if unknown.
std::size_t available_memory_bytes();

}  // namespace aumtrain
