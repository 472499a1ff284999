#include "aumtrain/data/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "aumtrain/data/csv.hpp"
#include "aumtrain/data/libsvm.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"

namespace aumtrain {
namespace {

constexpr std::size_t kMaxLabelValuesShown = 8;

std::string quoted_list(const std::vector<std::string>& names, std::size_t limit = 40) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    out += (i ? ", '" : "'") + names[i] + "'";
  }
  if (names.size() > limit) out += fmt::format(", ... ({} in all)", names.size());
  return out;
}

// Counts line ends, to size the matrix once before parsing.
std::size_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  std::size_t lines = 1;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    lines += static_cast<std::size_t>(std::count(buffer.data(), buffer.data() + in.gcount(), '\n'));
  }
  return lines;
}

// Throws DataError when the dense matrix, the per-row labels, ids and lines, and the per-column names
// and index map would not fit in the available memory.
void check_memory(const std::string& path, std::size_t rows, std::size_t cols) {
  const double needed = static_cast<double>(rows) * static_cast<double>(cols) * sizeof(double) +
                        static_cast<double>(rows) * (sizeof(std::uint8_t) + sizeof(std::uint32_t) +
                                                   sizeof(std::size_t)) +
                        static_cast<double>(cols) * (sizeof(std::string) + sizeof(std::ptrdiff_t));
  const std::size_t available = available_memory_bytes();
  if (available > 0 && needed > 0.8 * static_cast<double>(available)) {
    throw DataError(fmt::format(
        "{}: {} x {} need {:.2f} GiB of memory, but only {:.2f} GiB is available; "
        "use fewer rows or fewer features (data.features, data.exclude), or a larger machine",
        path, count_noun(rows, "row"), count_noun(cols, "feature"), needed / (1 << 30),
        static_cast<double>(available) / (1 << 30)));
  }
}

// Remembers the distinct label texts seen, for messages and the dataset summary.
void note_label(Dataset& dataset, std::string_view label) {
  if (dataset.label_values.size() > 64) return;
  if (std::find(dataset.label_values.begin(), dataset.label_values.end(), label) ==
      dataset.label_values.end()) {
    dataset.label_values.emplace_back(label);
  }
}

// Population mean and standard deviation of one column. Deviations from the mean are scaled by
// the largest of them before squaring, so values near the limits of a double do not overflow;
// if the mean itself overflows, the whole computation runs on values scaled by the largest one.
std::pair<double, double> column_statistics(const FeatureMatrix& m, std::size_t j) {
  if (m.rows == 0) return {0.0, 0.0};
  const auto n = static_cast<double>(m.rows);
  auto statistics = [&](double unit) -> std::pair<double, double> {
    double sum = 0;
    for (std::size_t i = 0; i < m.rows; ++i) sum += m.row(i)[j] / unit;
    const double mean = sum / n;
    double largest = 0;
    for (std::size_t i = 0; i < m.rows; ++i) largest = std::max(largest, std::abs(m.row(i)[j] / unit - mean));
    if (largest == 0 || !std::isfinite(largest)) return {mean * unit, largest * unit};
    double squares = 0;
    for (std::size_t i = 0; i < m.rows; ++i) {
      const double d = (m.row(i)[j] / unit - mean) / largest;
      squares += d * d;
    }
    return {mean * unit, std::sqrt(squares / n) * largest * unit};
  };
  const auto direct = statistics(1.0);
  if (std::isfinite(direct.first) && std::isfinite(direct.second)) return direct;
  double largest = 0;
  for (std::size_t i = 0; i < m.rows; ++i) largest = std::max(largest, std::abs(m.row(i)[j]));
  return statistics(largest);
}

