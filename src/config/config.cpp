// Every key of a config is declared once, in the tables below (one per section and one per kind
// of list item): its name, type, range or choices, one-line doc, and how it is read, checked and
// written back. Reading, to_yaml, the valid-key lists of messages and the Markdown reference are
// all derived from them; defaults come from the default-constructed structs of config.hpp.
#include "aumtrain/config/config.hpp"

#include <fmt/format.h>
#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "config_field.hpp"
#include "config_schema.hpp"

namespace aumtrain {
namespace {

using config::Choices;
using config::Field;
using config::ItemList;
using config::Key;
using config::Keys;
using config::Value;

// ---- the values of keys: how each kind is read, checked, written and described ----

std::string code_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& name : names) quoted.push_back(fmt::format("`{}`", name));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

template <class T>
T in_range(const Field& field, T value, T low, T high, const std::string& meaning) {
  if (!(value >= low && value <= high)) {
    field.fail(fmt::format("{} is out of range; {}", value, meaning));
  }
  return value;
}

double open_fraction(const Field& field) {
  const double value = field.as_double();
  if (!(value > 0 && value < 1)) {
    field.fail(fmt::format("{} is out of range; give a fraction strictly between 0 and 1", value));
  }
  return value;
}

template <class S, class T>
Value<S> choice(T S::*member, const Choices<T>& choices) {
  return {"name", code_list(config::choice_names(choices)),
          [member, &choices](const Field& field, S& target) {
            const std::string name = field.as_choice(config::choice_names(choices));
            for (const auto& [text, value] : choices) {
              if (text == name) target.*member = value;
            }
          },
          [member, &choices](YAML::Emitter& out, const S& source) {
            out << config::choice_name(choices, source.*member);
          }};
}

template <class S>
Value<S> name_among(std::string S::*member, std::vector<std::string> names) {
  return {
      "name", code_list(names),
      [member, names](const Field& field, S& target) { target.*member = field.as_choice(names); },
      [member](YAML::Emitter& out, const S& source) { out << source.*member; }};
}

template <class S>
Value<S> fraction(double S::*member) {
  return {"number", "strictly between 0 and 1",
          [member](const Field& field, S& target) { target.*member = open_fraction(field); },
          [member](YAML::Emitter& out, const S& source) { out << format_number(source.*member); }};
}

template <class S>
Value<S> positive_number(double S::*member) {
  return {"number", "finite, > 0",
          [member](const Field& field, S& target) {
            const double value = field.as_double();
            if (!(value > 0) || !std::isfinite(value)) {
              field.fail(fmt::format("{} is out of range; the {} must be finite and > 0", value,
                                     field.path().substr(field.path().rfind('.') + 1)));
            }
            target.*member = value;
          },
          [member](YAML::Emitter& out, const S& source) { out << format_number(source.*member); }};
}

constexpr long long kMostIterations = 100'000'000;

template <class S, class T>
Value<S> whole_number(T S::*member, long long low, long long high = kMostIterations) {
  return {"whole number", fmt::format(">= {}", low),
          [member, low, high](const Field& field, S& target) {
            const std::string name = field.path().substr(field.path().rfind('.') + 1);
            target.*member = static_cast<T>(in_range(field, field.as_integer(), low, high,
                                                     fmt::format("{} must be >= {}", name, low)));
          },
          [member](YAML::Emitter& out, const S& source) { out << source.*member; }};
}

/// A whole number >= 1, or null for none.
template <class S>
Value<S> optional_whole_number(std::optional<int> S::*member) {
  return {"whole number or null", ">= 1",
          [member](const Field& field, S& target) {
            const std::string name = field.path().substr(field.path().rfind('.') + 1);
            target.*member = static_cast<int>(in_range(field, field.as_integer(), 1LL,
                                                       kMostIterations,
                                                       fmt::format("{} must be >= 1 (or null)", name)));
          },
          [member](YAML::Emitter& out, const S& source) {
            if (source.*member) {
              out << *(source.*member);
            } else {
              out << YAML::Null;
            }
          }};
}

template <class S>
Value<S> flag(bool S::*member) {
  return {"true or false", "`true`, `false`",
          [member](const Field& field, S& target) { target.*member = field.as_bool(); },
          [member](YAML::Emitter& out, const S& source) { out << source.*member; }};
}

/// Text; `empty_hint` non-empty rejects an empty text with that advice.
template <class S>
Value<S> text(std::string S::*member, std::string empty_hint = {}) {
  return {"text", empty_hint.empty() ? "any" : "not empty",
          [member, empty_hint](const Field& field, S& target) {
            target.*member = field.as_string();
            if (!empty_hint.empty() && (target.*member).empty()) {
              field.fail("it is empty; " + empty_hint);
            }
          },
          [member](YAML::Emitter& out, const S& source) { out << source.*member; }};
}

template <class S>
Value<S> name_list(std::vector<std::string> S::*member) {
  return {"list of names", "column names",
          [member](const Field& field, S& target) { target.*member = field.as_string_list(); },
          [member](YAML::Emitter& out, const S& source) { out << YAML::Flow << source.*member; }};
}

std::string checked_name(const Field& field) {
  const std::string name = field.as_string();
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (!ok) {
    field.fail(
        fmt::format("'{}' is not a usable name; use letters, digits, '_', '-' and '.'", name));
  }
  return name;
}

template <class S>
Value<S> usable_name(std::string S::*member) {
  return {"name", "letters, digits, `_`, `-`, `.`",
          [member](const Field& field, S& target) { target.*member = checked_name(field); },
          [member](YAML::Emitter& out, const S& source) { out << source.*member; }};
}

/// A single value or a non-empty list of distinct values, each read by `read_one`; `noun` names
/// one value in the "listed twice" message.
template <class ReadOne>
auto read_distinct_values(const Field& field, const std::string& empty_hint, const char* noun,
                          ReadOne read_one) {
  if (field.is_sequence() && field.size() == 0) field.fail("the list is empty; " + empty_hint);
  std::vector<decltype(read_one(field))> values;
  const std::size_t count = field.is_sequence() ? field.size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const Field item = field.is_sequence() ? field.element(i) : field;
    const auto value = read_one(item);
    if (std::find(values.begin(), values.end(), value) != values.end()) {
      item.fail(fmt::format("{} {} is listed twice", noun,
                            item.is_null() ? std::string("null") : item.as_string()));
    }
    values.push_back(value);
  }
  return values;
}

