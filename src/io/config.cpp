#include "aumtrain/io/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/text_format.hpp"

namespace aumtrain {
namespace {

// Where overrides came from: key path -> the --set argument.
using Overrides = std::map<std::string, std::string>;

// A YAML node with its key path and origin, so that every message can say where it is.
class Field {
 public:
  Field(const YAML::Node& node, std::string path, const std::string& file,
        const Overrides& overrides)
      : node_(node), path_(std::move(path)), file_(file), overrides_(overrides) {}

  const std::string& path() const { return path_; }
  bool defined() const { return node_.IsDefined(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_map() const { return node_.IsMap(); }
  std::size_t size() const { return node_.size(); }
  std::string text() const { return node_.IsScalar() ? node_.Scalar() : describe_kind(); }

  /// "file:line:column: key.path" or "--set key.path=value: key.path".
  std::string where() const {
    for (std::string prefix = path_;;) {
      if (auto it = overrides_.find(prefix); it != overrides_.end()) {
        return fmt::format("--set {}: {}", it->second, path_);
      }
      const auto cut = prefix.find_last_of(".[");
      if (cut == std::string::npos) break;
      prefix.resize(cut);
    }
    const YAML::Mark mark = node_.IsDefined() ? node_.Mark() : YAML::Mark::null_mark();
    const std::string place = mark.is_null() ? file_
                                             : fmt::format("{}:{}:{}", file_, mark.line + 1,
                                                           mark.column + 1);
    return path_.empty() ? place : fmt::format("{}: {}", place, path_);
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw ConfigError(fmt::format("{}: {}", where(), message));
  }

  Field child(const std::string& key) const {
    return Field(node_[key], path_.empty() ? key : path_ + "." + key, file_, overrides_);
  }
  Field element(std::size_t i) const {
    return Field(node_[i], fmt::format("{}[{}]", path_, i), file_, overrides_);
  }

  /// Rejects keys outside `allowed`, listing the valid ones.
  void check_keys(const std::vector<std::string>& allowed) const {
    if (!node_.IsMap()) fail(fmt::format("expected a mapping with keys {}", fmt::join(allowed, ", ")));
    for (const auto& item : node_) {
      // YAML allows any node as a key ("? [a, b]"); as<std::string> would throw a yaml-cpp
      // exception that no caller expects.
      if (item.first.IsSequence() || item.first.IsMap()) {
        const Field key_node(item.first, path_, file_, overrides_);
        key_node.fail(fmt::format("expected a key name here, got {}; valid keys here: {}",
                                  key_node.describe_kind(), fmt::join(allowed, ", ")));
      }
      const std::string key = item.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Field(item.first, path_.empty() ? key : path_ + "." + key, file_, overrides_)
            .fail(fmt::format("unknown key '{}'; valid keys here: {}", key,
                              fmt::join(allowed, ", ")));
      }
    }
  }

  double as_double() const {
    expect_scalar("a number");
    double value = 0;
    if (!YAML::convert<double>::decode(node_, value) || std::isnan(value)) {
      fail(fmt::format("expected a number, got '{}'", node_.Scalar()));
    }
    return value;
  }
  long long as_integer() const {
    expect_scalar("a whole number");
    long long value = 0;
    if (!YAML::convert<long long>::decode(node_, value)) {
      fail(fmt::format("expected a whole number, got '{}'", node_.Scalar()));
    }
    return value;
  }
  bool as_bool() const {
    expect_scalar("true or false");
    bool value = false;
    if (!YAML::convert<bool>::decode(node_, value)) {
      fail(fmt::format("expected true or false, got '{}'", node_.Scalar()));
    }
    return value;
  }
  std::string as_string() const {
    expect_scalar("a string");
    return node_.Scalar();
  }
  std::vector<std::string> as_string_list() const {
    std::vector<std::string> out;
    if (node_.IsScalar()) return {as_string()};
    if (!node_.IsSequence()) fail("expected a list of names");
    for (std::size_t i = 0; i < node_.size(); ++i) out.push_back(element(i).as_string());
    return out;
  }
  /// A choice among `valid`.
  std::string as_choice(const std::vector<std::string>& valid) const {
    const std::string value = as_string();
    if (std::find(valid.begin(), valid.end(), value) == valid.end()) {
      fail(fmt::format("'{}' is not valid; use one of: {}", value, fmt::join(valid, ", ")));
    }
    return value;
  }

 private:
  void expect_scalar(const char* expected) const {
    if (!node_.IsScalar()) fail(fmt::format("expected {}, got {}", expected, describe_kind()));
  }
  std::string describe_kind() const {
    if (node_.IsSequence()) return "a list";
    if (node_.IsMap()) return "a mapping";
    if (node_.IsNull()) return "nothing (null)";
    return "'" + node_.Scalar() + "'";
  }

  YAML::Node node_;
  std::string path_;
  const std::string& file_;
  const Overrides& overrides_;
};

template <class T>
T in_range(const Field& field, T value, T low, T high, const char* meaning) {
  if (!(value >= low && value <= high)) field.fail(fmt::format("{} is out of range; {}", value, meaning));
  return value;
}

double open_fraction(const Field& field) {
  const double value = field.as_double();
  if (!(value > 0 && value < 1)) {
    field.fail(fmt::format("{} is out of range; give a fraction strictly between 0 and 1", value));
  }
  return value;
}

DataConfig read_data(const Field& field) {
  if (field.is_null()) field.fail("missing; give at least data.path");
  field.check_keys({"path", "format", "delimiter", "label", "positive_label", "features",
                    "exclude", "missing"});
  DataConfig data;
  const Field path = field.child("path");
  if (path.is_null()) path.fail("missing; give the dataset file, e.g. datasets/sonar.csv");
  data.path = path.as_string();
  if (const Field f = field.child("format"); !f.is_null()) {
    data.format = f.as_choice({"csv", "libsvm"}) == "csv" ? DataFormat::csv : DataFormat::libsvm;
  }
  if (const Field f = field.child("delimiter"); !f.is_null()) {
    const std::string d = f.as_string();
    if (d == "auto") {
      data.delimiter = 0;
    } else if (d == "," || d == ";" || d == "\t") {
      data.delimiter = d[0];
    } else if (d == "tab" || d == "\\t") {
      data.delimiter = '\t';
    } else {
      f.fail(fmt::format("'{}' is not valid; use one of: auto, \",\", \";\", \"\\t\"", d));
    }
  }
  if (const Field f = field.child("label"); !f.is_null()) data.label = f.as_string();
  if (const Field f = field.child("positive_label"); !f.is_null()) {
    data.positive_label = f.as_string();
  }
  if (const Field f = field.child("features"); !f.is_null()) {
    if (!(f.is_sequence()) && f.as_string() == "all") {
      data.features.clear();
    } else {
      data.features = f.as_string_list();
      if (data.features.empty()) f.fail("the feature list is empty; list columns or write all");
    }
  }
  if (const Field f = field.child("exclude"); !f.is_null()) data.exclude = f.as_string_list();
  if (const Field f = field.child("missing"); !f.is_null()) {
    data.missing = f.as_choice({"error", "drop_rows"}) == "error" ? MissingPolicy::error
                                                                  : MissingPolicy::drop_rows;
  }
  return data;
}

std::string checked_name(const Field& field) {
  const std::string name = field.as_string();
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (!ok) {
    field.fail(fmt::format("'{}' is not a usable name; use letters, digits, '_', '-' and '.'",
                           name));
  }
  return name;
}

SplitConfig read_split(const Field& field) {
  SplitConfig split;
  if (field.is_null()) return split;
  field.check_keys({"test", "validation", "positive_fraction", "seeds", "standardize"});
  if (const Field f = field.child("test"); !f.is_null()) split.test = open_fraction(f);
  if (const Field f = field.child("validation"); !f.is_null()) split.validation = open_fraction(f);
  if (const Field f = field.child("positive_fraction"); f.defined()) {
    split.positive_fractions.clear();
    if (f.is_sequence()) {
      if (f.size() == 0) f.fail("the list is empty; give null (as-is) or fractions like 0.1");
      for (std::size_t i = 0; i < f.size(); ++i) {
        const Field item = f.element(i);
        split.positive_fractions.push_back(item.is_null() ? std::nullopt
                                                          : std::optional(open_fraction(item)));
      }
    } else {
      split.positive_fractions.push_back(f.is_null() ? std::nullopt
                                                     : std::optional(open_fraction(f)));
    }
    for (std::size_t i = 0; i < split.positive_fractions.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (split.positive_fractions[i] == split.positive_fractions[j]) {
          f.fail(fmt::format("positive fraction {} is listed twice",
                             positive_fraction_label(split.positive_fractions[i])));
        }
      }
    }
  }
  if (const Field f = field.child("seeds"); !f.is_null()) {
    split.seeds.clear();
    if (!f.is_sequence()) {
      split.seeds.push_back(static_cast<std::uint64_t>(
          in_range(f, f.as_integer(), 0LL, std::numeric_limits<long long>::max(),
                   "seeds are whole numbers >= 0")));
    } else {
      if (f.size() == 0) f.fail("the list is empty; give at least one seed, e.g. [1, 2, 3]");
      for (std::size_t i = 0; i < f.size(); ++i) {
        const Field item = f.element(i);
        const auto seed = static_cast<std::uint64_t>(
            in_range(item, item.as_integer(), 0LL, std::numeric_limits<long long>::max(),
                     "seeds are whole numbers >= 0"));
        if (std::find(split.seeds.begin(), split.seeds.end(), seed) != split.seeds.end()) {
          item.fail(fmt::format("seed {} is listed twice", seed));
        }
        split.seeds.push_back(seed);
      }
    }
  }
  if (const Field f = field.child("standardize"); !f.is_null()) split.standardize = f.as_bool();
  return split;
}

LossSpec read_loss(const Field& field) {
  LossSpec spec;
  const std::vector<std::string> names(loss_names().begin(), loss_names().end());
  if (!field.is_map()) {
    spec.name = field.as_choice(names);
    return spec;
  }
  field.check_keys({"name", "denominator", "margin"});
  const Field name = field.child("name");
  if (name.is_null()) name.fail(fmt::format("missing; give one of: {}", fmt::join(names, ", ")));
  spec.name = name.as_choice(names);
  if (const Field f = field.child("denominator"); !f.is_null()) {
    if (spec.name != "aum") f.fail(fmt::format("only the aum loss has a denominator, not {}", spec.name));
    spec.denominator = f.as_choice({"rate", "count"}) == "rate" ? Denominator::rate
                                                                : Denominator::count;
  }
  if (const Field f = field.child("margin"); !f.is_null()) {
    if (spec.name != "squared_hinge_all_pairs") {
      f.fail(fmt::format("only squared_hinge_all_pairs has a margin, not {}", spec.name));
    }
    spec.margin = f.as_double();
    if (!(spec.margin > 0) || !std::isfinite(spec.margin)) {
      f.fail(fmt::format("{} is out of range; the margin must be > 0", spec.margin));
    }
  }
  return spec;
}

std::vector<LossSpec> default_losses() {
  return {{"aum", Denominator::rate, 1.0},
          {"aum", Denominator::count, 1.0},
          {"logistic", Denominator::rate, 1.0},
          {"logistic_balanced", Denominator::rate, 1.0},
          {"squared_hinge_all_pairs", Denominator::rate, 1.0}};
}

TrainConfig read_train(const Field& field) {
  TrainConfig train;
  train.losses = default_losses();
  if (field.is_null()) return train;
  field.check_keys({"losses", "step_sizes", "max_iterations", "init", "patience"});
  if (const Field f = field.child("losses"); f.defined()) {
    if (!f.is_sequence() || f.size() == 0) {
      f.fail(fmt::format("give a non-empty list of losses, e.g. [{{name: aum}}, {{name: "
                         "logistic}}]; valid names: {}",
                         fmt::join(loss_names(), ", ")));
    }
    train.losses.clear();
    for (std::size_t i = 0; i < f.size(); ++i) {
      const Field item = f.element(i);
      LossSpec spec = read_loss(item);
      for (const auto& other : train.losses) {
        if (loss_display_name(other) == loss_display_name(spec)) {
          item.fail(fmt::format("loss {} is listed twice", loss_display_name(spec)));
        }
      }
      train.losses.push_back(spec);
    }
  }
  if (const Field f = field.child("step_sizes"); f.defined()) {
    auto& step_sizes = train.optimizers.front().step_sizes;
    step_sizes.clear();
    if (f.is_sequence() && f.size() == 0) f.fail("the list is empty; give step sizes like [0.01, 0.1, 1]");
    const std::size_t count = f.is_sequence() ? f.size() : 1;
    for (std::size_t i = 0; i < count; ++i) {
      const Field item = f.is_sequence() ? f.element(i) : f;
      const double step = item.as_double();
      if (!(step > 0) || !std::isfinite(step)) {
        item.fail(fmt::format("{} is out of range; step sizes must be finite and > 0", step));
      }
      if (std::find(step_sizes.begin(), step_sizes.end(), step) != step_sizes.end()) {
        item.fail(fmt::format("step size {} is listed twice", step));
      }
      step_sizes.push_back(step);
    }
  }
  if (const Field f = field.child("max_iterations"); !f.is_null()) {
    train.max_iterations = static_cast<int>(
        in_range(f, f.as_integer(), 1LL, 100'000'000LL, "max_iterations must be >= 1"));
  }
  if (const Field f = field.child("init"); !f.is_null()) {
    train.init = f.as_choice({"zeros", "random"}) == "zeros" ? InitKind::zeros : InitKind::random;
  }
  if (const Field f = field.child("patience"); !f.is_null()) {
    train.patience = static_cast<int>(
        in_range(f, f.as_integer(), 1LL, 100'000'000LL, "patience must be >= 1 (or null)"));
  }
  return train;
}

OutputConfig read_output(const Field& field, const std::string& name) {
  OutputConfig output;
  output.directory = "runs/" + name;
  if (field.is_null()) return output;
  field.check_keys({"directory", "log_every", "plots"});
  if (const Field f = field.child("directory"); !f.is_null()) {
    output.directory = f.as_string();
    if (output.directory.empty()) f.fail("the directory is empty; give a path like runs/sonar");
  }
  if (const Field f = field.child("log_every"); !f.is_null()) {
    output.log_every = static_cast<int>(
        in_range(f, f.as_integer(), 1LL, 100'000'000LL, "log_every must be >= 1"));
  }
  if (const Field f = field.child("plots"); !f.is_null()) output.plots = f.as_bool();
  return output;
}

void apply_override(YAML::Node& root, const std::string& text, Overrides& overrides) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(fmt::format(
        "--set {}: expected key.path=value, e.g. --set train.max_iterations=100", text));
  }
  const std::string path = text.substr(0, equals);
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(equals + 1));
  } catch (const YAML::Exception& error) {
    throw ConfigError(fmt::format("--set {}: the value is not valid YAML: {}", text, error.msg));
  }
  std::vector<std::string> keys;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    keys.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::string resolved;
  YAML::Node node = root;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const std::string& key = keys[k];
    if (key.empty()) throw ConfigError(fmt::format("--set {}: the key path has an empty part", text));
    const bool last = k + 1 == keys.size();
    if (node.IsSequence()) {
      std::size_t index = 0;
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (error != std::errc() || end != key.data() + key.size() || index >= node.size()) {
        if (node.size() == 0) {
          throw ConfigError(fmt::format("--set {}: '{}' is an empty list; set the whole list "
                                        "instead, e.g. --set {}=[...]",
                                        text, resolved, resolved));
        }
        throw ConfigError(fmt::format("--set {}: '{}' is a list of {} items; index it with 0 to {}",
                                      text, resolved, node.size(), node.size() - 1));
      }
      resolved += fmt::format("[{}]", index);
      if (last) {
        node[index] = value;
      } else {
        YAML::Node next = node[index];
        node.reset(next);
      }
    } else {
      if (!node.IsMap() && !node.IsNull()) {
        throw ConfigError(fmt::format("--set {}: '{}' is a single value, not a mapping", text,
                                      resolved));
      }
      resolved += (resolved.empty() ? "" : ".") + key;
      if (last) {
        node[key] = value;
      } else {
        if (!node[key].IsDefined() || node[key].IsNull()) node[key] = YAML::Node(YAML::NodeType::Map);
        YAML::Node next = node[key];
        node.reset(next);
      }
    }
  }
  overrides[resolved] = text;
}

}  // namespace