void condition_and_check_classes(Dataset& dataset, const DatasetEntry& entry,
                                 const std::string& label_column) {
  const std::string& path = entry.data.path;
  if (dataset.size() == 0) {
    if (dataset.dropped_rows > 0) {
      throw DataError(fmt::format("{}: all {} data rows have missing values and were dropped; "
                                  "fill the missing values or leave those columns out",
                                  path, dataset.dropped_rows));
    }
    throw DataError(fmt::format("{}: the file has a header but no data rows", path));
  }
  const std::size_t positives = dataset.positive_count();
  std::vector<std::string> shown(dataset.label_values.begin(),
                                 dataset.label_values.begin() +
                                     std::min(dataset.label_values.size(), kMaxLabelValuesShown));
  if (positives == 0) {
    throw DataError(fmt::format(
        "data.positive_label: '{}' never occurs in {} of {}; the labels there are {}; set "
        "data.positive_label to one of them",
        entry.data.positive_label, label_column, path, quoted_list(shown)));
  }
  if (positives == dataset.size()) {
    throw DataError(fmt::format(
        "{}: all {} are positive (label {} = '{}'), so there is only one class; "
        "binary classification needs both: check data.label and data.positive_label",
        path, count_noun(dataset.size(), "row"), label_column, entry.data.positive_label));
  }
  FeatureMatrix& m = dataset.features;
  dataset.center.assign(m.cols, 0.0);
  dataset.scale.assign(m.cols, 1.0);
  std::size_t constant = 0;
  for (std::size_t j = 0; j < m.cols; ++j) {
    const auto [mean, sd] = column_statistics(m, j);
    dataset.center[j] = mean;
    dataset.scale[j] = sd > 0 && std::isfinite(sd) ? sd : 1.0;
    constant += !(sd > 0);
  }
  if (constant == m.cols) {
    throw DataError(fmt::format(
        "{}: every feature column is constant, so no model can rank the examples; check "
        "data.features and data.exclude",
        path));
  }
  for (std::size_t i = 0; i < m.rows; ++i) {
    double* row = m.row(i);
    for (std::size_t j = 0; j < m.cols; ++j) row[j] = (row[j] - dataset.center[j]) / dataset.scale[j];
  }
  dataset.row_id.resize(dataset.size());
  for (std::size_t i = 0; i < dataset.size(); ++i) dataset.row_id[i] = static_cast<std::uint32_t>(i);
}

// Applies data.features and data.exclude to the available column names; returns the indices
// of the chosen columns.
std::vector<std::size_t> choose_features(const DataConfig& config,
                                         const std::vector<std::string>& names,
                                         std::optional<std::size_t> label_index) {
  auto index_of = [&](const std::string& name) -> std::optional<std::size_t> {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return std::nullopt;
    return static_cast<std::size_t>(it - names.begin());
  };
  std::vector<std::size_t> chosen;
  if (config.features.empty()) {
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (j != label_index) chosen.push_back(j);
    }
  } else {
    for (const auto& name : config.features) {
      const auto j = index_of(name);
      if (!j) {
        throw DataError(fmt::format("data.features: no column '{}' in {}; its columns are {}",
                                      name, config.path, quoted_list(names)));
      }
      if (j == label_index) {
        throw ConfigError(fmt::format("data.features: '{}' is the label column; leave it out",
                                      name));
      }
      if (std::find(chosen.begin(), chosen.end(), *j) != chosen.end()) {
        throw ConfigError(fmt::format("data.features: '{}' is listed twice", name));
      }
      chosen.push_back(*j);
    }
  }
  for (const auto& name : config.exclude) {
    const auto j = index_of(name);
    if (!j) {
      throw DataError(fmt::format("data.exclude: no column '{}' in {}; its columns are {}", name,
                                    config.path, quoted_list(names)));
    }
    std::erase(chosen, *j);
  }
  if (chosen.empty()) {
    throw DataError(fmt::format(
        "no feature columns are left in {} after data.features and data.exclude; keep at least one",
        config.path));
  }
  return chosen;
}

// An empty dataset for `entry` whose features are the chosen `columns` of `names`.
Dataset dataset_with_features(const DatasetEntry& entry, const std::vector<std::string>& names,
                              const std::vector<std::size_t>& columns) {
  Dataset dataset;
  dataset.name = entry.name;
  dataset.source = entry.data.path;
  for (std::size_t j : columns) dataset.feature_names.push_back(names[j]);
  dataset.features.cols = columns.size();
  const DataConfig& config = entry.data;
  dataset.settings = {config.format, config.delimiter, "", config.positive_label, config.exclude,
                      config.missing};
  return dataset;
}

// Counts a row dropped for missing values, keeping the first few lines for messages.
void note_dropped_row(Dataset& dataset, std::size_t line) {
  ++dataset.dropped_rows;
  if (dataset.first_dropped_lines.size() < kDroppedLinesKept) dataset.first_dropped_lines.push_back(line);
}