/// A single step size or a list of them: finite, > 0, each once.
std::vector<double> read_step_sizes(const Field& field) {
  return read_distinct_values(
      field, "give step sizes like [0.01, 0.1, 1]", "step size", [](const Field& item) {
        const double step = item.as_double();
        if (!(step > 0) || !std::isfinite(step)) {
          item.fail(fmt::format("{} is out of range; step sizes must be finite and > 0", step));
        }
        return step;
      });
}

void write_numbers(YAML::Emitter& out, const std::vector<double>& numbers) {
  out << YAML::Flow << YAML::BeginSeq;
  for (double number : numbers) out << format_number(number);
  out << YAML::EndSeq;
}

const char* const kStepSizesType = "number or list of numbers";
const char* const kStepSizesAllowed = "finite, > 0, each once";

// ---- the choices ----

const Choices<DataFormat> kFormats = {{"csv", DataFormat::csv}, {"libsvm", DataFormat::libsvm}};
const Choices<MissingPolicy> kMissingPolicies = {{"error", MissingPolicy::error},
                                                 {"drop_rows", MissingPolicy::drop_rows},
                                                 {"category", MissingPolicy::category}};
const Choices<FeatureStorage> kStorages = {{"auto", FeatureStorage::automatic},
                                           {"dense", FeatureStorage::dense},
                                           {"sparse", FeatureStorage::sparse}};
const Choices<InitKind> kInits = {{"zeros", InitKind::zeros}, {"random", InitKind::random}};
const Choices<LineSearchRule> kStopRules = {{"min_aum", LineSearchRule::min_aum},
                                            {"max_auc", LineSearchRule::max_auc},
                                            {"iterations", LineSearchRule::iterations}};
const Choices<ParallelMode> kParallelModes = {{"auto", ParallelMode::automatic},
                                              {"data", ParallelMode::data},
                                              {"runs", ParallelMode::runs}};
const Choices<SearchSet> kSearchSets = {{"subtrain", SearchSet::subtrain},
                                        {"validation", SearchSet::validation}};
const std::vector<std::string> kOptimizerNames = {"constant", "line_search"};

const Choices<Denominator>& denominators() {
  static const Choices<Denominator> choices = [] {
    Choices<Denominator> out;
    for (Denominator d : {Denominator::rate, Denominator::count}) {
      out.emplace_back(std::string(denominator_name(d)), d);
    }
    return out;
  }();
  return choices;
}

std::vector<std::string> loss_name_list() {
  return {loss_names().begin(), loss_names().end()};
}

