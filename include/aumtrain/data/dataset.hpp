// Loading a dataset: a CSV or libsvm file becomes a feature matrix, dense or sparse (CSR), with
// categorical CSV columns one-hot encoded, and binary labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/data/file_fingerprint.hpp"

namespace aumtrain {

/// A dense matrix of doubles in row-major order: row i holds example i's features.
struct FeatureMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;

  double* row(std::size_t i) { return values.data() + i * cols; }
  const double* row(std::size_t i) const { return values.data() + i * cols; }
};

/// A matrix in compressed sparse row (CSR) form: row i's nonzeros are entries row_start[i] to
/// row_start[i + 1] - 1 of `column` and `value`, 12 bytes per nonzero and 8 per row. Rows stay
/// in file order; the split reorders Dataset::row_id instead (see SparseRowsView).
struct SparseFeatureMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::int64_t> row_start{0};
  std::vector<std::int32_t> column;
  std::vector<double> value;

  std::size_t nonzeros() const noexcept { return value.size(); }
};

/// A CSV column one-hot encoded: its levels are the features first_feature, first_feature + 1,
/// ..., named `column=level`, in order of first appearance in the file.
struct CategoricalColumn {
  std::string column;
  std::vector<std::string> levels;
  std::size_t first_feature = 0;
};

/// The level that a missing cell of a categorical column is under data.missing: category.
inline constexpr std::string_view kMissingLevel = "NA";

/// How a dataset's file was read: what a model file records so that new data is read alike.
struct DataReadSettings {
  DataFormat format = DataFormat::csv;
  char delimiter = ',';      ///< the delimiter used (set or detected); unused for libsvm
  std::string label_column;  ///< the label column's name; empty for libsvm (label first on a line)
  std::string positive_label = "1";
  std::vector<std::string> exclude;  ///< columns that data.exclude left out
  MissingPolicy missing = MissingPolicy::error;
  /// The one-hot encoded columns with their levels (all the file has; a model file keeps those
  /// its subtrain set had).
  std::vector<CategoricalColumn> categorical;
};

/// Decides whether a label text is the positive class: equal as text, or as numbers ("1" and
/// "1.0" are the same label).
class PositiveLabel {
 public:
  explicit PositiveLabel(std::string text);
  bool matches(std::string_view label) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::optional<double> number_;
};

/// How many line numbers of dropped rows a dataset keeps for messages.
inline constexpr std::size_t kDroppedLinesKept = 5;

struct Dataset {
  std::string name;
  std::string source;  ///< the file it was read from: data.path (for shards, the pattern or first file)
  std::vector<std::string> feature_names;
  /// Features conditioned by each column's range over every row of the dataset: center =
  /// low / 2 + high / 2, scale = high / 2 - low / 2 (1 for a constant column), stored = (x -
  /// center) / scale in [-1, 1], so that the later standardisation with subtrain statistics
  /// subtracts nothing large. The extremes do not depend on the order of the rows, so ranks
  /// that each read part of the file condition to the same bits. Raw values are center +
  /// scale * stored. Dense storage only (rows and cols 0 for sparse).
  FeatureMatrix features;
  /// Sparse storage: the same, with center 0 so that no zero is filled in.
  bool sparse = false;
  SparseFeatureMatrix sparse_features;
  std::size_t qid_lines = 0;  ///< libsvm lines whose qid: token was ignored
  std::vector<double> center;
  std::vector<double> scale;
  std::vector<std::uint8_t> is_positive;
  /// For each matrix row, its position when loaded (0, 1, ...) among the rows of the whole
  /// dataset (of every rank, with load_dataset_share). The split stage reorders the rows in
  /// place and keeps this in step, so a split depends only on the file and the seed.
  std::vector<std::uint32_t> row_id;
  std::size_t total_rows = 0;  ///< rows of the whole dataset: size(), or every rank's together
  std::size_t first_row = 0;   ///< the whole dataset's row id of this rank's first row (0)
  std::size_t total_positives = 0;  ///< positive rows of the whole dataset
  /// For each matrix row, the line of the file it starts on (1-based, as an editor counts: in a
  /// CSV the header is line 1; comment and blank lines count). Kept in step with row_id.
  std::vector<std::size_t> line;
  std::size_t dropped_rows = 0;  ///< rows with missing values, under missing: drop_rows
  std::vector<std::size_t> first_dropped_lines;  ///< lines of the first kDroppedLinesKept of them
  std::vector<std::string> label_values;  ///< distinct label texts, in order of appearance
                                          ///< in the whole dataset (the first 65)
  DataReadSettings settings;              ///< how the file was read
  /// The file's size and SHA-256 when it was read; for shards, those of the first shard, with
  /// every shard file listed in fingerprint.shards.
  FileFingerprint fingerprint;

  std::size_t size() const noexcept { return is_positive.size(); }
  std::size_t feature_count() const noexcept { return feature_names.size(); }
  std::size_t positive_count() const;
};

/// Reads `entry.data`. Every problem throws DataError naming file:line:column, or the data.* key
/// whose column the file lacks (ConfigError for a key that cannot apply at all, and for a
/// data.label the file has no column of, naming where the key was given and the columns there
/// are): unreadable file, no data rows, unknown or duplicate columns, a row
/// with the wrong number of fields, a non-numeric or non-finite feature, missing values (unless
/// missing: drop_rows), a positive_label that never occurs, a single class, no features left,
/// or more data than the memory that is available. Shards (DataConfig::shards) are read as one
/// dataset, shard after shard: each must have the first one's header (DataError naming the
/// shard's file:line otherwise), and each row keeps its own file and line in messages.
Dataset load_dataset(const DatasetEntry& entry);

/// Bytes of memory the system can still give this process (MemAvailable), or 0 if unknown.
std::size_t available_memory_bytes();

/// Bytes that a dataset of `rows` x `cols` needs dense (the matrix, and per row its label, id and
/// line, per column its name and index), and sparse with `nonzeros` (12 bytes per nonzero, 8 per
/// row for the row offsets, the same per row and per column, and a center and scale per column).
double dense_memory_bytes(std::size_t rows, std::size_t cols);
double sparse_memory_bytes(std::size_t rows, std::size_t cols, std::size_t nonzeros);

/// Throws DataError, naming `path`, the shape, what is needed and what is there, when `needed`
/// bytes exceed 80% of `available` (0: unknown, never refused). `shape` describes the data
/// ("2,000 rows x 5 features").
void check_memory_need(const std::string& path, const std::string& shape, double needed,
                       std::size_t available);

}  // namespace aumtrain
