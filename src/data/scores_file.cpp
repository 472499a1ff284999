#include "aumtrain/data/scores_file.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "aumtrain/data/csv.hpp"
#include "aumtrain/data/dataset.hpp"
#include "aumtrain/core/text_format.hpp"

namespace aumtrain {
namespace {

struct HeaderField {
  std::string name;
  SourceLocation location;
};

struct Column {
  std::size_t index;
  SourceLocation header;
};

std::optional<Column> find_column(const std::vector<HeaderField>& header, std::string_view name) {
  std::optional<Column> found;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].name != name) continue;
    if (found) {
      throw DataError(fmt::format("{}: column '{}' is named twice (also at column {}); rename one",
                                  header[i].location.to_string(), name, found->header.column));
    }
    found = Column{i, header[i].location};
  }
  return found;
}

std::string header_names(const std::vector<HeaderField>& header) {
  std::vector<std::string_view> names;
  for (const auto& field : header) names.push_back(field.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

double read_cell(const CsvReader& reader, const CsvField& field, std::string_view column) {
  double value = 0;
  switch (parse_number(field.text, value)) {
    case NumberParse::ok:
      return value;
    case NumberParse::missing:
      throw DataError(fmt::format("{}: column '{}' has a missing value ('{}'); every row needs one",
                                  reader.location(field).to_string(), column, field.text));
    case NumberParse::out_of_range:
      throw DataError(fmt::format("{}: column '{}': '{}' is out of the range of a double",
                                  reader.location(field).to_string(), column, field.text));
    case NumberParse::not_a_number:
      break;
  }
  throw DataError(fmt::format("{}: column '{}': '{}' is not a number",
                              reader.location(field).to_string(), column, field.text));
}

// Reads the label cells: 0/1 or -1/1 (not both), or texts compared with a positive label.
class LabelCells {
 public:
  explicit LabelCells(const ScoresFileColumns& columns) : column_(columns.label) {
    if (columns.positive_label) positive_.emplace(*columns.positive_label);
  }

  double read(const CsvReader& reader, const CsvField& field, ScoresFile& out) {
    if (positive_) {
      if (is_missing_cell(field.text)) {
        throw DataError(fmt::format("{}: column '{}' has a missing value ('{}'); every row needs one",
                                    reader.location(field).to_string(), column_, field.text));
      }
      out.label_texts.emplace_back(field.text);
      return positive_->matches(field.text) ? 1.0 : 0.0;
    }
    const double value = read_cell(reader, field, column_);
    if (value != 0.0 && value != 1.0 && value != -1.0) {
      throw DataError(fmt::format(
          "{}: column '{}': '{}' is not a binary label; use 0/1 or -1/1 (1 is positive)",
          reader.location(field).to_string(), column_, field.text));
    }
    const auto& other_negative = value == 0.0 ? first_minus_one_ : first_zero_;
    if (value != 1.0 && other_negative) {
      throw DataError(fmt::format(
          "{}: column '{}' is {} here but {} at line {}; use either 0/1 or -1/1 for the negative "
          "class",
          reader.location(field).to_string(), column_, value, -1.0 - value, other_negative->line));
    }
    if (value == 0.0 && !first_zero_) first_zero_ = reader.location(field);
    if (value == -1.0 && !first_minus_one_) first_minus_one_ = reader.location(field);
    return value;
  }

 private:
  std::string column_;
  std::optional<PositiveLabel> positive_;
  std::optional<SourceLocation> first_zero_, first_minus_one_;
};

double read_weight_cell(const CsvReader& reader, const CsvField& field) {
  const double w = read_cell(reader, field, "weight");
  if (!std::isfinite(w) || w < 0) {
    throw DataError(fmt::format("{}: column 'weight': {} is not usable; weights must be finite and "
                                ">= 0",
                                reader.location(field).to_string(), field.text));
  }
  return w;
}

std::vector<HeaderField> read_scores_header(CsvReader& reader, const std::string& path,
                                            const ScoresFileColumns& columns) {
  std::vector<CsvField> fields;
  if (!reader.next_record(fields)) {
    throw DataError(fmt::format(
        "{}: the file is empty; expected a header row naming the columns {} and {}", path,
        columns.score, columns.label));
  }
  std::vector<HeaderField> header;
  for (const auto& field : fields) header.push_back({std::string(field.text), reader.location(field)});
  return header;
}

}  // namespace

ScoresFile read_scores_file(const std::string& path, const ScoresFileColumns& columns) {
  CsvReader reader(path);
  const std::vector<HeaderField> header = read_scores_header(reader, path, columns);
  const auto pred = find_column(header, columns.score);
  const auto label = find_column(header, columns.label);
  const auto weight = find_column(header, "weight");
  for (const auto& [column, name] : {std::pair{pred, &columns.score}, std::pair{label, &columns.label}}) {
    if (!column) {
      throw DataError(fmt::format(
          "{}:1: no column named '{}'; the header has: {}; the file needs columns {} and {} "
          "(and optionally weight)",
          path, *name, header_names(header), columns.score, columns.label));
    }
  }
  ScoresFile out;
  out.has_weights = weight.has_value();
  out.label_column = columns.label;
  out.label_header = label->header;
  LabelCells labels(columns);
  std::vector<double> weights;
  std::vector<CsvField> fields;
  while (reader.next_record(fields)) {
    if (fields.size() != header.size()) {
      throw DataError(fmt::format("{}:{}: this row has {} fields but the header has {}; every row "
                                  "needs one field per column",
                                  path, fields.front().line, fields.size(), header.size()));
    }
    const CsvField& score_field = fields[pred->index];
    const double score = read_cell(reader, score_field, columns.score);
    if (!std::isfinite(score)) {
      throw DataError(fmt::format("{}: column '{}': score {} is not finite; scores must be finite "
                                  "numbers",
                                  reader.location(score_field).to_string(), columns.score,
                                  score_field.text));
    }
    out.labels.push_back(labels.read(reader, fields[label->index], out));
    if (weight) weights.push_back(read_weight_cell(reader, fields[weight->index]));
    out.scores.push_back(score);
  }
  if (out.scores.empty()) {
    throw DataError(fmt::format("{}: the file has a header but no data rows", path));
  }
  out.targets = make_binary_targets(out.labels, weights);
  return out;
}

Denominators scores_file_denominators(const ScoresFile& input, Denominator denominator) {
  const BinaryTargets& targets = input.targets;
  if (denominator == Denominator::rate &&
      (!(targets.positive_weight > 0) || !(targets.negative_weight > 0))) {
    throw DataError(fmt::format(
        "{}: column '{}' has only {} ({} positive, {} negative with nonzero weight); "
        "the rate denominator needs both classes: add examples of the other class or use "
        "--denominator count",
        input.label_header.to_string(), input.label_column, count_noun(targets.size(), "example"),
        targets.positive_weight > 0 ? targets.positive_count : 0,
        targets.negative_weight > 0 ? targets.negative_count : 0));
  }
  return make_denominators(targets.error_diffs, denominator);
}

}  // namespace aumtrain
