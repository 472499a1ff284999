#include "aumtrain/data/scoring_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/csv.hpp"
#include "aumtrain/data/libsvm.hpp"

namespace aumtrain {
namespace {

void note_dropped(ScoringSummary& summary, std::size_t line) {
  ++summary.dropped_rows;
  if (summary.first_dropped_lines.size() < kDroppedLinesKept) summary.first_dropped_lines.push_back(line);
}

bool is_excluded(const DataReadSettings& settings, const std::string& name) {
  return std::find(settings.exclude.begin(), settings.exclude.end(), name) != settings.exclude.end();
}

[[noreturn]] void throw_missing_value(const SourceLocation& where, std::string_view column,
                                      std::string_view text) {
  throw DataError(fmt::format(
      "{}: column '{}' has a missing value ('{}'); the model was trained with missing: error, so "
      "every row needs one: fill it, or leave the row out",
      where.to_string(), column, text));
}

// A categorical column of the model: its column in the file and its levels' feature positions.
struct CategoricalColumns {
  std::size_t column = 0;
  std::string name;
  std::unordered_map<std::string, std::size_t> position_of_level;
};

// The header's columns for the model: each numeric feature's column (with its position among the
// model's features), the categorical columns, and the label's if there is one.
struct CsvColumns {
  std::vector<std::size_t> feature;
  std::vector<std::size_t> feature_position;
  std::vector<CategoricalColumns> categorical;
  std::optional<std::size_t> label;
};

// The model's categorical columns, each level by the position of its feature `column=level`; the
// levels' positions are marked in `is_level`.
std::vector<CategoricalColumns> categorical_positions(const DataReadSettings& settings,
                                                      const std::vector<std::string>& feature_names,
                                                      std::vector<std::uint8_t>& is_level) {
  std::unordered_map<std::string, std::size_t> position_of;
  for (std::size_t k = 0; k < feature_names.size(); ++k) position_of.emplace(feature_names[k], k);
  is_level.assign(feature_names.size(), 0);
  std::vector<CategoricalColumns> out;
  for (const CategoricalColumn& column : settings.categorical) {
    CategoricalColumns c;
    c.name = column.column;
    for (const std::string& level : column.levels) {
      const auto found = position_of.find(column.column + "=" + level);
      if (found == position_of.end()) continue;  // read_model_file makes sure it is there
      c.position_of_level.emplace(level, found->second);
      is_level[found->second] = 1;
    }
    out.push_back(std::move(c));
  }
  return out;
}

CsvColumns match_csv_columns(const std::vector<std::string>& names, const std::string& path,
                             const DataReadSettings& settings,
                             const std::vector<std::string>& feature_names, bool need_labels,
                             ScoringSummary& summary) {
  CsvColumns columns;
  auto index_of = [&](const std::string& name) -> std::optional<std::size_t> {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return std::nullopt;
    return static_cast<std::size_t>(it - names.begin());
  };
  auto required_column = [&](const std::string& name, std::string_view what) {
    const auto column = index_of(name);
    if (!column) {
      throw DataError(fmt::format(
          "{}:1: no column '{}', which the model uses ({}); the file's columns are {}; give the "
          "data every feature column the model was trained on",
          path, name, what, fmt::join(names, ", ")));
    }
    return *column;
  };
  std::vector<std::uint8_t> is_level;
  columns.categorical = categorical_positions(settings, feature_names, is_level);
  for (std::size_t k = 0; k < feature_names.size(); ++k) {
    if (is_level[k]) continue;
    columns.feature.push_back(required_column(
        feature_names[k], fmt::format("feature {} of {}", k + 1, feature_names.size())));
    columns.feature_position.push_back(k);
  }
  for (CategoricalColumns& c : columns.categorical) {
    c.column = required_column(c.name, "a categorical column");
    columns.feature.push_back(c.column);  // counts as used below
  }
  columns.label = index_of(settings.label_column);
  if (need_labels && !columns.label) {
    throw DataError(fmt::format(
        "{}:1: no label column '{}'; evaluating compares the scores with the labels, so the data "
        "needs the label column the model was trained with",
        path, settings.label_column));
  }
  summary.has_labels = columns.label.has_value();
  for (std::size_t j = 0; j < names.size(); ++j) {
    const bool used = j == columns.label || std::find(columns.feature.begin(), columns.feature.end(),
                                                       j) != columns.feature.end();
    if (!used && !is_excluded(settings, names[j])) summary.ignored_columns.push_back(names[j]);
  }
  return columns;
}

// Sets the level features of a row's categorical cells in `row`; false when a value is missing
// and the rule drops. A level the model does not know leaves the column's features 0.
bool read_level_values(const CsvReader& reader, const std::vector<CsvField>& fields,
                       const CsvColumns& columns, MissingPolicy missing, std::vector<double>& row,
                       ScoringSummary& summary) {
  for (const CategoricalColumns& c : columns.categorical) {
    for (const auto& [level, position] : c.position_of_level) row[position] = 0.0;
    const CsvField& field = fields[c.column];
    std::string_view level = field.text;
    if (is_missing_cell(level)) {
      if (missing == MissingPolicy::drop_rows) return false;
      if (missing != MissingPolicy::category) throw_missing_value(reader.location(field), c.name, level);
      level = kMissingLevel;
    }
    const auto found = c.position_of_level.find(std::string(level));
    if (found != c.position_of_level.end()) {
      row[found->second] = 1.0;
      continue;
    }
    ++summary.unseen_level_cells;
    const std::string cell = c.name + "=" + std::string(level);
    if (summary.first_unseen_levels.size() < kIgnoredFeaturesKept &&
        std::find(summary.first_unseen_levels.begin(), summary.first_unseen_levels.end(), cell) ==
            summary.first_unseen_levels.end()) {
      summary.first_unseen_levels.push_back(cell);
    }
  }
  return true;
}

// Parses a row's feature cells into `row`; false when a value is missing and the rule drops.
bool read_feature_values(const CsvReader& reader, const std::vector<CsvField>& fields,
                         const CsvColumns& columns, const std::vector<std::string>& feature_names,
                         MissingPolicy missing, std::vector<double>& row) {
  for (std::size_t n = 0; n < columns.feature_position.size(); ++n) {
    const std::size_t k = columns.feature_position[n];
    const CsvField& field = fields[columns.feature[n]];
    switch (parse_number(field.text, row[k])) {
      case NumberParse::ok:
        if (std::isfinite(row[k])) continue;
        [[fallthrough]];
      case NumberParse::out_of_range:
        throw DataError(fmt::format("{}: column '{}': '{}' is not a finite number; features must "
                                    "be finite",
                                    reader.location(field).to_string(), feature_names[k], field.text));
      case NumberParse::missing:
        if (missing == MissingPolicy::drop_rows) return false;
        throw_missing_value(reader.location(field), feature_names[k], field.text);
      case NumberParse::not_a_number:
        throw DataError(fmt::format("{}: column '{}': '{}' is not a number; fix the cell",
                                    reader.location(field).to_string(), feature_names[k], field.text));
    }
  }
  return true;
}

ScoringSummary read_csv_rows(const std::string& path, const DataReadSettings& settings,
                             const std::vector<std::string>& feature_names, bool need_labels,
                             const std::function<void(const ScoringRow&)>& on_row) {
  CsvReader reader(path, settings.delimiter);
  const std::vector<std::string> names = read_header_names(reader);
  ScoringSummary summary;
  const CsvColumns columns =
      match_csv_columns(names, path, settings, feature_names, need_labels, summary);
  std::vector<CsvField> fields;
  std::vector<double> row(feature_names.size());
  while (reader.next_record(fields)) {
    const std::size_t line = fields.front().line;
    if (fields.size() != names.size()) {
      throw DataError(fmt::format("{}:{}: this row has {} fields but the header has {}; every row "
                                  "needs one field per column (with the delimiter {})",
                                  path, line, fields.size(), names.size(),
                                  delimiter_name(reader.delimiter())));
    }
    bool complete = read_feature_values(reader, fields, columns, feature_names, settings.missing, row);
    complete = read_level_values(reader, fields, columns, settings.missing, row, summary) && complete;
    ScoringRow scoring_row{line, row, {}, columns.label.has_value(), {}};
    if (columns.label) {
      const CsvField& label = fields[*columns.label];
      scoring_row.label = label.text;
      if (need_labels && is_missing_cell(label.text)) {
        if (settings.missing == MissingPolicy::error) {
          throw_missing_value(reader.location(label), settings.label_column, label.text);
        }
        complete = false;
      }
    }
    if (!complete) {
      note_dropped(summary, line);
      continue;
    }
    on_row(scoring_row);
    ++summary.rows;
  }
  return summary;
}

// The model's features as libsvm indices: index -> the feature's place.
std::unordered_map<std::size_t, std::size_t> libsvm_positions(
    const std::vector<std::string>& feature_names, const std::string& path) {
  std::unordered_map<std::size_t, std::size_t> position;
  for (std::size_t k = 0; k < feature_names.size(); ++k) {
    const std::string& name = feature_names[k];
    std::size_t index = 0;
    if (name.size() < 2 || name[0] != 'f' || name.find_first_not_of("0123456789", 1) != name.npos ||
        name.size() > 16 || (index = std::stoull(name.substr(1))) == 0) {
      throw DataError(fmt::format("{}: the model's feature '{}' is not a libsvm feature name "
                                  "f<index>; a libsvm model names its features f1, f2, ...",
                                  path, name));
    }
    position.emplace(index, k);
  }
  return position;
}

// A libsvm line's label: either every line has one or none does.
void check_libsvm_label(const std::string& path, const LibsvmLine& line, bool need_labels,
                        std::optional<std::size_t>& first_line, bool& has_labels) {
  const bool labelled = !line.label.empty();
  const SourceLocation where{path, line.number, line.first_column};
  if (!labelled && need_labels) {
    throw DataError(fmt::format("{}: the line has no label (it starts with the feature '{}'); "
                                "evaluating needs a label first on every line",
                                where.to_string(), line.first_token));
  }
  if (!first_line) {
    first_line = line.number;
    has_labels = labelled;
  } else if (labelled != has_labels) {
    throw DataError(fmt::format("{}: this line {} but line {} {}; give every line a label, or "
                                "none",
                                where.to_string(), labelled ? "has a label" : "has no label",
                                *first_line,
                                has_labels ? "has one" : "has none"));
  }
}

ScoringSummary read_libsvm_rows(const std::string& path, const DataReadSettings& settings,
                                const std::vector<std::string>& feature_names, bool need_labels,
                                const std::function<void(const ScoringRow&)>& on_row) {
  const std::unordered_map<std::size_t, std::size_t> position = libsvm_positions(feature_names, path);
  ScoringSummary summary;
  std::optional<std::size_t> first_line;
  std::set<std::size_t> ignored;
  std::vector<FeatureValue> nonzeros;
  for_each_libsvm_line(path, [&](const LibsvmLine& line) {
    check_libsvm_label(path, line, need_labels, first_line, summary.has_labels);
    nonzeros.clear();
    for (const auto& [index, value] : line.features) {
      const auto found = position.find(index);
      if (found != position.end()) {
        nonzeros.push_back({found->second, value});  // indices increase, and so do the places
      } else {
        ignored.insert(index);
      }
    }
    on_row({line.number, {}, nonzeros, summary.has_labels, line.label});
    ++summary.rows;
  });
  for (std::size_t index : ignored) {
    const std::string name = fmt::format("f{}", index);
    if (is_excluded(settings, name)) continue;
    if (summary.ignored_columns.size() < kIgnoredFeaturesKept) {
      summary.ignored_columns.push_back(name);
    } else {
      ++summary.ignored_more;
    }
  }
  return summary;
}

}  // namespace

ScoringSummary read_rows_to_score(const std::string& path, const DataReadSettings& settings,
                                  const std::vector<std::string>& feature_names, bool need_labels,
                                  const std::function<void(const ScoringRow&)>& on_row) {
  ScoringSummary summary =
      settings.format == DataFormat::csv
          ? read_csv_rows(path, settings, feature_names, need_labels, on_row)
          : read_libsvm_rows(path, settings, feature_names, need_labels, on_row);
  if (summary.rows == 0) {
    if (summary.dropped_rows > 0) {
      throw DataError(fmt::format("{}: all {} data rows have missing values and were dropped "
                                  "(the model was trained with missing: drop_rows); fill the "
                                  "missing values",
                                  path, summary.dropped_rows));
    }
    throw DataError(fmt::format("{}: the file has no data rows to score", path));
  }
  return summary;
}

}  // namespace aumtrain