/// The default of train.losses: every loss, aum with each denominator.
std::vector<LossSpec> every_loss() {
  std::vector<LossSpec> losses;
  for (const std::string& name : loss_name_list()) {
    if (name != "aum") {
      losses.push_back({.name = name});
      continue;
    }
    for (const auto& choice : denominators())
      losses.push_back({.name = name, .denominator = choice.second});
  }
  return losses;
}

// ---- data ----

Value<DataConfig> delimiter_value() {
  return {
      "text", R"(`auto`, `","`, `";"`, `"\t"`)",
      [](const Field& field, DataConfig& data) {
        const std::string d = field.as_string();
        if (d == "auto") {
          data.delimiter = 0;
        } else if (d == "," || d == ";" || d == "\t") {
          data.delimiter = d[0];
        } else if (d == "tab" || d == "\\t") {
          data.delimiter = '\t';
        } else {
          field.fail(fmt::format("'{}' is not valid; use one of: auto, \",\", \";\", \"\\t\"", d));
        }
      },
      [](YAML::Emitter& out, const DataConfig& data) {
        if (data.delimiter == 0) {
          out << "auto";
        } else {
          out << YAML::DoubleQuoted << std::string(1, data.delimiter);
        }
      }};
}

Value<DataConfig> features_value() {
  return {"`all` or list of names", "column names",
          [](const Field& field, DataConfig& data) {
            if (!field.is_sequence() && field.as_string() == "all") {
              data.features.clear();
              return;
            }
            data.features = field.as_string_list();
            if (data.features.empty())
              field.fail("the feature list is empty; list columns or write all");
          },
          [](YAML::Emitter& out, const DataConfig& data) {
            if (data.features.empty()) {
              out << "all";
            } else {
              out << YAML::Flow << data.features;
            }
          }};
}

/// data.path: one file or pattern, or a non-empty list of files.
Value<DataConfig> data_path_value() {
  return {"text or list of texts", "file paths or a glob pattern",
          [](const Field& field, DataConfig& data) {
            data.path_origin = field.where();
            data.path_is_list = field.is_sequence();
            data.shards.clear();
            if (data.path_is_list) {
              data.shards = field.as_string_list();
              if (data.shards.empty()) field.fail("the list is empty; give at least one file");
              for (const std::string& shard : data.shards) {
                if (shard.empty()) field.fail("a file of the list is empty; give its path");
              }
              data.path = data.shards.front();
              return;
            }
            data.path = field.as_string();
            if (data.path.empty()) {
              field.fail("it is empty; give the dataset file, e.g. datasets/sonar.csv");
            }
          },
          [](YAML::Emitter& out, const DataConfig& data) {
            if (data.path_is_list) {
              out << YAML::Flow << data.shards;
            } else {
              out << data.path;
            }
          }};
}

Value<DataConfig> categorical_value() {
  return {"`auto` or list of names", "column names",
          [](const Field& field, DataConfig& data) {
            data.categorical.clear();
            data.categorical_auto = !field.is_sequence() && field.as_string() == "auto";
            if (!data.categorical_auto) data.categorical = field.as_string_list();
          },
          [](YAML::Emitter& out, const DataConfig& data) {
            if (data.categorical_auto) {
              out << "auto";
            } else {
              out << YAML::Flow << data.categorical;
            }
          }};
}

