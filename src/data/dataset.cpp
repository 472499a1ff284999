#include "aumtrain/data/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <unordered_map>

#include "aumtrain/data/csv.hpp"
#include "aumtrain/data/libsvm.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/core/threshold_sort.hpp"
#include "dataset_loading.hpp"

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
  check_memory_need(path, fmt::format("{} x {}", count_noun(rows, "row"), count_noun(cols, "feature")),
                    dense_memory_bytes(rows, cols), available_memory_bytes());
}

// Remembers the distinct label texts seen, for messages and the dataset summary.
void note_label(Dataset& dataset, std::string_view label) {
  loading::note_label(dataset.label_values, label);
}

void check_classes(const Dataset& dataset, const DatasetEntry& entry,
                   const std::string& label_column) {
  loading::check_class_counts(entry, label_column, dataset.size(), dataset.dropped_rows,
                              dataset.positive_count(), dataset.label_values);
}

[[noreturn]] void throw_all_constant(const std::string& path) {
  throw DataError(fmt::format(
      "{}: every feature column is constant, so no model can rank the examples; check "
      "data.features and data.exclude",
      path));
}

void number_rows(Dataset& dataset) {
  dataset.row_id.resize(dataset.size());
  for (std::size_t i = 0; i < dataset.size(); ++i) dataset.row_id[i] = static_cast<std::uint32_t>(i);
  dataset.total_rows = dataset.size();
  dataset.total_positives = dataset.positive_count();
  dataset.first_row = 0;
}

void condition_and_check_classes(Dataset& dataset, const DatasetEntry& entry,
                                 const std::string& label_column) {
  check_classes(dataset, entry, label_column);
  FeatureMatrix& m = dataset.features;
  std::vector<std::uint64_t> low, high;
  loading::column_range_keys(m, low, high);
  loading::condition_by_range(dataset, low, high, entry.data.path);
  number_rows(dataset);
}

// Sparse conditioning: center 0, so that no zero is filled in, and scale the population sd of
// the column (implicit zeros included), computed on values divided by the column's largest
// magnitude so that nothing overflows.
void condition_sparse_and_check_classes(Dataset& dataset, const DatasetEntry& entry,
                                        const std::string& label_column) {
  check_classes(dataset, entry, label_column);
  SparseFeatureMatrix& m = dataset.sparse_features;
  const auto n = static_cast<double>(m.rows);
  std::vector<double> largest(m.cols, 0.0), sum(m.cols, 0.0), squares(m.cols, 0.0);
  std::vector<std::size_t> count(m.cols, 0);
  for (std::size_t k = 0; k < m.nonzeros(); ++k) {
    const auto j = static_cast<std::size_t>(m.column[k]);
    largest[j] = std::max(largest[j], std::abs(m.value[k]));
    ++count[j];
  }
  for (std::size_t k = 0; k < m.nonzeros(); ++k) {
    const auto j = static_cast<std::size_t>(m.column[k]);
    sum[j] += m.value[k] / largest[j];
  }
  for (std::size_t k = 0; k < m.nonzeros(); ++k) {
    const auto j = static_cast<std::size_t>(m.column[k]);
    const double deviation = m.value[k] / largest[j] - sum[j] / n;
    squares[j] += deviation * deviation;
  }
  dataset.center.assign(m.cols, 0.0);
  dataset.scale.assign(m.cols, 1.0);
  std::size_t constant = 0;
  for (std::size_t j = 0; j < m.cols; ++j) {
    if (largest[j] == 0) {
      ++constant;
      continue;
    }
    const double mean = sum[j] / n;
    const double zeros = n - static_cast<double>(count[j]);
    const double sd = std::sqrt((squares[j] + zeros * mean * mean) / n) * largest[j];
    if (sd > 0 && std::isfinite(sd)) {
      dataset.scale[j] = sd;
    } else {
      ++constant;
    }
  }
  if (constant == m.cols) throw_all_constant(entry.data.path);
  // A value far below its column's spread (1e-300 beside 1e300) can underflow to 0 once
  // scaled: it is then a zero like any other, and leaves the nonzeros.
  std::size_t kept = 0, k = 0;
  for (std::size_t i = 0; i < m.rows; ++i) {
    const auto end = static_cast<std::size_t>(m.row_start[i + 1]);
    m.row_start[i] = static_cast<std::int64_t>(kept);
    for (; k < end; ++k) {
      const double z = m.value[k] / dataset.scale[static_cast<std::size_t>(m.column[k])];
      if (z == 0) continue;
      m.value[kept] = z;
      m.column[kept] = m.column[k];
      ++kept;
    }
  }
  m.row_start[m.rows] = static_cast<std::int64_t>(kept);
  m.value.resize(kept);
  m.column.resize(kept);
  number_rows(dataset);
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
                      config.missing, {}};
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

