#include "aumtrain/io/model_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "aumtrain/core/errors.hpp"

#ifndef AUMTRAIN_VERSION
#error "AUMTRAIN_VERSION must be defined by the build (CMake's PROJECT_VERSION)"
#endif

namespace aumtrain {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr const char* kFixAdvice =
    "use the model file that `aumtrain train` wrote, or correct this key";

std::vector<double> vector_of(const Eigen::VectorXd& v) {
  return std::vector<double>(v.data(), v.data() + v.size());
}

Eigen::VectorXd eigen_of(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::string_view format_name(DataFormat format) {
  return format == DataFormat::csv ? "csv" : "libsvm";
}

constexpr std::pair<MissingPolicy, std::string_view> kMissingNames[] = {
    {MissingPolicy::error, "error"},
    {MissingPolicy::drop_rows, "drop_rows"},
    {MissingPolicy::category, "category"}};

std::string_view missing_name(MissingPolicy missing) {
  for (const auto& [policy, name] : kMissingNames) {
    if (policy == missing) return name;
  }
  return "error";
}

std::string indexed(std::string_view key, std::size_t index) {
  return fmt::format("{}[{}]", key, index);
}

// Reads the values of a parsed model file, naming the file and the key in every error.
class ModelJsonReader {
 public:
  ModelJsonReader(const Json& root, const std::string& path) : root_(root), path_(path) {}

  [[noreturn]] void fail(std::string_view key, std::string_view problem,
                         std::string_view advice = kFixAdvice) const {
    throw DataError(fmt::format("{}: key '{}': {}; {}", path_, key, problem, advice));
  }

  // The value at a dotted key path such as "original_units.weights".
  const Json& at(std::string_view key) const {
    const Json* node = &root_;
    std::size_t start = 0;
    for (;;) {
      const std::size_t dot = key.find('.', start);
      const std::string part(key.substr(start, dot == std::string_view::npos ? key.npos : dot - start));
      const auto found = node->find(part);
      if (found == node->end()) {
        throw DataError(fmt::format("{}: key '{}' is missing; {}", path_, key,
                                    "use the model file that `aumtrain train` wrote, or add it"));
      }
      node = &*found;
      if (dot == std::string_view::npos) return *node;
      if (!node->is_object()) fail(key.substr(0, dot), "expected an object, found " + type_of(*node));
      start = dot + 1;
    }
  }

  double number(std::string_view key) const { return number_value(at(key), key); }
  std::optional<double> number_or_null(std::string_view key) const {
    const Json& value = at(key);
    if (value.is_null()) return std::nullopt;
    return number_value(value, key);
  }
  std::uint64_t count(std::string_view key) const {
    const Json& value = at(key);
    if (!value.is_number_unsigned()) fail(key, "expected a whole number >= 0, found " + describe(value));
    return value.get<std::uint64_t>();
  }
  std::string text(std::string_view key) const { return text_value(at(key), key); }
  std::optional<std::string> text_or_null(std::string_view key) const {
    const Json& value = at(key);
    if (value.is_null()) return std::nullopt;
    return text_value(value, key);
  }
  std::vector<double> numbers(std::string_view key) const {
    std::vector<double> out;
    const Json& value = array_at(key);
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back(number_value(value[i], indexed(key, i)));
    return out;
  }
  std::vector<std::string> texts(std::string_view key) const {
    std::vector<std::string> out;
    const Json& value = array_at(key);
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back(text_value(value[i], indexed(key, i)));
    return out;
  }

 private:
  static std::string type_of(const Json& value) { return value.type_name(); }
  static std::string describe(const Json& value) {
    std::string text = value.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return fmt::format("{} {}", value.type_name(), text);
  }
  const Json& array_at(std::string_view key) const {
    const Json& value = at(key);
    if (!value.is_array()) fail(key, "expected an array, found " + describe(value));
    return value;
  }
  double number_value(const Json& value, std::string_view key) const {
    if (!value.is_number()) fail(key, "expected a number, found " + describe(value));
    const double number = value.get<double>();
    if (!std::isfinite(number)) fail(key, "expected a finite number, found " + value.dump());
    return number;
  }
  std::string text_value(const Json& value, std::string_view key) const {
    if (!value.is_string()) fail(key, "expected a string, found " + describe(value));
    return value.get<std::string>();
  }

  const Json& root_;
  const std::string& path_;
};

}  // namespace

std::string_view aumtrain_version() { return AUMTRAIN_VERSION; }

double ModelFile::score(std::span<const double> raw_features) const {
  double sum = original.intercept;
  for (std::size_t j = 0; j < raw_features.size(); ++j) {
    sum += original.weights[static_cast<Eigen::Index>(j)] * raw_features[j];
  }
  return sum;
}

double ModelFile::score(std::span<const FeatureValue> nonzeros) const {
  double sum = original.intercept;
  for (const FeatureValue& x : nonzeros) {
    sum += original.weights[static_cast<Eigen::Index>(x.position)] * x.value;
  }
  return sum;
}

const std::string& ModelFile::predicted_label(double score) const {
  return predicts_positive(score) ? data.positive_label : negative_label;
}

namespace {

// Leaves out of a model the levels of categorical columns that its subtrain set did not have
// (features constant at 0 there, whose weight is 0): the model knows only the levels it was
// trained on, and new data with another level gets 0s for that column.
void keep_subtrain_levels(const Selection& s, ModelFile& model) {
  const FeatureMap& map = s.feature_map;
  std::vector<std::uint8_t> keep(s.feature_names.size(), 1);
  for (const CategoricalColumn& column : s.data_settings.categorical) {
    for (std::size_t j = column.first_feature; j < column.first_feature + column.levels.size(); ++j) {
      const auto jj = static_cast<Eigen::Index>(j);
      keep[j] = !(map.fixed_at_zero[j] && map.mean[jj] == 0.0 && map.sd[jj] == 0.0);
    }
  }
  model.data.categorical.clear();
  for (const CategoricalColumn& column : s.data_settings.categorical) {
    const auto first = keep.begin() + static_cast<std::ptrdiff_t>(column.first_feature);
    CategoricalColumn kept{column.column, {},
                           static_cast<std::size_t>(std::count(keep.begin(), first, 1))};
    for (std::size_t l = 0; l < column.levels.size(); ++l) {
      if (first[static_cast<std::ptrdiff_t>(l)]) kept.levels.push_back(column.levels[l]);
    }
    model.data.categorical.push_back(std::move(kept));
  }
  std::vector<Eigen::Index> kept_features;
  std::vector<std::string> names;
  for (std::size_t j = 0; j < keep.size(); ++j) {
    if (!keep[j]) continue;
    kept_features.push_back(static_cast<Eigen::Index>(j));
    names.push_back(s.feature_names[j]);
  }
  auto select = [&](const Eigen::VectorXd& v) {
    Eigen::VectorXd out(static_cast<Eigen::Index>(kept_features.size()));
    for (std::size_t k = 0; k < kept_features.size(); ++k) out[static_cast<Eigen::Index>(k)] = v[kept_features[k]];
    return out;
  };
  model.feature_names = std::move(names);
  model.mean = select(model.mean);
  model.sd = select(model.sd);
  model.standardized.weights = select(model.standardized.weights);
  model.original.weights = select(model.original.weights);
}

}  // namespace

ModelFile model_file_of(const Selection& s) {
  ModelFile model;
  model.aumtrain_version = std::string(aumtrain_version());
  model.key = s.key;
  model.iteration = s.iteration;
  model.validation_auc = s.validation_auc;
  model.test_auc = s.test.auc;
  model.data = s.data_settings;
  model.label_values = s.label_values;
  const PositiveLabel positive(s.data_settings.positive_label);
  const auto negative = std::find_if(s.label_values.begin(), s.label_values.end(),
                                     [&](const std::string& label) { return !positive.matches(label); });
  if (negative != s.label_values.end()) model.negative_label = *negative;
  model.training_data = s.training_data;
  model.feature_names = s.feature_names;
  model.mean = s.feature_map.mean;
  model.sd = s.feature_map.sd;
  model.standardized = s.model;
  model.original = to_original_units(s.model, s.feature_map);
  if (!s.data_settings.categorical.empty()) keep_subtrain_levels(s, model);
  model.threshold_rule = std::string(kThresholdRule);
  model.threshold = s.threshold;
  return model;
}

namespace {

OrderedJson categorical_json(const std::vector<CategoricalColumn>& columns) {
  OrderedJson out = OrderedJson::array();
  for (const CategoricalColumn& column : columns) {
    out.push_back({{"column", column.column}, {"levels", column.levels}});
  }
  return out;
}

}  // namespace

std::string model_file_json(const ModelFile& m) {
  const auto optional_number = [](const std::optional<double>& v) {
    return v ? OrderedJson(*v) : OrderedJson(nullptr);
  };
  const bool csv = m.data.format == DataFormat::csv;
  OrderedJson j;
  j["format"] = kModelFormat;
  j["format_version"] = kModelFormatVersion;
  j["aumtrain_version"] = m.aumtrain_version;
  j["dataset"] = m.key.dataset;
  j["positive_fraction"] = optional_number(m.key.positive_fraction);
  j["seed"] = m.key.seed;
  j["loss"] = m.key.loss;
  j["optimizer"] = m.key.optimizer;
  j["step_size"] = optional_number(m.key.step_size);
  j["iteration"] = m.iteration;
  j["validation_auc"] = m.validation_auc;
  j["test_auc"] = m.test_auc;
  j["training_data"] = {{"path", m.training_data.path},
                        {"bytes", m.training_data.bytes},
                        {"sha256", m.training_data.sha256}};
  // A dataset of shards: the size and digest above are the first shard's; all are listed.
  if (!m.training_data.shards.empty()) j["training_data"]["shards"] = m.training_data.shards;
  j["data"] = {
      {"format", format_name(m.data.format)},
      {"delimiter", csv ? OrderedJson(std::string(1, m.data.delimiter)) : OrderedJson(nullptr)},
      {"label", csv ? OrderedJson(m.data.label_column) : OrderedJson(nullptr)},
      {"positive_label", m.data.positive_label},
      {"negative_label", m.negative_label},
      {"label_values", m.label_values},
      {"label_rule", "a row is positive when its label equals positive_label (as text or as a "
                     "number); every other label is negative"},
      {"exclude", m.data.exclude},
      {"missing", missing_name(m.data.missing)},
      {"categorical", categorical_json(m.data.categorical)}};
  j["feature_names"] = m.feature_names;
  j["standardization"] = {{"mean", vector_of(m.mean)}, {"sd", vector_of(m.sd)}};
  j["standardized"] = {{"weights", vector_of(m.standardized.weights)},
                       {"intercept", m.standardized.intercept}};
  j["original_units"] = {{"weights", vector_of(m.original.weights)},
                         {"intercept", m.original.intercept}};
  j["threshold"] = m.threshold.threshold;
  j["threshold_rule"] = m.threshold_rule;
  j["threshold_subtrain_errors"] = {{"false_positives", m.threshold.false_positives},
                                    {"false_negatives", m.threshold.false_negatives}};
  j["scoring"] =
      "score = original_units.intercept + sum_j original_units.weights[j] * x[j]; equivalently "
      "standardized.intercept + sum_j standardized.weights[j] * (x[j] - mean[j]) / sd[j] "
      "(features with sd 0 have weight 0); predicted positive when score > threshold";
  return j.dump(2) + "\n";
}

namespace {

// Parses JSON text, refusing an object that names a key twice (the JSON library would keep the
// last one silently, so an edited copy of a key could be ignored).
Json parse_json_once_per_key(std::string_view text, const std::string& path) {
  std::vector<std::pair<std::set<std::string>, std::string>> open_objects;  // keys, last key
  const auto on_event = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == Json::parse_event_t::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == Json::parse_event_t::key && !open_objects.empty()) {
      auto& [keys, last] = open_objects.back();
      last = parsed.get<std::string>();
      if (!keys.insert(last).second) {
        std::string key;
        for (const auto& object : open_objects) key += (key.empty() ? "" : ".") + object.second;
        throw DataError(fmt::format("{}: key '{}' appears twice in one object; keep one of them",
                                    path, key));
      }
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), on_event);
  } catch (const Json::exception& error) {
    std::string what = error.what();
    const std::size_t bracket = what.find("] ");
    if (what.starts_with("[json.exception") && bracket != std::string::npos) what.erase(0, bracket + 2);
    std::replace(what.begin(), what.end(), '\n', ' ');
    throw DataError(fmt::format("{}: not valid JSON ({}); the model file is damaged: use the "
                                "file that `aumtrain train` wrote",
                                path, what));
  }
}