const Keys<DataConfig>& data_keys() {
  static const Keys<DataConfig> keys = {
      {.name = "path",
       .doc = "the dataset file, or its CSV shards: a list of files or a glob pattern (`*`, "
              "`?`, `[...]`; matches sorted by name), read one after the other, each with the "
              "same header; a relative path (also one given by `--set`) is taken from the "
              "config file's folder",
       .value = data_path_value(),
       .required = "give the dataset file, e.g. datasets/sonar.csv"},
      {.name = "format",
       .doc = "`csv`: a header row, then one row per example; `libsvm` (svmlight): `label "
              "index:value ...` with 1-based increasing indices, `#` comments and `qid:` ignored, "
              "features named `f1`, `f2`, ... by index",
       .value = choice(&DataConfig::format, kFormats)},
      {.name = "delimiter",
       .doc = "the CSV field separator; `auto` takes the most frequent of `,`, tab and `;` in "
              "the header",
       .value = delimiter_value()},
      {.name = "label",
       .doc = "the label column (CSV only)",
       .value = {"text", "a column name",
                 [](const Field& field, DataConfig& data) {
                   data.label = field.as_string();
                   data.label_origin = field.where();
                 },
                 [](YAML::Emitter& out, const DataConfig& data) {
                   if (data.label.empty()) {
                     out << YAML::Null;
                   } else {
                     out << data.label;
                   }
                 }},
       .default_text = "the last column"},
      {.name = "positive_label",
       .doc = "rows whose label equals this (as text, or as a number: `1.0` equals `1`) are "
              "positive, all others negative: one-vs-rest for multi-class labels",
       .value = {
           "text", "a label value",
           [](const Field& field, DataConfig& data) { data.positive_label = field.as_string(); },
           [](YAML::Emitter& out, const DataConfig& data) {
             out << YAML::DoubleQuoted << data.positive_label;
           }}},
      {.name = "features",
       .doc = "`all`: every column but the label; or the columns to use",
       .value = features_value()},
      {.name = "exclude",
       .doc = "columns left out of the features (an ID column, a text column)",
       .value = name_list(&DataConfig::exclude)},
      {.name = "missing",
       .doc = "what a missing cell (empty, `NA`, `NaN`, `?`) does: `error` stops at its "
              "file:line:column; `drop_rows` drops the row and counts it in the log; "
              "`category`: in a categorical column it is the level `NA` (feature `column=NA`), "
              "elsewhere an error",
       .value = choice(&DataConfig::missing, kMissingPolicies)},
      {.name = "storage",
       .doc = "how the features are held in memory: `dense`, a matrix of rows x features "
              "doubles; `sparse`, only the nonzeros (12 bytes each, plus 8 per row), one feature "
              "per libsvm index that occurs; `auto`: sparse for libsvm and for a CSV with "
              "categorical columns, dense otherwise",
       .value = choice(&DataConfig::storage, kStorages)},
      {.name = "categorical",
       .doc = "CSV columns to one-hot encode: a 0/1 feature `column=level` per level seen in "
              "subtrain (a level seen only in other rows, or in new data, gives 0s); `auto`: "
              "every feature column with a cell that is not a number",
       .value = categorical_value()},
  };
  return keys;
}

// ---- split ----

Value<SplitConfig> positive_fractions_value() {
  return {"fraction, null or a list of them", "strictly between 0 and 1, or null; each once",
          [](const Field& field, SplitConfig& split) {
            split.positive_fractions = read_distinct_values(
                field, "give null (as-is) or fractions like 0.1", "positive fraction",
                [](const Field& item) {
                  return item.is_null() ? std::nullopt : std::optional(open_fraction(item));
                });
          },
          [](YAML::Emitter& out, const SplitConfig& split) {
            out << YAML::Flow << YAML::BeginSeq;
            for (const auto& fraction : split.positive_fractions) {
              if (fraction) {
                out << format_number(*fraction);
              } else {
                out << YAML::Null;
              }
            }
            out << YAML::EndSeq;
          }};
}

Value<SplitConfig> seeds_value() {
  return {"whole number or list of them", ">= 0, each once",
          [](const Field& field, SplitConfig& split) {
            split.seeds = read_distinct_values(
                field, "give at least one seed, e.g. [1, 2, 3]", "seed", [](const Field& item) {
                  return static_cast<std::uint64_t>(in_range(item, item.as_integer(), 0LL,
                                                             std::numeric_limits<long long>::max(),
                                                             "seeds are whole numbers >= 0"));
                });
          },
          [](YAML::Emitter& out, const SplitConfig& split) { out << YAML::Flow << split.seeds; }};
}

const Keys<SplitConfig>& split_keys() {
  static const Keys<SplitConfig> keys = {
      {.name = "test",
       .doc = "fraction of each class held out for test",
       .value = fraction(&SplitConfig::test)},
      {.name = "validation",
       .doc = "fraction of what remains, per class, for validation; the rest is subtrain",
       .value = fraction(&SplitConfig::validation)},
      {.name = "positive_fraction",
       .doc = "`null` keeps the data as it is; a fraction p subsamples positives in subtrain and "
              "validation to round(p x negatives / (1 - p)), at least 2; a list such as "
              "`[null, 0.1, 0.02]` gives one set of runs each. Test is never subsampled",
       .value = positive_fractions_value()},
      {.name = "seeds",
       .doc = "one split (and one set of runs) per seed; a seed fixes the split, the "
              "subsampling and a random init",
       .value = seeds_value()},
      {.name = "standardize",
       .doc = "scale features to mean 0, sd 1 with subtrain statistics; a column constant on "
              "subtrain keeps weight 0 (with a warning)",
       .value = flag(&SplitConfig::standardize)},
  };
  return keys;
}

