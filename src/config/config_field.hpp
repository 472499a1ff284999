// A value of a config file with its key path and where it came from, so that every message
// about it can say where it is: file:line:column, or the --set argument that gave it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace aumtrain::config {

/// Where overrides came from: key path ("train.losses[0].name") -> the --set argument.
using Overrides = std::map<std::string, std::string>;

class Field {
 public:
  /// `enclosing` is where the mapping or list holding the node starts: the place a message
  /// about a missing key points to.
  Field(const YAML::Node& node, std::string path, const std::string& file,
        const Overrides& overrides, YAML::Mark enclosing = YAML::Mark::null_mark())
      : node_(node),
        path_(std::move(path)),
        file_(file),
        overrides_(overrides),
        enclosing_(enclosing) {}

  const std::string& path() const { return path_; }
  bool defined() const { return node_.IsDefined(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
  // An absent key's node throws on every question but IsDefined.
  bool is_sequence() const { return node_.IsDefined() && node_.IsSequence(); }
  bool is_map() const { return node_.IsDefined() && node_.IsMap(); }
  std::size_t size() const { return node_.size(); }

  /// The --set argument that gave this value (or a mapping or list holding it); null if the
  /// value comes from the file.
  const std::string* override_text() const;

  /// "file:line:column: key.path" or "--set key.path=value: key.path".
  std::string where() const;

  [[noreturn]] void fail(const std::string& message) const;

  Field child(const std::string& key) const {
    return Field(node_[key], path_.empty() ? key : path_ + "." + key, file_, overrides_, mark());
  }
  Field element(std::size_t i) const;

  /// Rejects keys outside `allowed`, listing the valid ones.
  void check_keys(const std::vector<std::string>& allowed) const;

  double as_double() const;
  long long as_integer() const;
  bool as_bool() const;
  std::string as_string() const;
  /// A single name, or a list of them.
  std::vector<std::string> as_string_list() const;
  /// A choice among `valid`.
  std::string as_choice(const std::vector<std::string>& valid) const;

 private:
  YAML::Mark mark() const { return node_.IsDefined() ? node_.Mark() : enclosing_; }
  void expect_scalar(const char* expected) const;
  std::string describe_kind() const;

  YAML::Node node_;
  std::string path_;
  const std::string& file_;
  const Overrides& overrides_;
  YAML::Mark enclosing_;
};

/// The message for a config file that is not valid YAML, with yaml-cpp's `mark` and `reason`:
/// "file:line:column: malformed YAML: ...". YAML does not allow tabs in indentation, which
/// yaml-cpp reports in words that do not mention them ("illegal map value"); when a line up to
/// the error is indented with a tab, the message says so and points at that tab instead.
std::string yaml_syntax_error_message(const std::string& file, const YAML::Mark& mark,
                                      const std::string& reason);

/// Applies one --set "key.path=value" (the value in YAML syntax) to the parsed file and records
/// in `overrides` the key path it gave.
void apply_override(YAML::Node& root, const std::string& text, Overrides& overrides);

}  // namespace aumtrain::config