// The format version of the file, 1 or 2.
std::uint64_t check_format(const ModelJsonReader& reader, const Json& root, const std::string& path) {
  if (!root.is_object()) {
    throw DataError(fmt::format("{}: expected a JSON object with the keys of an aumtrain model, "
                                "found {}; is this a model file (models/*.json of a run "
                                "directory)?",
                                path, root.type_name()));
  }
  const std::string format = reader.text("format");
  if (format != kModelFormat) {
    reader.fail("format", fmt::format("'{}' is not '{}'", format, kModelFormat),
                "this is not an aumtrain model file: give a file from the models/ folder of a "
                "run directory");
  }
  const std::uint64_t version = reader.count("format_version");
  if (version != 1 && version != kModelFormatVersion) {
    reader.fail("format_version",
                fmt::format("the file has format version {}, and this aumtrain ({}) reads "
                            "versions 1 to {}",
                            version, aumtrain_version(), kModelFormatVersion),
                "use the aumtrain that wrote it, or train the model again");
  }
  return version;
}

void read_provenance(const ModelJsonReader& reader, ModelFile& m) {
  m.aumtrain_version = reader.text("aumtrain_version");
  m.key.dataset = reader.text("dataset");
  m.key.positive_fraction = reader.number_or_null("positive_fraction");
  if (m.key.positive_fraction && !(*m.key.positive_fraction > 0 && *m.key.positive_fraction < 1)) {
    reader.fail("positive_fraction", fmt::format("{} is not between 0 and 1", *m.key.positive_fraction));
  }
  m.key.seed = reader.count("seed");
  m.key.loss = reader.text("loss");
  m.key.optimizer = reader.text("optimizer");
  m.key.step_size = reader.number_or_null("step_size");
  if (m.key.step_size && !(*m.key.step_size > 0)) {
    reader.fail("step_size", fmt::format("{} is not > 0", *m.key.step_size));
  }
  const std::uint64_t iteration = reader.count("iteration");
  if (iteration > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    reader.fail("iteration", fmt::format("{} is too large", iteration));
  }
  m.iteration = static_cast<int>(iteration);
  for (const auto& [key, value] : {std::pair{"validation_auc", &m.validation_auc},
                                   std::pair{"test_auc", &m.test_auc}}) {
    *value = reader.number(key);
    if (*value < 0 || *value > 1) reader.fail(key, fmt::format("{} is not an AUC in [0, 1]", *value));
  }
  m.training_data.path = reader.text("training_data.path");
  m.training_data.bytes = reader.count("training_data.bytes");
  m.training_data.sha256 = reader.text("training_data.sha256");
  if (reader.at("training_data").contains("shards")) {
    m.training_data.shards = reader.texts("training_data.shards");
  }
  const std::string& digest = m.training_data.sha256;
  if (digest.size() != 64 || digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
    reader.fail("training_data.sha256", "expected 64 lowercase hexadecimal digits");
  }
}