// ---- train: the items of train.losses and train.optimizers ----

const Keys<LossSpec>& loss_keys() {
  static const Keys<LossSpec> keys = {
      {.name = "name",
       .doc = "the loss",
       .value = name_among(&LossSpec::name, loss_name_list()),
       .required = fmt::format("give one of: {}", fmt::join(loss_names(), ", "))},
      {.name = "denominator",
       .doc = "whether AUM integrates the min of the false positive and false negative rates "
              "(`rate`) or counts (`count`)",
       .value = choice(&LossSpec::denominator, denominators()),
       .only_for = "aum"},
      {.name = "margin",
       .doc = "the margin of the squared hinge on every (positive, negative) pair",
       .value = positive_number(&LossSpec::margin),
       .only_for = "squared_hinge_all_pairs"},
  };
  return keys;
}

const ItemList<LossSpec>& loss_items() {
  static const ItemList<LossSpec> items{
      .kind = "loss",
      .empty_message =
          fmt::format("give a non-empty list of losses, e.g. [aum, {{name: logistic}}]; "
                      "valid names: {}",
                      fmt::join(loss_names(), ", ")),
      .keys = loss_keys(),
      .name_alone = true,
      .flow = true,
      .identity = [](const LossSpec& loss) { return loss_display_name(loss); }};
  return items;
}

const Keys<OptimizerSpec>& optimizer_keys() {
  static const Keys<OptimizerSpec> keys = {
      {.name = "name",
       .doc = "`constant`: gradient descent with a constant step size, one run per step size; "
              "`line_search`: gradient descent whose step is chosen by an exact line search "
              "along the descent direction (AUM: the exact walk of its breakpoints; other "
              "losses: exact one-dimensional minimisation), one run",
       .value = name_among(&OptimizerSpec::name, kOptimizerNames),
       .required = fmt::format("give one of: {}", fmt::join(kOptimizerNames, ", "))},
      {.name = "step_sizes",
       .doc = "the step sizes, one run each",
       .value = {kStepSizesType, kStepSizesAllowed,
                 [](const Field& field, OptimizerSpec& optimizer) {
                   optimizer.step_sizes = read_step_sizes(field);
                 },
                 [](YAML::Emitter& out, const OptimizerSpec& optimizer) {
                   write_numbers(out, optimizer.step_sizes);
                 }},
       .only_for = "constant"},
      {.name = "stop",
       .doc = "for AUM: `min_aum`, the first local minimum of AUM along the direction; "
              "`max_auc`, the middle of the first interval where AUC stops rising; "
              "`iterations`, the step of least AUM among the first max_events events; the "
              "other losses minimise exactly and ignore it",
       .value = choice(&OptimizerSpec::stop, kStopRules),
       .only_for = "line_search"},
      {.name = "max_events",
       .doc = "for AUM: the most events one search walks; when reached, the best step seen so "
              "far is taken and counted as capped",
       .value = whole_number(&OptimizerSpec::max_events, 1, std::numeric_limits<long long>::max()),
       .only_for = "line_search"},
      {.name = "set",
       .doc = "the set the search is scored on (the direction always comes from subtrain)",
       .value = choice(&OptimizerSpec::set, kSearchSets),
       .only_for = "line_search"},
      {.name = "max_iterations",
       .doc = "steps per run with this optimizer; `null`: `train.max_iterations`",
       .value = optional_whole_number(&OptimizerSpec::max_iterations),
       .written_when = [](const OptimizerSpec& optimizer) {
         return optimizer.max_iterations.has_value();
       }},
  };
  return keys;
}

const ItemList<OptimizerSpec>& optimizer_items() {
  static const ItemList<OptimizerSpec> items{
      .kind = "optimizer",
      .empty_message =
          fmt::format("give a non-empty list of optimizers, e.g. [{{name: constant, "
                      "step_sizes: [0.1, 1]}}, {{name: line_search}}]; valid names: {}",
                      fmt::join(kOptimizerNames, ", ")),
      .keys = optimizer_keys(),
      .name_alone = true,
      .flow = true,
      .identity = [](const OptimizerSpec& optimizer) { return optimizer.name; }};
  return items;
}

// ---- train ----