// Parses one feature cell into `value`. Returns false when it is missing and data.missing is
// drop_rows (the row is to be dropped); throws on any other bad cell.
bool read_number_cell(const CsvReader& reader, const CsvField& field, const std::string& name,
                      bool drop_missing, double& value) {
  switch (parse_number(field.text, value)) {
    case NumberParse::ok:
      if (std::isfinite(value)) return true;
      [[fallthrough]];
    case NumberParse::out_of_range:
      throw DataError(fmt::format(
          "{}: column '{}': '{}' is not a finite number; features must be finite",
          reader.location(field).to_string(), name, field.text));
    case NumberParse::missing:
      if (!drop_missing) {
        throw DataError(fmt::format(
            "{}: column '{}' has a missing value ('{}'); fill it, or set data.missing: "
            "drop_rows to drop such rows",
            reader.location(field).to_string(), name, field.text));
      }
      return false;
    case NumberParse::not_a_number:
      throw DataError(fmt::format(
          "{}: column '{}': '{}' is not a number; fix the cell, leave the column out with "
          "data.exclude, or one-hot encode it with data.categorical",
          reader.location(field).to_string(), name, field.text));
  }
  return true;
}

// Parses the chosen feature cells of one record into `row`. Returns false when a cell is
// missing and data.missing is drop_rows (the row is to be dropped); throws on any other bad cell.
bool read_feature_cells(const CsvReader& reader, const std::vector<CsvField>& fields,
                        const std::vector<std::size_t>& columns,
                        const std::vector<std::string>& names, bool drop_missing,
                        std::vector<double>& row) {
  bool complete = true;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    complete = read_number_cell(reader, fields[columns[k]], names[columns[k]], drop_missing, row[k]) &&
               complete;
  }
  return complete;
}

void check_field_count(const CsvReader& reader, const std::vector<CsvField>& fields,
                       std::size_t expected) {
  if (fields.size() != expected) {
    // A long row is located at its first surplus field; a short one at its line.
    const std::string where = fields.size() > expected
                                  ? reader.location(fields[expected]).to_string()
                                  : fmt::format("{}:{}", reader.path(), fields.front().line);
    throw DataError(fmt::format(
        "{}: this row has {} fields but the header has {}; every row needs one field per "
        "column (a field that holds the delimiter {} must be quoted)",
        where, fields.size(), expected, delimiter_name(reader.delimiter())));
  }
}

// The label of a CSV record whose feature cells were `complete`: a row that stays gets its label,
// class and line (true); a row with a missing value under drop_rows is counted and dropped
// (false); a missing label otherwise is an error.
bool keep_labelled_row(Dataset& dataset, const CsvReader& reader,
                       const std::vector<CsvField>& fields, std::size_t label_index,
                       const std::string& label_column, bool drop_missing, bool complete,
                       const PositiveLabel& positive) {
  const CsvField& label = fields[label_index];
  const std::size_t line = fields.front().line;  // where the record starts
  if (is_missing_cell(label.text)) {
    if (!drop_missing) {
      throw DataError(fmt::format(
          "{}: {} has a missing label ('{}'); fill it, or set data.missing: drop_rows",
          reader.location(label).to_string(), label_column, label.text));
    }
    complete = false;
  }
  if (!complete) {
    note_dropped_row(dataset, line);
    return false;
  }
  note_label(dataset, label.text);
  dataset.is_positive.push_back(positive.matches(label.text));
  dataset.line.push_back(line);
  return true;
}

using loading::CsvLayout;

CsvLayout read_csv_layout(const DataConfig& config, CsvReader& reader) {
  return loading::csv_layout(config, read_header_names(reader), reader.delimiter());
}

// An empty dataset for a CSV whose header `reader` has read.
Dataset csv_dataset(const DatasetEntry& entry, const CsvReader& reader, const CsvLayout& layout) {
  return loading::csv_dataset(entry, reader.delimiter(), layout);
}

// Newlines in the files, plus one each: at least their number of records.
std::size_t count_lines(const std::vector<std::string>& files) {
  std::size_t lines = 0;
  for (const std::string& file : files) lines += count_lines(file);
  return lines;
}

// Calls read(reader) on a reader past the header of each shard in turn, the first shard's
// reader being `first` (whose header was read already); every further shard's header must be
// the first's.
template <class Read>
void for_each_shard(const DataConfig& config, CsvReader& first,
                    const std::vector<std::string>& names, Read&& read) {
  const std::vector<std::string> files = loading::data_files(config);
  read(first);
  for (std::size_t s = 1; s < files.size(); ++s) {
    CsvReader reader(files[s], first.delimiter());
    loading::check_shard_header(reader, names);
    read(reader);
  }
}

