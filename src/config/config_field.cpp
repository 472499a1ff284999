#include "config_field.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"

namespace aumtrain::config {

const std::string* Field::override_text() const {
  for (std::string prefix = path_;;) {
    if (auto it = overrides_.find(prefix); it != overrides_.end()) return &it->second;
    const auto cut = prefix.find_last_of(".[");
    if (cut == std::string::npos) return nullptr;
    prefix.resize(cut);
  }
}

std::string Field::where() const {
  if (const std::string* text = override_text()) return fmt::format("--set {}: {}", *text, path_);
  const YAML::Mark mark = this->mark();
  const std::string place =
      mark.is_null() ? file_ : fmt::format("{}:{}:{}", file_, mark.line + 1, mark.column + 1);
  return path_.empty() ? place : fmt::format("{}: {}", place, path_);
}

void Field::fail(const std::string& message) const {
  throw ConfigError(fmt::format("{}: {}", where(), message));
}

Field Field::element(std::size_t i) const {
  return Field(node_[i], fmt::format("{}[{}]", path_, i), file_, overrides_, mark());
}

void Field::check_keys(const std::vector<std::string>& allowed) const {
  if (!node_.IsMap())
    fail(fmt::format("expected a mapping with keys {}", fmt::join(allowed, ", ")));
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
          .fail(
              fmt::format("unknown key '{}'; valid keys here: {}", key, fmt::join(allowed, ", ")));
    }
  }
}

double Field::as_double() const {
  expect_scalar("a number");
  double value = 0;
  if (!YAML::convert<double>::decode(node_, value) || std::isnan(value)) {
    fail(fmt::format("expected a number, got '{}'", node_.Scalar()));
  }
  return value;
}

long long Field::as_integer() const {
  expect_scalar("a whole number");
  long long value = 0;
  if (YAML::convert<long long>::decode(node_, value)) return value;
  // The forms the command line takes too: 100_000, 1e5.
  const CountReading count = read_count(node_.Scalar());
  if (!count.value) fail(fmt::format("expected a whole number, got '{}'", node_.Scalar()));
  if (*count.value > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) {
    fail(fmt::format("'{}' is too large", node_.Scalar()));
  }
  return static_cast<long long>(*count.value);
}

bool Field::as_bool() const {
  expect_scalar("true or false");
  bool value = false;
  if (!YAML::convert<bool>::decode(node_, value)) {
    fail(fmt::format("expected true or false, got '{}'", node_.Scalar()));
  }
  return value;
}

std::string Field::as_string() const {
  expect_scalar("a string");
  return node_.Scalar();
}

std::vector<std::string> Field::as_string_list() const {
  if (node_.IsScalar()) return {as_string()};
  if (!node_.IsSequence()) fail("expected a list of names");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node_.size(); ++i) out.push_back(element(i).as_string());
  return out;
}

std::string Field::as_choice(const std::vector<std::string>& valid) const {
  const std::string value = as_string();
  if (std::find(valid.begin(), valid.end(), value) == valid.end()) {
    fail(fmt::format("'{}' is not valid; use one of: {}", value, fmt::join(valid, ", ")));
  }
  return value;
}

void Field::expect_scalar(const char* expected) const {
  if (!node_.IsScalar()) fail(fmt::format("expected {}, got {}", expected, describe_kind()));
}

std::string Field::describe_kind() const {
  if (node_.IsSequence()) return "a list";
  if (node_.IsMap()) return "a mapping";
  if (node_.IsNull()) return "nothing (null)";
  return "'" + node_.Scalar() + "'";
}

std::string yaml_syntax_error_message(const std::string& file, const YAML::Mark& mark,
                                      const std::string& reason) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  for (int number = 0; number <= mark.line && std::getline(in, line); ++number) {
    const std::size_t indent_end = line.find_first_not_of(" \t");
    const std::size_t tab = line.find('\t');
    if (indent_end != std::string::npos && tab < indent_end) {  // not for blank lines
      return fmt::format("{}:{}:{}: YAML does not allow tabs for indentation; use spaces", file,
                         number + 1, tab + 1);
    }
  }
  return fmt::format("{}:{}:{}: malformed YAML: {}; fix the syntax there", file, mark.line + 1,
                     mark.column + 1, reason);
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
    if (key.empty())
      throw ConfigError(fmt::format("--set {}: the key path has an empty part", text));
    const bool last = k + 1 == keys.size();
    if (node.IsSequence()) {
      std::size_t index = 0;
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (error != std::errc() || end != key.data() + key.size() || index >= node.size()) {
        if (node.size() == 0) {
          throw ConfigError(
              fmt::format("--set {}: '{}' is an empty list; set the whole list "
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
        throw ConfigError(
            fmt::format("--set {}: '{}' is a single value, not a mapping", text, resolved));
      }
      resolved += (resolved.empty() ? "" : ".") + key;
      if (last) {
        node[key] = value;
      } else {
        if (!node[key].IsDefined() || node[key].IsNull())
          node[key] = YAML::Node(YAML::NodeType::Map);
        YAML::Node next = node[key];
        node.reset(next);
      }
    }
  }
  overrides[resolved] = text;
}

}  // namespace aumtrain::config