const Keys<TrainConfig>& train_keys() {
  static const Keys<TrainConfig> keys = {
      {.name = "losses",
       .doc = "the losses; each item a name or a mapping (see `train.losses` items)",
       .value = config::item_list(&TrainConfig::losses, loss_items(), "the items below, each once"),
       .default_text = "every loss, `aum` with each denominator"},
      {.name = "optimizers",
       .doc = "the optimizers; every loss is trained with each (see `train.optimizers` items)",
       .value = config::item_list(&TrainConfig::optimizers, optimizer_items(),
                                  "the items below, each name once")},
      {.name = "step_sizes",
       .doc = "shorthand for `optimizers: [{name: constant, step_sizes: [...]}]`; give either "
              "this or `optimizers`",
       .value = {kStepSizesType,
                 kStepSizesAllowed,
                 [](const Field& field, TrainConfig& train) {
                   train.optimizers = {
                       OptimizerSpec{.name = "constant", .step_sizes = read_step_sizes(field),
                                     .max_iterations = std::nullopt}};
                 },
                 {}}},
      {.name = "max_iterations",
       .doc = "gradient steps per run",
       .value = whole_number(&TrainConfig::max_iterations, 1)},
      {.name = "init",
       .doc = "`zeros`, or `random`: weights drawn from N(0, 1/D) with the split's seed",
       .value = choice(&TrainConfig::init, kInits)},
      {.name = "patience",
       .doc = "stop a run when validation AUC has not improved for this many iterations; "
              "`null`: never",
       .value = optional_whole_number(&TrainConfig::patience)},
      {.name = "parallel",
       .doc = "how the ranks of `mpirun -np P aumtrain train|compare` share the work: `runs` "
              "deals each split's runs out to the ranks, each rank loading all of the data; "
              "`data` spreads each dataset's rows over the ranks, each rank reading only its "
              "share (dense numeric CSV); `auto`: `data` when the largest dataset (about twice "
              "its file's bytes in memory) exceeds a quarter of the available memory divided by "
              "the ranks on the host and every dataset is dense numeric CSV, else `runs`. No "
              "effect on one process or on any result",
       .value = choice(&TrainConfig::parallel, kParallelModes)},
  };
  return keys;
}

// ---- output ----

const Keys<OutputConfig>& output_keys() {
  static const Keys<OutputConfig> keys = {
      {.name = "directory",
       .doc = "the run directory; a relative path (also one given by `--set`) is taken from "
              "the config file's folder; `--output` replaces it; an existing non-empty one is "
              "never replaced without `--force`",
       .value = text(&OutputConfig::directory, "give a path like ../runs/sonar"),
       .default_text = "`runs/<name>` beside the config file"},
      {.name = "log_every",
       .doc = "learning-curve rows also every this many iterations; `null`: only the rows "
              "always written, at iteration 0, about ten iterations per decade (1, 2, 3, 4, 5, "
              "6, 8, 10, 13, ...), every iteration that improves validation AUC, and the last",
       .value = optional_whole_number(&OutputConfig::log_every)},
      {.name = "plots",
       .doc = "draw PNG and SVG plots with gnuplot",
       .value = flag(&OutputConfig::plots)},
  };
  return keys;
}

// ---- datasets items and the top level ----

const Keys<DatasetEntry>& dataset_keys() {
  static const Keys<DatasetEntry> keys = {
      {.name = "name",
       .doc = "the dataset's name in results",
       .value = usable_name(&DatasetEntry::name),
       .required = "every dataset needs a name"},
      {.name = "data",
       .doc = "the dataset file and how to read it",
       .value = config::section(&DatasetEntry::data, data_keys(), "the keys of `data`"),
       .required = "give at least data.path"},
  };
  return keys;
}

const ItemList<DatasetEntry>& dataset_items() {
  static const ItemList<DatasetEntry> items{
      .kind = "dataset",
      .empty_message =
          "give a non-empty list of datasets, e.g. "
          "[{name: sonar, data: {path: datasets/sonar.csv}}]",
      .keys = dataset_keys(),
      .identity = [](const DatasetEntry& entry) { return entry.name; }};
  return items;
}

/// With `data:` the one dataset takes the experiment's name; to_yaml writes that form back.
bool has_single_dataset(const ExperimentConfig& config) {
  return config.datasets.size() == 1 && config.datasets.front().name == config.name;
}

Value<ExperimentConfig> single_data_value() {
  return {"mapping", "the keys of `data` below",
          [](const Field& field, ExperimentConfig& config) {
            DataConfig data;
            config::read_keys(field, data_keys(), data);
            config.datasets = {{config.name, std::move(data)}};
          },
          [](YAML::Emitter& out, const ExperimentConfig& config) {
            config::write_keys(out, data_keys(), config.datasets.front().data);
          }};
}