void read_label_settings(const ModelJsonReader& reader, ModelFile& m) {
  m.data.positive_label = reader.text("data.positive_label");
  m.negative_label = reader.text("data.negative_label");
  m.label_values = reader.texts("data.label_values");
  const PositiveLabel positive(m.data.positive_label);
  if (positive.matches(m.negative_label)) {
    reader.fail("data.negative_label",
                fmt::format("'{}' is the positive label too", m.negative_label),
                "give the label of the negative class");
  }
  if (std::none_of(m.label_values.begin(), m.label_values.end(),
                   [&](const std::string& label) { return positive.matches(label); })) {
    reader.fail("data.label_values",
                fmt::format("none of them is the positive label '{}'", m.data.positive_label));
  }
  if (std::find(m.label_values.begin(), m.label_values.end(), m.negative_label) ==
      m.label_values.end()) {
    reader.fail("data.negative_label",
                fmt::format("'{}' is not one of data.label_values", m.negative_label));
  }
}

void read_data_settings(const ModelJsonReader& reader, ModelFile& m) {
  const std::string format = reader.text("data.format");
  if (format != "csv" && format != "libsvm") {
    reader.fail("data.format", fmt::format("'{}' is neither csv nor libsvm", format));
  }
  m.data.format = format == "csv" ? DataFormat::csv : DataFormat::libsvm;
  const auto delimiter = reader.text_or_null("data.delimiter");
  const auto label = reader.text_or_null("data.label");
  if (m.data.format == DataFormat::csv) {
    if (!delimiter || (*delimiter != "," && *delimiter != ";" && *delimiter != "\t")) {
      reader.fail("data.delimiter", "a csv model needs its delimiter: \",\", \";\" or \"\\t\"");
    }
    if (!label || label->empty()) reader.fail("data.label", "a csv model needs its label column");
    m.data.delimiter = (*delimiter)[0];
    m.data.label_column = *label;
  } else {
    if (delimiter) reader.fail("data.delimiter", "a libsvm model has no delimiter; expected null");
    if (label) {
      reader.fail("data.label", "a libsvm model reads the label first on each line; expected null");
    }
  }
  read_label_settings(reader, m);
  m.data.exclude = reader.texts("data.exclude");
  const std::string missing = reader.text("data.missing");
  const auto* policy = std::find_if(std::begin(kMissingNames), std::end(kMissingNames),
                                    [&](const auto& entry) { return entry.second == missing; });
  if (policy == std::end(kMissingNames)) {
    reader.fail("data.missing", fmt::format("'{}' is none of error, drop_rows, category", missing));
  }
  m.data.missing = policy->first;
}

