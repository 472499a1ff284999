// Fuzzes the data loaders: load_dataset (CSV and libsvm) and read_scores_file (the input of
// `aumtrain aum`), on arbitrary file contents.
//
// Input: the first byte chooses the data.* settings, the rest is the file.
//   bit 0     format: csv, libsvm
//   bits 1-2  delimiter: auto, ',', ';', tab
//   bit 3     missing: error, drop_rows
//   bits 4-5  label: the last column, "label", "y", "pred"
//   bits 6-7  positive_label: "1", "M", "-1", "1.0"
// A loader may reject the file with an aumtrain::Error; anything else (a crash, a sanitizer
// report, another exception, a hang) is a finding. A dataset it accepts must be consistent.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/scores_file.hpp"
#include "fuzz_support.hpp"

namespace {

using aumtrain::fuzzing::require;

aumtrain::DatasetEntry entry_for(std::uint8_t settings, const std::string& path) {
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

void check_dataset(const aumtrain::Dataset& dataset) {
  const auto& m = dataset.features;
  require(dataset.size() > 0 && m.rows == dataset.size(), "one matrix row per label");
  require(m.cols > 0 && m.cols == dataset.feature_names.size(), "one column per feature name");
  require(m.values.size() == m.rows * m.cols, "the matrix holds rows x cols values");
  require(dataset.center.size() == m.cols && dataset.scale.size() == m.cols,
          "a center and a scale per column");
  require(dataset.row_id.size() == m.rows, "a row id per row");
  require(dataset.line.size() == m.rows, "a line number per row");
  for (std::size_t i = 0; i < dataset.line.size(); ++i) {
    require(dataset.line[i] >= 1 && (i == 0 || dataset.line[i] > dataset.line[i - 1]),
            "rows keep their lines in file order");
  }
  const std::size_t positives = dataset.positive_count();
  require(positives > 0 && positives < dataset.size(), "both classes are present");
  for (std::size_t j = 0; j < m.cols; ++j) {
    require(std::isfinite(dataset.center[j]), "finite column centers");
    require(std::isfinite(dataset.scale[j]) && dataset.scale[j] > 0, "finite positive scales");
  }
  for (double value : m.values) require(std::isfinite(value), "finite conditioned features");
}

void check_scores_file(const aumtrain::ScoresFile& file) {
  const std::size_t n = file.scores.size();
  require(file.labels.size() == n && file.targets.size() == n, "a label per score");
  require(file.targets.error_diffs.size() == n, "an error diff per score");
  for (double score : file.scores) require(std::isfinite(score), "finite scores");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static aumtrain::fuzzing::ScratchFile file("data");
  const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string& path = file.write(content);
  const aumtrain::DatasetEntry entry = entry_for(data[0], path);
  if (entry.data.format == aumtrain::DataFormat::libsvm && libsvm_bytes_bound(content) > kMaxDenseBytes) {
    return 0;
  }
  aumtrain::fuzzing::expect_only_aumtrain_errors([&] { check_dataset(aumtrain::load_dataset(entry)); });
  if (entry.data.format == aumtrain::DataFormat::csv) {
    aumtrain::fuzzing::expect_only_aumtrain_errors(
        [&] { check_scores_file(aumtrain::read_scores_file(path)); });
  }
  return 0;
}