const Keys<ExperimentConfig>& top_keys() {
  static const Keys<ExperimentConfig> keys = {
      // Read first: `data:` names its dataset after it.
      {.name = "name",
       .doc = "the experiment's name; with `data:` also the dataset's name",
       .value = usable_name(&ExperimentConfig::name),
       .default_text = "the file name without `.yaml`"},
      {.name = "data",
       .doc = "one dataset; give either `data` or `datasets`",
       .value = single_data_value(),
       .default_text = "—",
       .written_when = has_single_dataset},
      {.name = "datasets",
       .doc = "several datasets, each with its own name; give either `data` or `datasets`",
       .value = config::item_list(&ExperimentConfig::datasets, dataset_items(),
                                  "the items below, each name once"),
       .default_text = "—",
       .written_when = [](const ExperimentConfig& config) { return !has_single_dataset(config); }},
      {.name = "split",
       .doc = "how every dataset is divided",
       .value =
           config::section(&ExperimentConfig::split, split_keys(), "the keys of `split` below"),
       .default_text = "each key's default"},
      {.name = "train",
       .doc = "the runs",
       .value =
           config::section(&ExperimentConfig::train, train_keys(), "the keys of `train` below"),
       .default_text = "each key's default"},
      {.name = "output",
       .doc = "the run directory",
       .value =
           config::section(&ExperimentConfig::output, output_keys(), "the keys of `output` below"),
       .default_text = "each key's default"},
  };
  return keys;
}

// ---- the rules that join keys ----

/// "train.optimizers.N.step_sizes" with N the index of the constant item, if there is one.
std::string constant_step_sizes_path(const YAML::Node& optimizers) {
  for (std::size_t i = 0; optimizers.IsSequence() && i < optimizers.size(); ++i) {
    const YAML::Node item = optimizers[i];
    const YAML::Node name = item.IsMap() ? item["name"] : item;
    if (name.IsScalar() && name.Scalar() == "constant") {
      return fmt::format("train.optimizers.{}.step_sizes", i);
    }
  }
  return "train.optimizers.N.step_sizes (after adding a constant item)";
}

/// The rules between keys of different places, all here: data or datasets; train.step_sizes or
/// train.optimizers. (Which item keys each loss and optimizer takes is in their tables.)
/// A --set of train.optimizers replaces the file's train.step_sizes shorthand, so it is dropped.
void check_key_combinations(YAML::Node& root, const Field& top) {
  const Field data = top.child("data");
  const Field datasets = top.child("datasets");
  if (data.defined() && datasets.defined()) {
    datasets.fail("give either data (one dataset) or datasets (a list), not both");
  }
  if (data.is_null() && datasets.is_null()) data.fail("missing; give at least data.path");

  const Field train = top.child("train");
  if (!train.is_map()) return;
  const Field step_sizes = train.child("step_sizes");
  const Field optimizers = train.child("optimizers");
  if (!step_sizes.defined() || !optimizers.defined()) return;
  const bool steps_set = step_sizes.override_text() != nullptr;
  const bool optimizers_set = optimizers.override_text() != nullptr;
  if (optimizers_set && !steps_set) {
    root["train"].remove("step_sizes");
    return;
  }
  if (steps_set && !optimizers_set) {
    step_sizes.fail(fmt::format("this config gives train.optimizers; set {} instead",
                                constant_step_sizes_path(root["train"]["optimizers"])));
  }
  step_sizes.fail(
      "give either train.step_sizes or train.optimizers, not both; keep optimizers "
      "and move these step sizes into its constant item: {name: constant, "
      "step_sizes: [...]}");
}

/// A path of a config as an absolute path: a relative one is read from `folder` (the config
/// file's), so that a config means the same files from any working directory, and its YAML
/// (to_yaml) means them wherever it is read from.
std::string from_folder(const std::string& path, const std::filesystem::path& folder) {
  std::error_code no_working_directory;
  const std::filesystem::path absolute =
      std::filesystem::absolute(folder / path, no_working_directory);
  if (no_working_directory) return (folder / path).lexically_normal().string();
  return absolute.lexically_normal().string();
}

/// data.path made absolute from `folder`, and its shards: those of a list made absolute too,
/// those of a pattern found (ConfigError when none matches).
void resolve_data_path(DataConfig& data, const std::filesystem::path& folder) {
  data.path = from_folder(data.path, folder);
  if (data.path_is_list) {
    for (std::string& shard : data.shards) shard = from_folder(shard, folder);
    return;
  }
  data.shards.clear();
  if (!is_glob_pattern(data.path)) return;
  data.shards = glob_files(data.path);
  if (data.shards.empty()) {
    throw ConfigError(fmt::format("{}: no file matches the pattern '{}'; check the pattern",
                                  data.path_origin.empty() ? "data.path" : data.path_origin,
                                  data.path));
  }
}