// libsvm features are named f1, f2, ... by their index; a model uses some of them, in order.
std::optional<std::size_t> libsvm_index_of(const std::string& name) {
  if (name.size() < 2 || name[0] != 'f' || name[1] == '0' ||
      name.find_first_not_of("0123456789", 1) != std::string::npos || name.size() > 16) {
    return std::nullopt;
  }
  return std::stoull(name.substr(1));
}

void read_feature_names(const ModelJsonReader& reader, ModelFile& m) {
  m.feature_names = reader.texts("feature_names");
  if (m.feature_names.empty()) reader.fail("feature_names", "the model has no features");
  std::set<std::string> seen;
  std::size_t previous_index = 0;
  for (std::size_t j = 0; j < m.feature_names.size(); ++j) {
    const std::string& name = m.feature_names[j];
    const std::string key = indexed("feature_names", j);
    if (name.empty()) reader.fail(key, "a feature name is empty");
    if (!seen.insert(name).second) reader.fail(key, fmt::format("'{}' is named twice", name));
    if (m.data.format == DataFormat::csv && name == m.data.label_column) {
      reader.fail(key, fmt::format("'{}' is the label column (data.label)", name));
    }
    if (m.data.format == DataFormat::libsvm) {
      const auto index = libsvm_index_of(name);
      if (!index || *index <= previous_index) {
        reader.fail(key, fmt::format("'{}' is not a libsvm feature name f<index> with indices "
                                     "increasing",
                                     name));
      }
      previous_index = *index;
    }
  }
}