std::string loss_display_name(const LossSpec& spec) {
  if (spec.name == "aum") return fmt::format("aum.{}", denominator_name(spec.denominator));
  return spec.name;
}

std::string positive_fraction_label(const std::optional<double>& fraction) {
  return fraction ? format_number(*fraction) : "as-is";
}

ExperimentConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot read the config file; check the path", path));
  } catch (const YAML::ParserException& error) {
    throw ConfigError(fmt::format("{}:{}:{}: malformed YAML: {}; fix the syntax there", path,
                                  error.mark.line + 1, error.mark.column + 1, error.msg));
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  Overrides origins;
  for (const auto& text : overrides) apply_override(root, text, origins);

  const Field top(root, "", path, origins);
  if (!top.is_map()) top.fail("a config is a mapping with keys name, data (or datasets), split, train, output");
  top.check_keys({"name", "data", "datasets", "split", "train", "output"});
  ExperimentConfig config;
  config.source = path;
  if (const Field f = top.child("name"); !f.is_null()) {
    config.name = checked_name(f);
  } else {
    config.name = std::filesystem::path(path).stem().string();
  }
  const Field data = top.child("data");
  const Field datasets = top.child("datasets");
  if (data.defined() && datasets.defined()) {
    datasets.fail("give either data (one dataset) or datasets (a list), not both");
  }
  if (datasets.defined()) {
    if (!datasets.is_sequence() || datasets.size() == 0) {
      datasets.fail("expected a non-empty list of {name, data} items");
    }
    for (std::size_t i = 0; i < datasets.size(); ++i) {
      const Field item = datasets.element(i);
      item.check_keys({"name", "data"});
      const Field name = item.child("name");
      if (name.is_null()) name.fail("missing; every dataset needs a name");
      DatasetEntry entry{checked_name(name), read_data(item.child("data"))};
      for (const auto& other : config.datasets) {
        if (other.name == entry.name) name.fail(fmt::format("dataset name '{}' is used twice", entry.name));
      }
      config.datasets.push_back(std::move(entry));
    }
  } else {
    config.datasets.push_back({config.name, read_data(data)});
  }
  config.split = read_split(top.child("split"));
  config.train = read_train(top.child("train"));
  config.output = read_output(top.child("output"), config.name);
  return config;
}