Dataset load_csv(const DatasetEntry& entry) {
  const DataConfig& config = entry.data;
  const std::vector<std::string> files = loading::data_files(config);
  CsvReader first(files.front(), config.delimiter);
  const CsvLayout layout = read_csv_layout(config, first);
  Dataset dataset = csv_dataset(entry, first, layout);
  FeatureMatrix& m = dataset.features;
  const std::size_t max_rows = count_lines(files);
  check_memory(config.path, max_rows, m.cols);
  m.values.reserve(max_rows * m.cols);
  dataset.is_positive.reserve(max_rows);
  dataset.line.reserve(max_rows);
  for_each_shard(config, first, layout.names, [&](CsvReader& reader) {
    loading::read_dense_records(reader, config, layout, dataset);
  });
  condition_and_check_classes(dataset, entry, "column '" + layout.names[layout.label_index] + "'");
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

// ---- sparse storage ----

// Pass 1 of a sparse libsvm read: the number of rows and nonzeros and the distinct indices of the
// nonzero features, sorted.
struct LibsvmShape {
  std::size_t rows = 0;
  std::size_t nonzeros = 0;
  std::size_t qid_lines = 0;
  std::vector<std::size_t> indices;
};

void sort_unique(std::vector<std::size_t>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// Indices up to this are noted in a bitmap while scanning (16 MiB at most); larger ones in a
// list that is sorted and made unique whenever it has doubled.
constexpr std::size_t kIndexBitmapLimit = std::size_t{1} << 27;

LibsvmShape scan_libsvm(const std::string& path) {
  LibsvmShape shape;
  std::vector<std::uint64_t> seen;  // bit i: index i has a nonzero
  std::vector<std::size_t> large;   // indices beyond the bitmap's reach
  std::size_t distinct = 0;  // size after the last sort_unique: the list grows to twice that at most
  for_each_libsvm_line(path, [&](const LibsvmLine& line) {
    if (line.label.empty()) throw_unlabelled_libsvm_line(path, line);
    ++shape.rows;
    shape.qid_lines += line.has_qid;
    for (const auto& [index, value] : line.features) {
      if (value == 0) continue;
      ++shape.nonzeros;
      if (index < kIndexBitmapLimit) {
        if (index / 64 >= seen.size()) seen.resize(std::max(index / 64 + 1, 2 * seen.size()), 0);
        seen[index / 64] |= std::uint64_t{1} << (index % 64);
      } else {
        large.push_back(index);
      }
    }
    if (large.size() > 2 * distinct + 4096) {
      sort_unique(large);
      distinct = large.size();
    }
  });
  sort_unique(large);
  for (std::size_t word = 0; word < seen.size(); ++word) {
    for (std::uint64_t bits = seen[word]; bits != 0; bits &= bits - 1) {
      shape.indices.push_back(word * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
    }
  }
  shape.indices.insert(shape.indices.end(), large.begin(), large.end());
  return shape;
}

void check_sparse_memory(const std::string& path, std::size_t rows, std::size_t cols,
                         std::size_t nonzeros) {
  check_memory_need(path,
                    fmt::format("{} x {} with {}", count_noun(rows, "row"),
                                count_noun(cols, "feature"), count_noun(nonzeros, "nonzero")),
                    sparse_memory_bytes(rows, cols, nonzeros), available_memory_bytes());
}

// The CSR arrays sized for `rows` and `nonzeros`, after the memory check.
void reserve_sparse(const std::string& path, SparseFeatureMatrix& m, std::size_t rows,
                    std::size_t cols, std::size_t nonzeros) {
  check_sparse_memory(path, rows, cols, nonzeros);
  if (nonzeros > static_cast<std::size_t>(INT64_MAX) || cols > static_cast<std::size_t>(INT32_MAX)) {
    throw DataError(fmt::format("{}: {} features are more than sparse storage holds (2^31 - 1)",
                                path, cols));
  }
  m.cols = cols;
  m.row_start.reserve(rows + 1);
  m.column.reserve(nonzeros);
  m.value.reserve(nonzeros);
}

// libsvm into CSR: one feature per index that has a nonzero value somewhere in the file, named
// f<index>, in index order.
Dataset load_libsvm_sparse(const DatasetEntry& entry) {
  const DataConfig& config = entry.data;
  const LibsvmShape shape = scan_libsvm(config.path);
  if (shape.rows == 0) throw DataError(fmt::format("{}: the file has no data lines", config.path));
  if (shape.indices.empty()) {
    throw DataError(fmt::format("{}: no line has a nonzero feature", config.path));
  }
  // Check before anything per feature is made: a few bytes can name many features.
  check_sparse_memory(config.path, shape.rows, shape.indices.size(), shape.nonzeros);
  std::vector<std::string> names;
  names.reserve(shape.indices.size());
  for (std::size_t index : shape.indices) names.push_back(fmt::format("f{}", index));
  const std::vector<std::size_t> columns = choose_features(config, names, std::nullopt);
  std::vector<std::int32_t> position(names.size(), -1);  // place among the indices -> column
  for (std::size_t k = 0; k < columns.size(); ++k) position[columns[k]] = static_cast<std::int32_t>(k);

  Dataset dataset = dataset_with_features(entry, names, columns);
  dataset.features.cols = 0;
  dataset.sparse = true;
  dataset.qid_lines = shape.qid_lines;
  SparseFeatureMatrix& m = dataset.sparse_features;
  reserve_sparse(config.path, m, shape.rows, columns.size(), shape.nonzeros);
  dataset.is_positive.reserve(shape.rows);
  dataset.line.reserve(shape.rows);
  const PositiveLabel positive(config.positive_label);
  // Index -> column by direct lookup (4 bytes per index up to the largest) when that costs at
  // most 4 MiB or 1 byte per nonzero, else by binary search.
  std::vector<std::int32_t> column_of_index;
  if (shape.indices.back() <= std::max<std::size_t>(shape.nonzeros / 4, 1 << 20)) {
    column_of_index.assign(shape.indices.back() + 1, -1);
    for (std::size_t k = 0; k < shape.indices.size(); ++k) {
      column_of_index[shape.indices[k]] = position[k];
    }
  }
  const auto column_of = [&](std::size_t index) -> std::int32_t {
    if (!column_of_index.empty()) {
      return index < column_of_index.size() ? column_of_index[index] : -1;
    }
    const auto place = std::lower_bound(shape.indices.begin(), shape.indices.end(), index);
    if (place == shape.indices.end() || *place != index) return -1;  // the file changed
    return position[static_cast<std::size_t>(place - shape.indices.begin())];
  };
  for_each_libsvm_line(config.path, [&](const LibsvmLine& line) {
    if (dataset.line.size() == shape.rows) return;  // the file grew since pass 1
    dataset.line.push_back(line.number);
    for (const auto& [index, value] : line.features) {
      if (value == 0) continue;
      const std::int32_t column = column_of(index);
      if (column < 0) continue;
      m.column.push_back(column);
      m.value.push_back(value);
    }
    m.row_start.push_back(static_cast<std::int64_t>(m.value.size()));
    ++m.rows;
    note_label(dataset, line.label);
    dataset.is_positive.push_back(positive.matches(line.label));
  });
  condition_sparse_and_check_classes(dataset, entry, "the label (first token)");
  return dataset;
}

// ---- CSV into sparse storage, with categorical columns ----

// For each chosen column, whether it is one-hot encoded: the columns data.categorical names, or
// with `auto` those with a cell that is neither a number nor missing (one extra pass).
std::vector<std::uint8_t> categorical_flags(const DataConfig& config,
                                            const std::vector<std::string>& names,
                                            const std::vector<std::size_t>& columns,
                                            std::size_t label_index) {
  std::vector<std::uint8_t> flags(columns.size(), 0);
  if (config.categorical_auto) {
    CsvReader first(loading::data_files(config).front(), config.delimiter);
    read_header_names(first);
    std::vector<CsvField> fields;
    double value = 0;
    for_each_shard(config, first, names, [&](CsvReader& reader) {
      while (reader.next_record(fields)) {
        if (fields.size() != names.size()) continue;  // the reading pass reports it
        for (std::size_t k = 0; k < columns.size(); ++k) {
          if (!flags[k] && parse_number(fields[columns[k]].text, value) == NumberParse::not_a_number) {
            flags[k] = 1;
          }
        }
      }
    });
    return flags;
  }
  for (const std::string& name : config.categorical) {
    const auto j = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    if (j == names.size()) {
      throw DataError(fmt::format("data.categorical: no column '{}' in {}; its columns are {}",
                                  name, config.path, quoted_list(names)));
    }
    if (j == label_index) {
      throw ConfigError(fmt::format("data.categorical: '{}' is the label column; leave it out", name));
    }
    const auto k = static_cast<std::size_t>(std::find(columns.begin(), columns.end(), j) - columns.begin());
    if (k == columns.size()) {
      throw ConfigError(fmt::format("data.categorical: '{}' is not a feature column (data.features "
                                    "or data.exclude leaves it out); remove it from one of them",
                                    name));
    }
    if (flags[k]) throw ConfigError(fmt::format("data.categorical: '{}' is listed twice", name));
    flags[k] = 1;
  }
  return flags;
}

// The levels of the categorical columns while reading. Nonzeros are stored with provisional
// columns: a numeric column keeps its place k among the chosen columns, and a level takes
// columns.size() + its number in order of first appearance; encoded_columns() renumbers them.
class LevelTable {
 public:
  explicit LevelTable(std::size_t columns) : columns_(columns), by_column_(columns) {}

  std::int32_t provisional(std::size_t k, std::string_view level, const std::string& path) {
    auto& known = by_column_[k];
    const auto found = known.find(std::string(level));
    if (found != known.end()) return found->second;
    const std::size_t id = columns_ + column_of_.size();
    if (id > static_cast<std::size_t>(INT32_MAX)) {
      throw DataError(fmt::format("{}: more than 2^31 - 1 features and levels", path));
    }
    known.emplace(std::string(level), static_cast<std::int32_t>(id));
    column_of_.push_back(k);
    text_.emplace_back(level);
    return static_cast<std::int32_t>(id);
  }

  // Renumbers the columns of `m` so that each categorical column's levels follow one another in
  // the place of the column; fills in the feature names and the categorical columns.
  void encode(const std::vector<std::string>& names, const std::vector<std::size_t>& columns,
              const std::vector<std::uint8_t>& categorical, Dataset& dataset) const {
    std::vector<std::vector<std::size_t>> levels_of(columns_);
    for (std::size_t g = 0; g < column_of_.size(); ++g) levels_of[column_of_[g]].push_back(g);
    std::vector<std::int32_t> renumbered(columns_ + column_of_.size(), -1);
    dataset.feature_names.clear();
    for (std::size_t k = 0; k < columns_; ++k) {
      const std::string& name = names[columns[k]];
      if (!categorical[k]) {
        renumbered[k] = static_cast<std::int32_t>(dataset.feature_names.size());
        dataset.feature_names.push_back(name);
        continue;
      }
      CategoricalColumn column{name, {}, dataset.feature_names.size()};
      for (std::size_t g : levels_of[k]) {
        renumbered[columns_ + g] = static_cast<std::int32_t>(dataset.feature_names.size());
        dataset.feature_names.push_back(name + "=" + text_[g]);
        column.levels.push_back(text_[g]);
      }
      dataset.settings.categorical.push_back(std::move(column));
    }
    SparseFeatureMatrix& m = dataset.sparse_features;
    for (std::int32_t& c : m.column) c = renumbered[static_cast<std::size_t>(c)];
    m.cols = dataset.feature_names.size();
  }

 private:
  std::size_t columns_;
  std::vector<std::unordered_map<std::string, std::int32_t>> by_column_;
  std::vector<std::size_t> column_of_;  // per level: its column's place among the chosen
  std::vector<std::string> text_;       // per level
};

// A feature name given twice: a numeric column named like a level of a categorical one.
void check_unique_feature_names(const Dataset& dataset) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t j = 0; j < dataset.feature_names.size(); ++j) {
    if (!seen.emplace(dataset.feature_names[j], j).second) {
      throw DataError(fmt::format(
          "{}: the feature name '{}' is both a column and a level of a categorical column; "
          "rename the column or leave it out with data.exclude",
          dataset.source, dataset.feature_names[j]));
    }
  }
}

// One chosen cell of a record, kept until the whole row is known to stay.
struct PendingCell {
  std::size_t k;
  double value;
  std::string_view level;  // categorical cells
};

// Reads the chosen cells of a record; false when the row is to be dropped.
bool read_sparse_cells(const CsvReader& reader, const std::vector<CsvField>& fields,
                       const std::vector<std::size_t>& columns,
                       const std::vector<std::string>& names,
                       const std::vector<std::uint8_t>& categorical, MissingPolicy missing,
                       std::vector<PendingCell>& cells) {
  cells.clear();
  bool complete = true;
  const bool drop_missing = missing == MissingPolicy::drop_rows;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const CsvField& field = fields[columns[k]];
    if (!categorical[k]) {
      double value = 0;
      complete = read_number_cell(reader, field, names[columns[k]], drop_missing, value) && complete;
      if (value != 0 && complete) cells.push_back({k, value, {}});
      continue;
    }
    if (!is_missing_cell(field.text)) {
      cells.push_back({k, 1.0, field.text});
    } else if (missing == MissingPolicy::category) {
      cells.push_back({k, 1.0, kMissingLevel});
    } else if (drop_missing) {
      complete = false;
    } else {
      throw DataError(fmt::format(
          "{}: column '{}' has a missing value ('{}'); fill it, or set data.missing: drop_rows "
          "to drop such rows or category to make it a level of its own",
          reader.location(field).to_string(), names[columns[k]], field.text));
    }
  }
  return complete;
}