// data.categorical (format version 2): the one-hot encoded columns and their levels, each level a
// feature `column=level` of feature_names.
void read_categorical(const ModelJsonReader& reader, std::uint64_t version, ModelFile& m) {
  if (version < 2) return;
  const Json& list = reader.at("data.categorical");
  if (!list.is_array()) reader.fail("data.categorical", "expected an array of {column, levels}");
  if (m.data.format == DataFormat::libsvm && !list.empty()) {
    reader.fail("data.categorical", "a libsvm model has no categorical columns; expected []");
  }
  std::set<std::string> names(m.feature_names.begin(), m.feature_names.end());
  std::set<std::string> columns;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = indexed("data.categorical", i);
    const Json& item = list[i];
    if (!item.is_object() || !item.contains("column") || !item["column"].is_string() ||
        !item.contains("levels") || !item["levels"].is_array() || item.size() != 2) {
      reader.fail(key, "expected an object {\"column\": name, \"levels\": [names]}");
    }
    CategoricalColumn column{item["column"].get<std::string>(), {}, 0};
    if (column.column.empty() || !columns.insert(column.column).second ||
        names.count(column.column) || column.column == m.data.label_column) {
      reader.fail(key + ".column",
                  fmt::format("'{}' is empty, named twice, a feature or the label", column.column));
    }
    std::set<std::string> levels;
    for (std::size_t l = 0; l < item["levels"].size(); ++l) {
      const Json& level = item["levels"][l];
      const std::string level_key = fmt::format("{}.levels[{}]", key, l);
      if (!level.is_string() || !levels.insert(level.get<std::string>()).second) {
        reader.fail(level_key, "expected a level name, each once");
      }
      const std::string feature = column.column + "=" + level.get<std::string>();
      const auto found = std::find(m.feature_names.begin(), m.feature_names.end(), feature);
      if (found == m.feature_names.end()) {
        reader.fail(level_key, fmt::format("feature_names has no '{}'", feature));
      }
      if (l == 0) column.first_feature = static_cast<std::size_t>(found - m.feature_names.begin());
      column.levels.push_back(level.get<std::string>());
    }
    m.data.categorical.push_back(std::move(column));
  }
}