std::string to_yaml(const ExperimentConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << config.name;
  auto emit_data = [&](const DataConfig& data) {
    out << YAML::BeginMap;
    out << YAML::Key << "path" << YAML::Value << data.path;
    out << YAML::Key << "format" << YAML::Value << (data.format == DataFormat::csv ? "csv" : "libsvm");
    out << YAML::Key << "delimiter" << YAML::Value << YAML::DoubleQuoted
        << (data.delimiter == 0 ? std::string("auto") : std::string(1, data.delimiter));
    out << YAML::Key << "label" << YAML::Value;
    if (data.label.empty()) {
      out << YAML::Null;
    } else {
      out << data.label;
    }
    out << YAML::Key << "positive_label" << YAML::Value << YAML::DoubleQuoted << data.positive_label;
    out << YAML::Key << "features" << YAML::Value;
    if (data.features.empty()) {
      out << "all";
    } else {
      out << YAML::Flow << data.features;
    }
    out << YAML::Key << "exclude" << YAML::Value << YAML::Flow << data.exclude;
    out << YAML::Key << "missing" << YAML::Value
        << (data.missing == MissingPolicy::error ? "error" : "drop_rows");
    out << YAML::EndMap;
  };
  if (config.datasets.size() == 1 && config.datasets.front().name == config.name) {
    out << YAML::Key << "data" << YAML::Value;
    emit_data(config.datasets.front().data);
  } else {
    out << YAML::Key << "datasets" << YAML::Value << YAML::BeginSeq;
    for (const auto& entry : config.datasets) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << entry.name;
      out << YAML::Key << "data" << YAML::Value;
      emit_data(entry.data);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  const SplitConfig& split = config.split;
  out << YAML::Key << "split" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "test" << YAML::Value << format_number(split.test);
  out << YAML::Key << "validation" << YAML::Value << format_number(split.validation);
  out << YAML::Key << "positive_fraction" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& fraction : split.positive_fractions) {
    if (fraction) {
      out << format_number(*fraction);
    } else {
      out << YAML::Null;
    }
  }
  out << YAML::EndSeq;
  out << YAML::Key << "seeds" << YAML::Value << YAML::Flow << split.seeds;
  out << YAML::Key << "standardize" << YAML::Value << split.standardize;
  out << YAML::EndMap;
  const TrainConfig& train = config.train;
  out << YAML::Key << "train" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "losses" << YAML::Value << YAML::BeginSeq;
  for (const auto& loss : train.losses) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << loss.name;
    if (loss.name == "aum") {
      out << YAML::Key << "denominator" << YAML::Value
          << std::string(denominator_name(loss.denominator));
    }
    if (loss.name == "squared_hinge_all_pairs") out << YAML::Key << "margin" << YAML::Value << format_number(loss.margin);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  std::vector<std::string> steps;
  for (double step : train.optimizers.front().step_sizes) steps.push_back(format_number(step));
  out << YAML::Key << "step_sizes" << YAML::Value << YAML::Flow << steps;
  out << YAML::Key << "max_iterations" << YAML::Value << train.max_iterations;
  out << YAML::Key << "init" << YAML::Value << (train.init == InitKind::zeros ? "zeros" : "random");
  out << YAML::Key << "patience" << YAML::Value;
  if (train.patience) {
    out << *train.patience;
  } else {
    out << YAML::Null;
  }
  out << YAML::EndMap;
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "directory" << YAML::Value << config.output.directory;
  out << YAML::Key << "log_every" << YAML::Value << config.output.log_every;
  out << YAML::Key << "plots" << YAML::Value << config.output.plots;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace aumtrain