// A CSV into CSR: numeric columns as their nonzeros, each categorical column as a 0/1 feature
// per level.
Dataset load_csv_sparse(const DatasetEntry& entry, const std::vector<std::uint8_t>& categorical) {
  const DataConfig& config = entry.data;
  const std::vector<std::string> files = loading::data_files(config);
  CsvReader first(files.front(), config.delimiter);
  const CsvLayout layout = read_csv_layout(config, first);
  // Plain references, not a structured binding: the shard lambda below uses them, and clang
  // before 16 does not let a lambda capture a structured binding.
  const std::vector<std::string>& names = layout.names;
  const std::size_t label_index = layout.label_index;
  const std::vector<std::size_t>& columns = layout.columns;
  Dataset dataset = csv_dataset(entry, first, layout);
  dataset.features.cols = 0;
  dataset.sparse = true;
  const std::size_t max_rows = count_lines(files);
  std::error_code no_size;
  std::size_t bytes = 0;
  for (const std::string& file : files) {
    if (!no_size) bytes += std::filesystem::file_size(file, no_size);
  }
  // A cell takes at least a byte and its delimiter, so the nonzeros are at most half the bytes.
  const std::size_t max_cells = std::min(max_rows * columns.size(), no_size ? max_rows * columns.size() : bytes / 2 + 1);
  SparseFeatureMatrix& m = dataset.sparse_features;
  reserve_sparse(config.path, m, max_rows, columns.size(), max_cells);
  dataset.is_positive.reserve(max_rows);
  dataset.line.reserve(max_rows);

  const PositiveLabel positive(config.positive_label);
  const std::string label_column = "column '" + names[label_index] + "'";
  LevelTable levels(columns.size());
  std::vector<CsvField> fields;
  std::vector<PendingCell> cells;
  for_each_shard(config, first, names, [&](CsvReader& reader) {
    while (reader.next_record(fields)) {
      check_field_count(reader, fields, names.size());
      const bool complete =
          read_sparse_cells(reader, fields, columns, names, categorical, config.missing, cells);
      if (!keep_labelled_row(dataset, reader, fields, label_index, label_column,
                             config.missing == MissingPolicy::drop_rows, complete, positive)) {
        continue;
      }
      for (const PendingCell& cell : cells) {
        m.column.push_back(categorical[cell.k] ? levels.provisional(cell.k, cell.level, config.path)
                                               : static_cast<std::int32_t>(cell.k));
        m.value.push_back(cell.value);
      }
      m.row_start.push_back(static_cast<std::int64_t>(m.value.size()));
      ++m.rows;
    }
  });
  m.column.shrink_to_fit();
  m.value.shrink_to_fit();
  levels.encode(names, columns, categorical, dataset);
  check_unique_feature_names(dataset);
  condition_sparse_and_check_classes(dataset, entry, label_column);
  return dataset;
}