// The column named by data.label, or the last column when it is not set.
std::size_t label_column_index(const DataConfig& config, const std::vector<std::string>& names,
                               char delimiter) {
  if (!config.label.empty()) {
    const auto it = std::find(names.begin(), names.end(), config.label);
    if (it == names.end()) {  // a mistake in the config, not in the data
      throw ConfigError(fmt::format(
          "{}: no column '{}' in {} (delimiter {}); its columns are {}: set data.label to one "
          "of them",
          config.label_origin.empty() ? "data.label" : config.label_origin, config.label,
          config.path, delimiter_name(delimiter), quoted_list(names)));
    }
    return static_cast<std::size_t>(it - names.begin());
  }
  if (names.size() < 2) {
    throw DataError(fmt::format(
        "{}:1: the header has one column ('{}') with delimiter {}; a dataset needs feature "
        "columns and a label column (check data.delimiter)",
        config.path, names.front(), delimiter_name(delimiter)));
  }
  return names.size() - 1;
}

// Parses the chosen feature cells of one record into `row`. Returns false when a cell is
// missing and data.missing is drop_rows (the row is to be dropped); throws on any other bad cell.
bool read_feature_cells(const CsvReader& reader, const std::vector<CsvField>& fields,
                        const std::vector<std::size_t>& columns,
                        const std::vector<std::string>& names, bool drop_missing,
                        std::vector<double>& row) {
  bool complete = true;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const CsvField& field = fields[columns[k]];
    switch (parse_number(field.text, row[k])) {
      case NumberParse::ok:
        if (std::isfinite(row[k])) continue;
        [[fallthrough]];
      case NumberParse::out_of_range:
        throw DataError(fmt::format(
            "{}: column '{}': '{}' is not a finite number; features must be finite",
            reader.location(field).to_string(), names[columns[k]], field.text));
      case NumberParse::missing:
        if (!drop_missing) {
          throw DataError(fmt::format(
              "{}: column '{}' has a missing value ('{}'); fill it, or set data.missing: "
              "drop_rows to drop such rows",
              reader.location(field).to_string(), names[columns[k]], field.text));
        }
        complete = false;
        continue;
      case NumberParse::not_a_number:
        throw DataError(fmt::format(
            "{}: column '{}': '{}' is not a number; fix the cell, or leave the column out with "
            "data.exclude",
            reader.location(field).to_string(), names[columns[k]], field.text));
    }
  }
  return complete;
}

Dataset load_csv(const DatasetEntry& entry) {
  const DataConfig& config = entry.data;
  CsvReader reader(config.path, config.delimiter);
  const std::vector<std::string> names = read_header_names(reader);
  const std::size_t label_index = label_column_index(config, names, reader.delimiter());
  const std::vector<std::size_t> columns = choose_features(config, names, label_index);

  Dataset dataset = dataset_with_features(entry, names, columns);
  dataset.settings.delimiter = reader.delimiter();
  dataset.settings.label_column = names[label_index];
  FeatureMatrix& m = dataset.features;
  const std::size_t max_rows = count_lines(config.path);
  check_memory(config.path, max_rows, m.cols);
  m.values.reserve(max_rows * m.cols);
  dataset.is_positive.reserve(max_rows);
  dataset.line.reserve(max_rows);

  const PositiveLabel positive(config.positive_label);
  const std::string label_column = "column '" + names[label_index] + "'";
  const bool drop_missing = config.missing == MissingPolicy::drop_rows;
  std::vector<CsvField> fields;
  std::vector<double> row(m.cols);
  while (reader.next_record(fields)) {
    if (fields.size() != names.size()) {
      // A long row is located at its first surplus field; a short one at its line.
      const std::string where =
          fields.size() > names.size()
              ? reader.location(fields[names.size()]).to_string()
              : fmt::format("{}:{}", config.path, fields.front().line);
      throw DataError(fmt::format(
          "{}: this row has {} fields but the header has {}; every row needs one field per "
          "column (a field that holds the delimiter {} must be quoted)",
          where, fields.size(), names.size(), delimiter_name(reader.delimiter())));
    }
    bool complete = read_feature_cells(reader, fields, columns, names, drop_missing, row);
    const CsvField& label = fields[label_index];
    if (is_missing_cell(label.text)) {
      if (!drop_missing) {
        throw DataError(fmt::format(
            "{}: {} has a missing label ('{}'); fill it, or set data.missing: drop_rows",
            reader.location(label).to_string(), label_column, label.text));
      }
      complete = false;
    }
    if (!complete) {
      note_dropped_row(dataset, fields.front().line);
      continue;
    }
    note_label(dataset, label.text);
    dataset.is_positive.push_back(positive.matches(label.text));
    dataset.line.push_back(fields.front().line);
    m.values.insert(m.values.end(), row.begin(), row.end());
    ++m.rows;
  }
  condition_and_check_classes(dataset, entry, label_column);
  return dataset;
}

