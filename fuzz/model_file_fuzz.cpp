// Fuzzes the model file reader: read_model_file on arbitrary file contents (a damaged or
// hand-edited models/*.json).
//
// A file may be refused with an aumtrain::Error; anything else (a crash, a sanitizer report,
// another exception, a hang) is a finding. A file that reads must give a consistent model, write
// back to text that reads to the same model, and score a fixed row exactly as the numbers in the
// file say: original_units.intercept + sum_j original_units.weights[j] * x[j], summed in order.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/io/model_file.hpp"
#include "fuzz_support.hpp"

namespace {

using aumtrain::fuzzing::require;

void check_shapes(const aumtrain::ModelFile& model) {
  const auto d = static_cast<Eigen::Index>(model.feature_names.size());
  require(d > 0, "at least one feature");
  require(model.mean.size() == d && model.sd.size() == d, "a mean and an sd per feature");
  require(model.standardized.weights.size() == d && model.original.weights.size() == d,
          "a weight per feature in both forms");
  for (Eigen::Index j = 0; j < d; ++j) {
    require(std::isfinite(model.mean[j]) && std::isfinite(model.sd[j]), "finite standardisation");
    require(model.sd[j] > 0 || (model.sd[j] == 0 && model.standardized.weights[j] == 0),
            "sd > 0 under every nonzero weight");
    require(std::isfinite(model.original.weights[j]), "finite weights");
  }
  require(std::isfinite(model.threshold.threshold), "a finite threshold");
}

// The score of a fixed row, from the file's own numbers rather than the parsed model.
double score_from_the_text(std::string_view text, const std::vector<double>& row) {
  const nlohmann::json json = nlohmann::json::parse(text);
  double sum = json["original_units"]["intercept"].get<double>();
  for (std::size_t j = 0; j < row.size(); ++j) {
    sum += json["original_units"]["weights"][j].get<double>() * row[j];
  }
  return sum;
}

void check_model(const aumtrain::ModelFile& model, std::string_view text) {
  check_shapes(model);
  const std::string written = aumtrain::model_file_json(model);
  require(aumtrain::model_file_json(aumtrain::parse_model_file(written, "written.json")) == written,
          "the written file reads back to the same model");
  std::vector<double> row;
  for (std::size_t j = 0; j < model.feature_names.size(); ++j) {
    row.push_back(static_cast<double>(j % 7) - 2.5);
  }
  const double score = model.score(row);
  const double expected = score_from_the_text(text, row);
  require(score == expected || (std::isnan(score) && std::isnan(expected)),
          "the model scores a row as the file's numbers say");
  require(model.predicted_label(score) ==
              (score > model.threshold.threshold ? model.data.positive_label : model.negative_label),
          "a score above the threshold predicts the positive label");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static aumtrain::fuzzing::ScratchFile file("model.json");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string& path = file.write(text);
  aumtrain::fuzzing::expect_only_aumtrain_errors(
      [&] { check_model(aumtrain::read_model_file(path), text); });
  return 0;
}