// Sparse storage turned dense, for data.storage: dense with categorical columns.
void densify(Dataset& dataset) {
  SparseFeatureMatrix& s = dataset.sparse_features;
  check_memory(dataset.source, s.rows, s.cols);
  FeatureMatrix& m = dataset.features;
  m.rows = s.rows;
  m.cols = s.cols;
  m.values.assign(s.rows * s.cols, 0.0);
  for (std::size_t i = 0; i < s.rows; ++i) {
    for (auto k = s.row_start[i]; k < s.row_start[i + 1]; ++k) {
      m.row(i)[static_cast<std::size_t>(s.column[static_cast<std::size_t>(k)])] =
          s.value[static_cast<std::size_t>(k)];
    }
  }
  dataset.sparse = false;
  dataset.sparse_features = SparseFeatureMatrix{};
}

// A CSV of numbers stored dense is read as it always was; categorical columns or data.storage:
// sparse read it into CSR.
Dataset load_csv_any(const DatasetEntry& entry) {
  const DataConfig& config = entry.data;
  const bool wants_categorical = config.categorical_auto || !config.categorical.empty();
  if (!wants_categorical && config.storage != FeatureStorage::sparse) return load_csv(entry);
  std::vector<std::uint8_t> categorical;
  {
    CsvReader reader(loading::data_files(config).front(), config.delimiter);
    const CsvLayout layout = read_csv_layout(config, reader);
    categorical = categorical_flags(config, layout.names, layout.columns, layout.label_index);
  }
  const bool any = std::find(categorical.begin(), categorical.end(), 1) != categorical.end();
  if (!any && config.storage != FeatureStorage::sparse) return load_csv(entry);
  Dataset dataset = load_csv_sparse(entry, categorical);
  if (config.storage == FeatureStorage::dense) densify(dataset);
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

double dense_memory_bytes(std::size_t rows, std::size_t cols) {
  return static_cast<double>(rows) * static_cast<double>(cols) * sizeof(double) +
         static_cast<double>(rows) *
             (sizeof(std::uint8_t) + sizeof(std::uint32_t) + sizeof(std::size_t)) +
         static_cast<double>(cols) * (sizeof(std::string) + sizeof(std::ptrdiff_t));
}

double sparse_memory_bytes(std::size_t rows, std::size_t cols, std::size_t nonzeros) {
  return static_cast<double>(nonzeros) * (sizeof(std::int32_t) + sizeof(double)) +
         static_cast<double>(rows) * (sizeof(std::int64_t) + sizeof(std::uint8_t) +
                                      sizeof(std::uint32_t) + sizeof(std::size_t)) +
         static_cast<double>(cols) * (sizeof(std::string) + sizeof(std::size_t) + 2 * sizeof(double));
}

void check_memory_need(const std::string& path, const std::string& shape, double needed,
                       std::size_t available) {
  if (available > 0 && needed > 0.8 * static_cast<double>(available)) {
    throw DataError(fmt::format(
        "{}: {} need {:.2f} GiB of memory, but only {:.2f} GiB is available; "
        "use fewer rows or fewer features (data.features, data.exclude), or a larger machine",
        path, shape, needed / (1 << 30), static_cast<double>(available) / (1 << 30)));
  }
}

Dataset load_dataset(const DatasetEntry& entry) {
  Dataset dataset;
  if (entry.data.format == DataFormat::libsvm) {
    if (!entry.data.categorical.empty() || entry.data.categorical_auto) {
      throw ConfigError("data.categorical: a libsvm file has only numeric features; remove "
                        "data.categorical");
    }
    if (!entry.data.shards.empty()) {
      throw ConfigError(fmt::format("data.path: '{}' names several files, and shards are read "
                                    "for CSV only; give one libsvm file",
                                    entry.data.path));
    }
    dataset = entry.data.storage == FeatureStorage::dense ? load_libsvm(entry)
                                                          : load_libsvm_sparse(entry);
  } else {
    dataset = load_csv_any(entry);
  }
  dataset.fingerprint = fingerprint_file(loading::data_files(entry.data).front());
  dataset.fingerprint.shards = entry.data.shards;
  return dataset;
}

namespace loading {

std::vector<std::string> data_files(const DataConfig& config) {
  if (config.shards.empty()) return {config.path};
  return config.shards;
}

CsvLayout csv_layout(const DataConfig& config, std::vector<std::string> names, char delimiter) {
  CsvLayout layout;
  layout.names = std::move(names);
  layout.label_index = label_column_index(config, layout.names, delimiter);
  layout.columns = choose_features(config, layout.names, layout.label_index);
  return layout;
}

void check_shard_header(CsvReader& reader, const std::vector<std::string>& names) {
  std::vector<CsvField> fields;
  if (!reader.next_record(fields)) {
    throw DataError(fmt::format("{}:1: the shard is empty; every shard starts with the header "
                                "of the first ({} columns)",
                                reader.path(), names.size()));
  }
  const std::size_t header_line = fields.front().line;
  for (std::size_t j = 0; j < std::max(fields.size(), names.size()); ++j) {
    if (j < fields.size() && j < names.size() && fields[j].text == names[j]) continue;
    const std::string found = j < fields.size() ? fmt::format("'{}'", fields[j].text) : "nothing";
    const std::string wanted = j < names.size() ? fmt::format("'{}'", names[j]) : "nothing";
    throw DataError(fmt::format(
        "{}:{}: this shard's header differs from the first shard's: column {} is {} where the "
        "first has {}; every shard needs the same header",
        reader.path(), header_line, j + 1, found, wanted));
  }
}

Dataset csv_dataset(const DatasetEntry& entry, char delimiter, const CsvLayout& layout) {
  Dataset dataset = dataset_with_features(entry, layout.names, layout.columns);
  dataset.settings.delimiter = delimiter;
  dataset.settings.label_column = layout.names[layout.label_index];
  return dataset;
}

void read_dense_records(CsvReader& reader, const DataConfig& config, const CsvLayout& layout,
                        Dataset& dataset) {
  const auto& [names, label_index, columns] = layout;
  FeatureMatrix& m = dataset.features;
  const PositiveLabel positive(config.positive_label);
  const std::string label_column = "column '" + names[label_index] + "'";
  const bool drop_missing = config.missing == MissingPolicy::drop_rows;
  std::vector<CsvField> fields;
  std::vector<double> row(m.cols);
  while (reader.next_record(fields)) {
    check_field_count(reader, fields, names.size());
    const bool complete = read_feature_cells(reader, fields, columns, names, drop_missing, row);
    if (!keep_labelled_row(dataset, reader, fields, label_index, label_column, drop_missing,
                           complete, positive)) {
      continue;
    }
    m.values.insert(m.values.end(), row.begin(), row.end());
    ++m.rows;
  }
}

void check_dense_memory(const std::string& path, std::size_t rows, std::size_t cols) {
  check_memory(path, rows, cols);
}

void check_class_counts(const DatasetEntry& entry, const std::string& label_column,
                        std::size_t rows, std::size_t dropped_rows, std::size_t positives,
                        const std::vector<std::string>& label_values) {
  const std::string& path = entry.data.path;
  if (rows == 0) {
    if (dropped_rows > 0) {
      throw DataError(fmt::format("{}: all {} data rows have missing values and were dropped; "
                                  "fill the missing values or leave those columns out",
                                  path, dropped_rows));
    }
    throw DataError(fmt::format("{}: the file has a header but no data rows", path));
  }
  std::vector<std::string> shown(label_values.begin(),
                                 label_values.begin() +
                                     std::min(label_values.size(), kMaxLabelValuesShown));
  if (positives == 0) {
    throw DataError(fmt::format(
        "data.positive_label: '{}' never occurs in {} of {}; the labels there are {}; set "
        "data.positive_label to one of them",
        entry.data.positive_label, label_column, path, quoted_list(shown)));
  }
  if (positives == rows) {
    throw DataError(fmt::format(
        "{}: all {} are positive (label {} = '{}'), so there is only one class; "
        "binary classification needs both: check data.label and data.positive_label",
        path, count_noun(rows, "row"), label_column, entry.data.positive_label));
  }
}

void note_label(std::vector<std::string>& label_values, std::string_view label) {
  if (label_values.size() > 64) return;
  if (std::find(label_values.begin(), label_values.end(), label) == label_values.end()) {
    label_values.emplace_back(label);
  }
}

void column_range_keys(const FeatureMatrix& m, std::vector<std::uint64_t>& low,
                       std::vector<std::uint64_t>& high) {
  low.assign(m.cols, threshold_key(std::numeric_limits<double>::infinity()));
  high.assign(m.cols, threshold_key(-std::numeric_limits<double>::infinity()));
  for (std::size_t i = 0; i < m.rows; ++i) {
    const double* row = m.row(i);
    for (std::size_t j = 0; j < m.cols; ++j) {
      const std::uint64_t key = threshold_key(row[j]);
      low[j] = std::min(low[j], key);
      high[j] = std::max(high[j], key);
    }
  }
}

// The midrange and half-range depend on the column's extremes alone, which are exact over any
// division of the rows among ranks, whereas a mean or a standard deviation is a sum whose bits
// depend on the order of its terms. Halving each extreme first keeps both finite for any
// finite values. A constant column gets center = its value and scale 1, so it is stored as 0.
void condition_by_range(Dataset& dataset, const std::vector<std::uint64_t>& low,
                        const std::vector<std::uint64_t>& high, const std::string& path) {
  FeatureMatrix& m = dataset.features;
  dataset.center.assign(m.cols, 0.0);
  dataset.scale.assign(m.cols, 1.0);
  std::size_t constant = 0;
  for (std::size_t j = 0; j < m.cols; ++j) {
    const double lowest = key_threshold(low[j]);
    const double highest = key_threshold(high[j]);
    const double half_range = highest / 2 - lowest / 2;
    dataset.center[j] = lowest / 2 + highest / 2;
    dataset.scale[j] = half_range > 0 && std::isfinite(half_range) ? half_range : 1.0;
    constant += !(half_range > 0);
  }
  if (constant == m.cols) throw_all_constant(path);
  for (std::size_t i = 0; i < m.rows; ++i) {
    double* row = m.row(i);
    for (std::size_t j = 0; j < m.cols; ++j) row[j] = (row[j] - dataset.center[j]) / dataset.scale[j];
  }
}

}  // namespace loading

}  // namespace aumtrain