void resolve_relative_paths(ExperimentConfig& config, const std::filesystem::path& folder) {
  for (DatasetEntry& entry : config.datasets) resolve_data_path(entry.data, folder);
  if (config.output.directory.empty()) config.output.directory = "runs/" + config.name;
  config.output.directory = from_folder(config.output.directory, folder);
}

/// The defaults that depend on other keys.
void fill_contextual_defaults(ExperimentConfig& config) {
  if (config.train.losses.empty()) config.train.losses = every_loss();
}

}  // namespace

bool is_glob_pattern(const std::string& path) {
  return path.find_first_of("*?[") != std::string::npos;
}

std::vector<std::string> glob_files(const std::string& pattern) {
  glob_t found{};
  const int status = glob(pattern.c_str(), 0, nullptr, &found);
  std::vector<std::string> files;
  if (status == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
  }
  globfree(&found);
  std::sort(files.begin(), files.end());  // glob sorts by the locale; this is by bytes
  return files;
}

std::string loss_display_name(const LossSpec& spec) {
  if (spec.name == "aum") return fmt::format("aum.{}", denominator_name(spec.denominator));
  return spec.name;
}

std::string_view line_search_rule_name(LineSearchRule rule) {
  return config::choice_name(kStopRules, rule);
}

std::string_view search_set_name(SearchSet set) {
  return config::choice_name(kSearchSets, set);
}

std::string_view parallel_mode_name(ParallelMode mode) {
  return config::choice_name(kParallelModes, mode);
}

std::string positive_fraction_label(const std::optional<double>& fraction) {
  return fraction ? format_number(*fraction) : "as-is";
}

std::string positive_fraction_label(const std::optional<double>& fraction, bool reached) {
  return positive_fraction_label(fraction) + (reached ? "" : " (not reached)");
}

ExperimentConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot read the config file; check the path", path));
  } catch (const YAML::ParserException& error) {
    throw ConfigError(config::yaml_syntax_error_message(path, error.mark, error.msg));
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  config::Overrides origins;
  for (const auto& text : overrides) config::apply_override(root, text, origins);

  const Field top(root, "", path, origins);
  if (!top.is_map()) {
    top.fail(fmt::format("a config is a mapping with keys {}",
                         fmt::join(config::key_names(top_keys()), ", ")));
  }
  top.check_keys(config::key_names(top_keys()));
  check_key_combinations(root, top);
  ExperimentConfig config;
  config.source = path;
  config.name = std::filesystem::path(path).stem().string();
  config::read_keys(top, top_keys(), config);
  fill_contextual_defaults(config);
  resolve_relative_paths(config, std::filesystem::path(path).parent_path());
  return config;
}

ExperimentConfig with_absolute_paths(ExperimentConfig config,
                                     const std::filesystem::path& output_directory) {
  for (DatasetEntry& entry : config.datasets) {
    entry.data.path = from_folder(entry.data.path, {});
    for (std::string& shard : entry.data.shards) shard = from_folder(shard, {});
  }
  config.output.directory = from_folder(output_directory.string(), {});
  return config;
}

std::string to_yaml(const ExperimentConfig& config) {
  YAML::Emitter out;
  out.SetNullFormat(YAML::LowerNull);
  config::write_keys(out, top_keys(), config);
  return std::string(out.c_str()) + "\n";
}

std::string config_reference_markdown() {
  const std::pair<const char*, std::string> sections[] = {
      {"Top level", config::markdown_table(top_keys())},
      {"`data`", config::markdown_table(data_keys())},
      {"Items of `datasets`", config::markdown_table(dataset_keys())},
      {"`split`", config::markdown_table(split_keys())},
      {"`train`", config::markdown_table(train_keys())},
      {"Items of `train.losses`", config::markdown_table(loss_keys())},
      {"Items of `train.optimizers`", config::markdown_table(optimizer_keys())},
      {"`output`", config::markdown_table(output_keys())},
  };
  std::string out;
  for (const auto& [heading, table] : sections) {
    out += fmt::format("{}### {}\n\n{}", out.empty() ? "" : "\n", heading, table);
  }
  return out;
}

}  // namespace aumtrain