[[noreturn]] void throw_unlabelled_libsvm_line(const std::string& path, const LibsvmLine& line) {
  throw DataError(fmt::format(
      "{}: the line starts with the feature '{}' and has no label; a libsvm line starts with its "
      "label (e.g. +1 or 0), then index:value pairs",
      SourceLocation{path, line.number, line.first_column}.to_string(), line.first_token));
}

Dataset load_libsvm(const DatasetEntry& entry) {
  const DataConfig& config = entry.data;
  if (!config.label.empty()) {
    throw ConfigError("data.label: a libsvm file has its label first on every line; remove data.label");
  }
  // Pass 1 checks the syntax and sizes the matrix; pass 2 fills it.
  std::size_t rows = 0, max_index = 0;
  for_each_libsvm_line(config.path, [&](const LibsvmLine& line) {
    if (line.label.empty()) throw_unlabelled_libsvm_line(config.path, line);
    ++rows;
    if (!line.features.empty()) max_index = std::max(max_index, line.features.back().index);
  });
  if (rows == 0) throw DataError(fmt::format("{}: the file has no data lines", config.path));
  if (max_index == 0) throw DataError(fmt::format("{}: no line has any feature", config.path));
  // A few bytes can name a huge feature index: check before allocating anything per feature.
  check_memory(config.path, rows, max_index);
  std::vector<std::string> names;
  for (std::size_t j = 1; j <= max_index; ++j) names.push_back(fmt::format("f{}", j));
  const std::vector<std::size_t> columns = choose_features(config, names, std::nullopt);
  std::vector<std::ptrdiff_t> position(max_index + 1, -1);  // feature index -> matrix column
  for (std::size_t k = 0; k < columns.size(); ++k) position[columns[k] + 1] = static_cast<std::ptrdiff_t>(k);

  Dataset dataset = dataset_with_features(entry, names, columns);
  FeatureMatrix& m = dataset.features;
  m.values.assign(rows * m.cols, 0.0);
  dataset.is_positive.reserve(rows);
  dataset.line.reserve(rows);
  const PositiveLabel positive(config.positive_label);
  for_each_libsvm_line(config.path, [&](const LibsvmLine& line) {
    dataset.line.push_back(line.number);
    double* row = m.row(m.rows++);
    for (const auto& [index, value] : line.features) {
      if (position[index] >= 0) row[position[index]] = value;
    }
    note_label(dataset, line.label);
    dataset.is_positive.push_back(positive.matches(line.label));
  });
  condition_and_check_classes(dataset, entry, "the label (first token)");
  return dataset;
}

}  // namespace

PositiveLabel::PositiveLabel(std::string text) : text_(std::move(text)) {
  double value = 0;
  if (parse_number(text_, value) == NumberParse::ok) number_ = value;
}

bool PositiveLabel::matches(std::string_view label) const {
  if (label == text_) return true;
  double value = 0;
  return number_ && parse_number(label, value) == NumberParse::ok && value == *number_;
}

std::size_t Dataset::positive_count() const {
  return static_cast<std::size_t>(std::count(is_positive.begin(), is_positive.end(), 1));
}

std::size_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::size_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  return 0;
}

Dataset load_dataset(const DatasetEntry& entry) {
  Dataset dataset = entry.data.format == DataFormat::csv ? load_csv(entry) : load_libsvm(entry);
  dataset.fingerprint = fingerprint_file(entry.data.path);
  return dataset;
}

}  // namespace aumtrain