std::vector<double> numbers_per_feature(const ModelJsonReader& reader, std::string_view key,
                                        std::size_t features) {
  std::vector<double> values = reader.numbers(key);
  if (values.size() != features) {
    reader.fail(key, fmt::format("has {} entries but feature_names has {}", values.size(), features));
  }
  return values;
}

// The standardisation and both forms of the weights; the original-unit model must be the
// standardised one rewritten (as to_original_units() does), so that an edit of one form alone
// is caught rather than silently scoring with it.
void read_weights(const ModelJsonReader& reader, ModelFile& m) {
  const std::size_t d = m.feature_names.size();
  const std::vector<double> mean = numbers_per_feature(reader, "standardization.mean", d);
  const std::vector<double> sd = numbers_per_feature(reader, "standardization.sd", d);
  const std::vector<double> weights = numbers_per_feature(reader, "standardized.weights", d);
  const std::vector<double> original = numbers_per_feature(reader, "original_units.weights", d);
  const double intercept = reader.number("standardized.intercept");
  const double original_intercept = reader.number("original_units.intercept");
  double expected_intercept = intercept, intercept_scale = std::abs(intercept);
  for (std::size_t j = 0; j < d; ++j) {
    if (sd[j] < 0 || (sd[j] == 0 && weights[j] != 0)) {
      reader.fail(indexed("standardization.sd", j),
                  fmt::format("sd {} under the weight standardized.weights[{}] = {}; an sd must be "
                              "> 0, or 0 for a constant feature whose weight is 0",
                              sd[j], j, weights[j]));
    }
    const double expected = sd[j] > 0 ? weights[j] / sd[j] : 0.0;
    if (!(std::abs(original[j] - expected) <= 1e-9 * std::abs(expected))) {
      reader.fail(indexed("original_units.weights", j),
                  fmt::format("{} is not standardized.weights[{}] / standardization.sd[{}] = {}, "
                              "so the two forms describe different models",
                              original[j], j, j, expected),
                  "edit both forms alike, or use the file that `aumtrain train` wrote");
    }
    expected_intercept -= expected * mean[j];
    intercept_scale += std::abs(expected * mean[j]);
  }
  if (!(std::abs(original_intercept - expected_intercept) <= 1e-9 * intercept_scale)) {
    reader.fail("original_units.intercept",
                fmt::format("{} is not standardized.intercept - sum_j original_units.weights[j] * "
                            "standardization.mean[j] = {}, so the two forms describe different "
                            "models",
                            original_intercept, expected_intercept),
                "edit both forms alike, or use the file that `aumtrain train` wrote");
  }
  m.mean = eigen_of(mean);
  m.sd = eigen_of(sd);
  m.standardized = {eigen_of(weights), intercept};
  m.original = {eigen_of(original), original_intercept};
}

void read_threshold(const ModelJsonReader& reader, ModelFile& m) {
  m.threshold.threshold = reader.number("threshold");
  m.threshold_rule = reader.text("threshold_rule");
  if (m.threshold_rule.empty()) reader.fail("threshold_rule", "it is empty; say how the threshold was chosen");
  for (const auto& [key, value] :
       {std::pair{"threshold_subtrain_errors.false_positives", &m.threshold.false_positives},
        std::pair{"threshold_subtrain_errors.false_negatives", &m.threshold.false_negatives}}) {
    *value = reader.number(key);
    if (*value < 0) reader.fail(key, fmt::format("{} is negative", *value));
  }
}

}  // namespace

ModelFile parse_model_file(std::string_view text, const std::string& path) {
  const Json root = parse_json_once_per_key(text, path);
  const ModelJsonReader reader(root, path);
  const std::uint64_t version = check_format(reader, root, path);
  ModelFile model;
  read_provenance(reader, model);
  read_data_settings(reader, model);
  read_feature_names(reader, model);
  read_categorical(reader, version, model);
  read_weights(reader, model);
  read_threshold(reader, model);
  return model;
}

ModelFile read_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(fmt::format("{}: cannot open the model file; give a file from the models/ "
                                "folder of a run directory",
                                path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw DataError(fmt::format("{}: the model file could not be read", path));
  return parse_model_file(text.str(), path);
}

}  // namespace aumtrain
