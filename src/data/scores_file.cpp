#include "aumtrain/data/scores_file.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "aumtrain/data/csv.hpp"
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

}  // namespace

ScoresFile read_scores_file(const std::string& path) {
  CsvReader reader(path);
  std::vector<CsvField> fields;
  if (!reader.next_record(fields)) {
    throw DataError(fmt::format(
        "{}: the file is empty; expected a header row naming the columns pred and label", path));
  }
  std::vector<HeaderField> header;
  for (const auto& field : fields) {
    header.push_back({std::string(field.text), reader.location(field)});
  }

  const auto pred = find_column(header, "pred");
  const auto label = find_column(header, "label");
  const auto weight = find_column(header, "weight");
  for (const auto& [column, name] : {std::pair{pred, "pred"}, std::pair{label, "label"}}) {
    if (!column) {
      throw DataError(fmt::format(
          "{}:1: no column named '{}'; the header has: {}; the file needs columns pred and label "
          "(and optionally weight)",
          path, name, header_names(header)));
    }
  }

  ScoresFile out;
  out.has_weights = weight.has_value();
  out.label_header = label->header;
  std::vector<double>& labels = out.labels;
  std::vector<double> weights;
  std::optional<SourceLocation> first_zero, first_minus_one;
  while (reader.next_record(fields)) {
    if (fields.size() != header.size()) {
      throw DataError(fmt::format("{}:{}: this row has {} fields but the header has {}; every row "
                                  "needs one field per column",
                                  path, fields.front().line, fields.size(), header.size()));
    }
    const CsvField& score_field = fields[pred->index];
    const double score = read_cell(reader, score_field, "pred");
    if (!std::isfinite(score)) {
      throw DataError(fmt::format("{}: column 'pred': score {} is not finite; scores must be "
                                  "finite numbers",
                                  reader.location(score_field).to_string(), score_field.text));
    }
    const CsvField& label_field = fields[label->index];
    const double label_value = read_cell(reader, label_field, "label");
    if (label_value != 0.0 && label_value != 1.0 && label_value != -1.0) {
      throw DataError(fmt::format(
          "{}: column 'label': '{}' is not a binary label; use 0/1 or -1/1 (1 is positive)",
          reader.location(label_field).to_string(), label_field.text));
    }
    const auto& other_negative = label_value == 0.0 ? first_minus_one : first_zero;
    if (label_value != 1.0 && other_negative) {
      throw DataError(fmt::format(
          "{}: column 'label' is {} here but {} at line {}; use either 0/1 or -1/1 for the "
          "negative class",
          reader.location(label_field).to_string(), label_value, -1.0 - label_value,
          other_negative->line));
    }
    if (label_value == 0.0 && !first_zero) first_zero = reader.location(label_field);
    if (label_value == -1.0 && !first_minus_one) first_minus_one = reader.location(label_field);
    if (weight) {
      const CsvField& weight_field = fields[weight->index];
      const double w = read_cell(reader, weight_field, "weight");
      if (!std::isfinite(w) || w < 0) {
        throw DataError(fmt::format(
            "{}: column 'weight': {} is not usable; weights must be finite and >= 0",
            reader.location(weight_field).to_string(), weight_field.text));
      }
      weights.push_back(w);
    }
    out.scores.push_back(score);
    labels.push_back(label_value);
  }
  if (out.scores.empty()) {
    throw DataError(fmt::format("{}: the file has a header but no data rows", path));
  }
  out.targets = make_binary_targets(labels, weights);
  return out;
}

Denominators scores_file_denominators(const ScoresFile& input, Denominator denominator) {
  const BinaryTargets& targets = input.targets;
  if (denominator == Denominator::rate &&
      (!(targets.positive_weight > 0) || !(targets.negative_weight > 0))) {
    throw DataError(fmt::format(
        "{}: column 'label' has only {} ({} positive, {} negative with nonzero weight); "
        "the rate denominator needs both classes: add examples of the other class or use "
        "--denominator count",
        input.label_header.to_string(), count_noun(targets.size(), "example"),
        targets.positive_weight > 0 ? targets.positive_count : 0,
        targets.negative_weight > 0 ? targets.negative_count : 0));
  }
  return make_denominators(targets.error_diffs, denominator);
}

}  // namespace aumtrain
