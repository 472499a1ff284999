// Fuzzes the data loaders: load_dataset (CSV and libsvm) and read_scores_file (the input of
// `aumtrain aum`), on arbitrary file contents.
//
// Input: the first two bytes choose the data.* settings, the rest is the file.
//   byte 0, bit 0     format: csv, libsvm
//           bits 1-2  delimiter: auto, ',', ';', tab
//           bit 3     missing: error, drop_rows
//           bits 4-5  label: the last column, "label", "y", "pred"
//           bits 6-7  positive_label: "1", "M", "-1", "1.0"
//   byte 1, bits 0-1  storage: auto, dense, sparse, auto
//           bits 2-3  categorical (CSV): none, auto, [color], [color, size]
//           bit 4     missing: category (instead of byte 0's choice)
// A loader may reject the file with an aumtrain::Error; anything else (a crash, a sanitizer
// report, another exception, a hang) is a finding. A dataset it accepts must be consistent, and
// so must a split of it (when it has enough rows of each class).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/scores_file.hpp"
#include "aumtrain/data/split.hpp"
#include "fuzz_support.hpp"

namespace {

using aumtrain::fuzzing::require;

aumtrain::DatasetEntry entry_for(std::uint8_t settings, std::uint8_t more, const std::string& path) {
  constexpr char kDelimiters[] = {0, ',', ';', '\t'};
  constexpr const char* kLabels[] = {"", "label", "y", "pred"};
  constexpr const char* kPositiveLabels[] = {"1", "M", "-1", "1.0"};
  aumtrain::DatasetEntry entry;
  entry.name = "fuzz";
  entry.data.path = path;
  entry.data.format = settings & 1 ? aumtrain::DataFormat::libsvm : aumtrain::DataFormat::csv;
  entry.data.delimiter = kDelimiters[(settings >> 1) & 3];
  entry.data.missing = settings & 8 ? aumtrain::MissingPolicy::drop_rows : aumtrain::MissingPolicy::error;
  // A libsvm file has its label first on every line: data.label is an error there, and an
  // input that only reaches that error tells the fuzzer nothing.
  if (entry.data.format == aumtrain::DataFormat::csv) entry.data.label = kLabels[(settings >> 4) & 3];
  entry.data.positive_label = kPositiveLabels[(settings >> 6) & 3];
  constexpr aumtrain::FeatureStorage kStorages[] = {
      aumtrain::FeatureStorage::automatic, aumtrain::FeatureStorage::dense,
      aumtrain::FeatureStorage::sparse, aumtrain::FeatureStorage::automatic};
  entry.data.storage = kStorages[more & 3];
  if (entry.data.format == aumtrain::DataFormat::csv) {
    const int categorical = (more >> 2) & 3;
    entry.data.categorical_auto = categorical == 1;
    if (categorical == 2) entry.data.categorical = {"color"};
    if (categorical == 3) entry.data.categorical = {"color", "size"};
  }
  if (more & 16) entry.data.missing = aumtrain::MissingPolicy::category;
  return entry;
}

// The loader sizes its memory check by what the machine has, and a libsvm line of a few bytes
// can ask for a dense matrix of gigabytes that the machine can hold but the fuzzer (2 GiB)
// cannot. Such inputs are skipped; tests/data/dataset_test.cpp covers the memory check.
constexpr double kMaxDenseBytes = 256.0 * (1 << 20);

// An upper bound on the memory a libsvm file asks for: lines x the largest number before a ':'.
double libsvm_bytes_bound(std::string_view file) {
  double lines = 1, largest_index = 0, number = 0;
  bool in_number = false;
  for (char c : file) {
    if (c >= '0' && c <= '9') {
      number = (in_number ? 10 * number : 0) + (c - '0');
      in_number = true;
      continue;
    }
    if (c == ':' && in_number) largest_index = std::max(largest_index, number);
    if (c == '\n') ++lines;
    in_number = false;
  }
  return largest_index * (lines * sizeof(double) + sizeof(std::string) + sizeof(std::ptrdiff_t));
}

void check_sparse(const aumtrain::Dataset& dataset) {
  const auto& m = dataset.sparse_features;
  require(m.rows == dataset.size(), "one CSR row per label");
  require(m.cols == dataset.feature_count(), "one CSR column per feature name");
  require(m.row_start.size() == m.rows + 1 && m.row_start.front() == 0 &&
              static_cast<std::size_t>(m.row_start.back()) == m.nonzeros(),
          "row offsets cover the nonzeros");
  require(m.column.size() == m.nonzeros(), "a column per nonzero");
  for (std::size_t i = 0; i < m.rows; ++i) require(m.row_start[i] <= m.row_start[i + 1], "row offsets increase");
  for (std::size_t k = 0; k < m.nonzeros(); ++k) {
    require(m.column[k] >= 0 && static_cast<std::size_t>(m.column[k]) < m.cols, "columns in range");
    require(std::isfinite(m.value[k]) && m.value[k] != 0, "finite nonzero values");
  }
  require(std::all_of(dataset.center.begin(), dataset.center.end(), [](double c) { return c == 0; }),
          "sparse columns are never centred");
  require(dataset.features.values.empty(), "no dense matrix beside the sparse one");
}

// Each categorical column's levels are consecutive features named column=level.
void check_categorical(const aumtrain::Dataset& dataset) {
  for (const auto& column : dataset.settings.categorical) {
    require(!column.levels.empty(), "a categorical column has a level");
    require(column.first_feature + column.levels.size() <= dataset.feature_count(), "levels in range");
    for (std::size_t l = 0; l < column.levels.size(); ++l) {
      require(dataset.feature_names[column.first_feature + l] == column.column + "=" + column.levels[l],
              "level features are named column=level");
    }
  }
}

void check_dataset(const aumtrain::Dataset& dataset) {
  require(dataset.size() > 0 && dataset.feature_count() > 0, "rows and features");
  require(dataset.center.size() == dataset.feature_count() &&
              dataset.scale.size() == dataset.feature_count(),
          "a center and a scale per column");
  require(dataset.row_id.size() == dataset.size(), "a row id per row");
  require(dataset.line.size() == dataset.size(), "a line number per row");
  for (std::size_t i = 0; i < dataset.line.size(); ++i) {
    require(dataset.line[i] >= 1 && (i == 0 || dataset.line[i] > dataset.line[i - 1]),
            "rows keep their lines in file order");
  }
  const std::size_t positives = dataset.positive_count();
  require(positives > 0 && positives < dataset.size(), "both classes are present");
  for (std::size_t j = 0; j < dataset.feature_count(); ++j) {
    require(std::isfinite(dataset.center[j]), "finite column centers");
    require(std::isfinite(dataset.scale[j]) && dataset.scale[j] > 0, "finite positive scales");
  }
  check_categorical(dataset);
  if (dataset.sparse) {
    check_sparse(dataset);
    return;
  }
  const auto& m = dataset.features;
  require(m.rows == dataset.size(), "one matrix row per label");
  require(m.cols == dataset.feature_count(), "one column per feature name");
  require(m.values.size() == m.rows * m.cols, "the matrix holds rows x cols values");
  for (double value : m.values) require(std::isfinite(value), "finite conditioned features");
}

// A split of an accepted dataset: a finite feature map with one entry per feature.
void check_split(aumtrain::Dataset& dataset) {
  const aumtrain::PreparedSplit split = aumtrain::prepare_split(dataset, aumtrain::SplitConfig{}, 1, std::nullopt);
  const auto& map = split.feature_map;
  require(map.size() == dataset.feature_count(), "a feature map entry per feature");
  for (std::size_t j = 0; j < map.size(); ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    require(std::isfinite(map.multiplier[jj]) && std::isfinite(map.offset[jj]) &&
                std::isfinite(map.mean[jj]) && std::isfinite(map.sd[jj]) && map.sd[jj] >= 0,
            "a finite feature map");
  }
}

void check_scores_file(const aumtrain::ScoresFile& file) {
  const std::size_t n = file.scores.size();
  require(file.labels.size() == n && file.targets.size() == n, "a label per score");
  require(file.targets.error_diffs.size() == n, "an error diff per score");
  for (double score : file.scores) require(std::isfinite(score), "finite scores");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static aumtrain::fuzzing::ScratchFile file("data");
  const std::string_view content(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string& path = file.write(content);
  const aumtrain::DatasetEntry entry = entry_for(data[0], data[1], path);
  // Sparse storage needs memory in proportion to the file; dense libsvm may not.
  if (entry.data.format == aumtrain::DataFormat::libsvm &&
      entry.data.storage == aumtrain::FeatureStorage::dense &&
      libsvm_bytes_bound(content) > kMaxDenseBytes) {
    return 0;
  }
  aumtrain::fuzzing::expect_only_aumtrain_errors([&] {
    aumtrain::Dataset dataset = aumtrain::load_dataset(entry);
    check_dataset(dataset);
    check_split(dataset);
  });
  if (entry.data.format == aumtrain::DataFormat::csv) {
    aumtrain::fuzzing::expect_only_aumtrain_errors(
        [&] { check_scores_file(aumtrain::read_scores_file(path)); });
  }
  return 0;
}
