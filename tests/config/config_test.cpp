#include "aumtrain/config/config.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

const char* kValid = R"(name: toy
data:
  path: data.csv
  label: y
  positive_label: "yes"
  features: [a, b]
  missing: drop_rows
split:
  test: 0.2
  validation: 0.3
  positive_fraction: [null, 0.1]
  seeds: [4, 5]
  standardize: false
train:
  losses:
    - {name: aum, denominator: count}
    - logistic
    - {name: squared_hinge_all_pairs, margin: 0.5}
  step_sizes: [0.5, 2]
  max_iterations: 30
  init: random
  patience: 7
output:
  directory: out/toy
  log_every: 3
  plots: false
)";

std::string config_error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  testing::TempDir dir;
  const auto path = dir.write("config.yaml", yaml);
  try {
    load_config(path, overrides);
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    // Messages name the file by its path; tests compare the rest.
    return message.starts_with(path) ? "FILE" + message.substr(path.size()) : message;
  }
  return "";
}

TEST(Config, ReadsEveryKey) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("c.yaml", kValid), {});
  EXPECT_EQ(c.name, "toy");
  ASSERT_EQ(c.datasets.size(), 1u);
  EXPECT_EQ(c.datasets[0].name, "toy");
  // Relative paths are taken from the config's folder.
  EXPECT_EQ(c.datasets[0].data.path, (dir.path() / "data.csv").string());
  EXPECT_EQ(c.datasets[0].data.label, "y");
  EXPECT_EQ(c.datasets[0].data.positive_label, "yes");
  EXPECT_EQ(c.datasets[0].data.features, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.datasets[0].data.missing, MissingPolicy::drop_rows);
  EXPECT_EQ(c.split.test, 0.2);
  EXPECT_EQ(c.split.validation, 0.3);
  ASSERT_EQ(c.split.positive_fractions.size(), 2u);
  EXPECT_FALSE(c.split.positive_fractions[0].has_value());
  EXPECT_EQ(c.split.positive_fractions[1], 0.1);
  EXPECT_EQ(c.split.seeds, (std::vector<std::uint64_t>{4, 5}));
  EXPECT_FALSE(c.split.standardize);
  ASSERT_EQ(c.train.losses.size(), 3u);
  EXPECT_EQ(loss_display_name(c.train.losses[0]), "aum.count");
  EXPECT_EQ(c.train.losses[1].name, "logistic");
  EXPECT_EQ(c.train.losses[2].margin, 0.5);
  EXPECT_EQ(c.train.optimizers.front().step_sizes, (std::vector<double>{0.5, 2}));
  EXPECT_EQ(c.train.max_iterations, 30);
  EXPECT_EQ(c.train.init, InitKind::random);
  EXPECT_EQ(c.train.patience, 7);
  EXPECT_EQ(c.output.directory, (dir.path() / "out/toy").string());
  EXPECT_EQ(c.output.log_every, 3);
  EXPECT_FALSE(c.output.plots);
}

TEST(Config, DefaultsFillWhatIsNotGiven) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("mini.yaml", "data: {path: x.csv}\n"), {});
  EXPECT_EQ(c.name, "mini");  // from the file name
  EXPECT_EQ(c.split.test, 0.25);
  EXPECT_EQ(c.split.seeds, (std::vector<std::uint64_t>{1, 2, 3}));
  ASSERT_EQ(c.train.losses.size(), 5u);
  EXPECT_EQ(loss_display_name(c.train.losses[0]), "aum.rate");
  EXPECT_EQ(loss_display_name(c.train.losses[1]), "aum.count");
  EXPECT_EQ(loss_display_name(c.train.losses[4]), "squared_hinge_all_pairs");
  ASSERT_EQ(c.train.optimizers.size(), 1u);
  EXPECT_EQ(c.train.optimizers.front().name, "constant");
  EXPECT_EQ(c.train.optimizers.front().step_sizes, (std::vector<double>{0.001, 0.01, 0.1, 1, 10}));
  EXPECT_EQ(c.train.max_iterations, 1000);
  EXPECT_EQ(c.output.directory, (dir.path() / "runs/mini").string());  // beside the config
  EXPECT_FALSE(c.output.log_every.has_value());
  EXPECT_EQ(c.datasets[0].data.delimiter, 0);
}

TEST(Config, RelativePathsAreTakenFromTheConfigsFolder) {
  namespace fs = std::filesystem;
  testing::TempDir dir;
  fs::create_directories(dir.path() / "configs");
  const std::string path = dir.write(
      "configs/c.yaml",
      "datasets:\n  - {name: a, data: {path: ../data/a.csv}}\n  - {name: b, data: {path: "
      "/srv/b.csv}}\n  - {name: c, data: {path: ./c.csv}}\noutput: {directory: ../runs/c}\n");
  const ExperimentConfig c = load_config(path, {});
  EXPECT_EQ(c.datasets[0].data.path, (dir.path() / "data/a.csv").string());
  EXPECT_EQ(c.datasets[1].data.path, "/srv/b.csv");  // absolute paths stay as they are
  EXPECT_EQ(c.datasets[2].data.path, (dir.path() / "configs/c.csv").string());
  EXPECT_EQ(c.output.directory, (dir.path() / "runs/c").string());

  // A --set value sets a key of the config, so it is read from the same folder.
  const ExperimentConfig set = load_config(
      path, {"datasets.0.data.path=a.csv", "output.directory=out", "datasets.1.data.path=/b.csv"});
  EXPECT_EQ(set.datasets[0].data.path, (dir.path() / "configs/a.csv").string());
  EXPECT_EQ(set.datasets[1].data.path, "/b.csv");
  EXPECT_EQ(set.output.directory, (dir.path() / "configs/out").string());

  // A config named without a folder is in the working directory.
  struct WorkingDirectory {
    fs::path previous = fs::current_path();
    explicit WorkingDirectory(const fs::path& to) { fs::current_path(to); }
    ~WorkingDirectory() { fs::current_path(previous); }
  };
  const ExperimentConfig here = [&] {
    const WorkingDirectory in_configs(dir.path() / "configs");
    return load_config("c.yaml", {});
  }();
  EXPECT_EQ(here.datasets[0].data.path, (dir.path() / "data/a.csv").string());
  EXPECT_EQ(here.datasets[2].data.path, (dir.path() / "configs/c.csv").string());
}

TEST(Config, WithAbsolutePathsRecordsTheRunDirectoryActuallyUsed) {
  namespace fs = std::filesystem;
  testing::TempDir dir;
  fs::create_directories(dir.path() / "configs");
  const ExperimentConfig c = load_config(
      dir.write("configs/c.yaml", "data: {path: ../d.csv}\noutput: {directory: ../runs/c}\n"),
      {});
  const ExperimentConfig recorded = with_absolute_paths(c, "/elsewhere/./run/");
  EXPECT_EQ(recorded.datasets[0].data.path, (dir.path() / "d.csv").string());
  EXPECT_EQ(recorded.output.directory, "/elsewhere/run/");
  // A relative output directory is taken from the working directory, as --output is.
  EXPECT_EQ(with_absolute_paths(c, "out").output.directory,
            (fs::current_path() / "out").string());
  // Its YAML, read from any folder, means the same files.
  const ExperimentConfig again = load_config(dir.write("again.yaml", to_yaml(recorded)), {});
  EXPECT_EQ(to_yaml(again), to_yaml(recorded));
}

TEST(Config, DataPathNamesShardsByAListOrAPattern) {
  testing::TempDir dir;
  for (const char* name : {"p_2.csv", "p_1.csv", "p_10.csv", "q.csv"}) dir.write(name, "a,y\n");
  const std::string folder = dir.path().string() + "/";
  const ExperimentConfig list =
      load_config(dir.write("l.yaml", "data: {path: [q.csv, p_1.csv]}\n"), {});
  const DataConfig& listed = list.datasets[0].data;
  EXPECT_TRUE(listed.path_is_list);
  EXPECT_EQ(listed.path, folder + "q.csv");
  EXPECT_EQ(listed.shards, (std::vector<std::string>{folder + "q.csv", folder + "p_1.csv"}));
  const ExperimentConfig glob = load_config(dir.write("g.yaml", "data: {path: 'p_*.csv'}\n"), {});
  const DataConfig& globbed = glob.datasets[0].data;
  EXPECT_FALSE(globbed.path_is_list);
  EXPECT_EQ(globbed.path, folder + "p_*.csv");
  EXPECT_EQ(globbed.shards, (std::vector<std::string>{folder + "p_1.csv", folder + "p_10.csv",
                                                      folder + "p_2.csv"}));
  const ExperimentConfig one = load_config(dir.write("o.yaml", "data: {path: q.csv}\n"), {});
  EXPECT_TRUE(one.datasets[0].data.shards.empty());
  // The YAML writes a list back as the list and a pattern as the pattern.
  for (const ExperimentConfig* c : {&list, &glob, &one}) {
    const ExperimentConfig again = load_config(dir.write("again.yaml", to_yaml(*c)), {});
    EXPECT_EQ(to_yaml(again), to_yaml(*c));
    EXPECT_EQ(again.datasets[0].data.shards, c->datasets[0].data.shards);
  }
  EXPECT_NE(to_yaml(list).find("path: [" + folder + "q.csv, " + folder + "p_1.csv]"),
            std::string::npos)
      << to_yaml(list);
  EXPECT_EQ(config_error_of("data: {path: []}\n"),
            "FILE:1:14: data.path: the list is empty; give at least one file");
  const std::string none = dir.write("n.yaml", "data: {path: 'none_*.csv'}\n");
  try {
    load_config(none, {});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), none + ":1:14: data.path: no file matches the pattern '" +
                                             folder + "none_*.csv'; check the pattern");
  }
}

TEST(Config, ResolvedYamlReadsBackTheSame) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("c.yaml", kValid), {});
  const ExperimentConfig again = load_config(dir.write("resolved.yaml", to_yaml(c)), {});
  EXPECT_EQ(to_yaml(again), to_yaml(c));
  EXPECT_EQ(again.split.positive_fractions, c.split.positive_fractions);
  EXPECT_EQ(again.train.optimizers.front().step_sizes, c.train.optimizers.front().step_sizes);
}

TEST(Config, ShippedConfigsLoad) {
  namespace fs = std::filesystem;
  const fs::path source = AUMTRAIN_SOURCE_DIR;
  for (const char* name : {"compare", "breast_cancer", "sonar", "ionosphere", "pima", "house_votes_84"}) {
    const std::string path = (source / "configs" / (std::string(name) + ".yaml")).string();
    ExperimentConfig c;
    ASSERT_NO_THROW(c = load_config(path, {})) << path;
    // Their data and run directories are in the repository's top folder, from any working
    // directory.
    for (const auto& entry : c.datasets) {
      EXPECT_TRUE(fs::exists(entry.data.path)) << path << ": " << entry.data.path;
    }
    EXPECT_EQ(fs::path(c.output.directory), (source / "configs/../runs" / name).lexically_normal())
        << path;
  }
  const ExperimentConfig spam = load_config((source / "bench/peers/spam_line_search.yaml").string(), {});
  EXPECT_EQ(fs::path(spam.datasets.front().data.path), (source / "datasets/spam.csv").lexically_normal());
  // bench/peers/sparse_vs_liblinear.sh gives this one its data file with --set.
  const std::string sparse = (source / "bench/peers/sparse_vs_liblinear.yaml").string();
  EXPECT_NO_THROW(load_config(sparse, {"data.path=/tmp/train.svm"})) << sparse;
}

TEST(Config, ErrorsNameTheKeyPathAndLine) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const Case cases[] = {
      {"data: {path: x.csv}\ntrain:\n  step_size: [1]\n",
       "FILE:3:3: train.step_size: unknown key 'step_size'; valid keys here: losses, optimizers, "
       "step_sizes, max_iterations, init, patience"},
      {"data: {path: x.csv}\nsplits: {}\n",
       "FILE:2:1: splits: unknown key 'splits'; valid keys here: name, data, datasets, split, "
       "train, output"},
      {"data: {path: x.csv}\nsplit:\n  test: abc\n",
       "FILE:3:9: split.test: expected a number, got 'abc'"},
      {"data: {path: x.csv}\nsplit:\n  test: 1.5\n",
       "FILE:3:9: split.test: 1.5 is out of range; give a fraction strictly between 0 and 1"},
      {"data: {path: x.csv}\nsplit:\n  test: 1\n",
       "FILE:3:9: split.test: 1 is out of range; give a fraction strictly between 0 and 1"},
      {"data: {path: x.csv}\nsplit: {positive_fraction: [0.1, 1]}\n",
       "FILE:2:34: split.positive_fraction[1]: 1 is out of range; give a fraction strictly "
       "between 0 and 1"},
      {"data: {path: x.csv}\ntrain: {patience: 0}\n",
       "FILE:2:19: train.patience: 0 is out of range; patience must be >= 1 (or null)"},
      {"data: {path: x.csv}\ntrain:\n  step_sizes: [0.1, -1]\n",
       "FILE:3:21: train.step_sizes[1]: -1 is out of range; step sizes must be finite and > 0"},
      {"data: {path: x.csv}\ntrain:\n  max_iterations: 0\n",
       "FILE:3:19: train.max_iterations: 0 is out of range; max_iterations must be >= 1"},
      {"data: {path: x.csv}\ntrain:\n  max_iterations: [3]\n",
       "FILE:3:19: train.max_iterations: expected a whole number, got a list"},
      {"data: {path: x.csv}\ntrain:\n  losses: [{name: hinge}]\n",
       "FILE:3:19: train.losses[0].name: 'hinge' is not valid; use one of: aum, logistic, "
       "logistic_balanced, squared_hinge_all_pairs"},
      {"data: {path: x.csv}\ntrain:\n  losses: []\n",
       "FILE:3:11: train.losses: give a non-empty list of losses"},
      {"data: {path: x.csv}\ntrain:\n  losses: [{name: logistic, denominator: rate}]\n",
       "FILE:3:42: train.losses[0].denominator: only the aum loss takes denominator, not "
       "logistic; remove it here"},
      {"data: {path: x.csv}\ntrain:\n  losses: [{name: aum, margin: 2}]\n",
       "FILE:3:32: train.losses[0].margin: only the squared_hinge_all_pairs loss takes margin, "
       "not aum"},
      {"data: {path: x.csv}\ntrain:\n  losses: [aum, {name: aum, denominator: rate}]\n",
       "FILE:3:17: train.losses[1]: loss aum.rate is listed twice"},
      {"data: {path: x.csv}\ntrain:\n  losses: [{denominator: rate}]\n",
       "FILE:3:12: train.losses[0].name: missing; give one of: aum, logistic"},
      {"data: {path: x.csv}\nsplit: {seeds: [1, 1]}\n",
       "FILE:2:20: split.seeds[1]: seed 1 is listed twice"},
      {"data: {path: x.csv}\nsplit: {positive_fraction: [null, 0.1, ~]}\n",
       "FILE:2:40: split.positive_fraction[2]: positive fraction null is listed twice"},
      {"data: {path: x.csv}\nsplit: {positive_fraction: [0.1, 0.10]}\n",
       "FILE:2:34: split.positive_fraction[1]: positive fraction 0.10 is listed twice"},
      {"data: {path: x.csv}\nsplit: {positive_fraction: []}\n",
       "FILE:2:28: split.positive_fraction: the list is empty; give null (as-is) or fractions"},
      {"split: {}\n", "FILE:1:1: data: missing; give at least data.path"},
      {"data: {format: csv}\n",
       "FILE:1:7: data.path: missing; give the dataset file, e.g. datasets/sonar.csv"},
      {"data: {path: x.csv, delimiter: '|'}\n", "FILE:1:32: data.delimiter: '|' is not valid"},
      {"data: {path: x.csv}\ntrain: {init: ones}\n",
       "FILE:2:15: train.init: 'ones' is not valid; use one of: zeros, random"},
      {"data: {path: x.csv}\ndatasets: []\n",
       "FILE:2:11: datasets: give either data (one dataset) or datasets (a list), not both"},
      {"data: {path: x.csv}\nsplit: {test: [0.2\n", "FILE:3:1: malformed YAML"},
      // YAML allows a list or a mapping as a key; that used to escape as a yaml-cpp exception.
      {"? [a, b]\n: 1\ndata: {path: x.csv}\n",
       "FILE:1:3: expected a key name here, got a list; valid keys here: name, data"},
      {"data: {path: x.csv, {a: 1}: 2}\n",
       "FILE:1:21: data: expected a key name here, got a mapping; valid keys here: path, format"},
      {"[1, 2]\n", "FILE:1:1: a config is a mapping with keys name, data"},
  };
  for (const Case& c : cases) {
    const std::string message = config_error_of(c.yaml);
    EXPECT_TRUE(message.starts_with(c.expected)) << "config:\n"
                                                 << c.yaml << "\nmessage: " << message;
  }
}

TEST(Config, SetOverridesAnyKey) {
  testing::TempDir dir;
  const auto path = dir.write("c.yaml", kValid);
  const ExperimentConfig c = load_config(
      path, {"train.max_iterations=5", "split.seeds=[9]", "train.losses.0.denominator=rate",
             "output.directory=elsewhere", "split.positive_fraction=null"});
  EXPECT_EQ(c.train.max_iterations, 5);
  EXPECT_EQ(c.split.seeds, (std::vector<std::uint64_t>{9}));
  EXPECT_EQ(loss_display_name(c.train.losses[0]), "aum.rate");
  EXPECT_EQ(c.output.directory, (dir.path() / "elsewhere").string());
  ASSERT_EQ(c.split.positive_fractions.size(), 1u);
  EXPECT_FALSE(c.split.positive_fractions[0]);
}

TEST(Config, CountsTakeTheCommandLineForms) {
  testing::TempDir dir;
  const auto path = dir.write(
      "c.yaml", "data: {path: x.csv}\ntrain:\n  max_iterations: 1e3\n  optimizers: "
                "[{name: line_search, max_events: 100_000}]\n");
  const ExperimentConfig c = load_config(path, {});
  EXPECT_EQ(c.train.max_iterations, 1000);
  EXPECT_EQ(c.train.optimizers.at(0).max_events, 100000);
  EXPECT_EQ(config_error_of("data: {path: x.csv}\ntrain: {max_iterations: 1.5e0}\n"),
            "FILE:2:25: train.max_iterations: expected a whole number, got '1.5e0'");
}

TEST(Config, TabsInTheIndentationAreNamed) {
  EXPECT_EQ(config_error_of("data:\n  path: x.csv\nsplit:\n\ttest: 0.2\n"),
            "FILE:4:1: YAML does not allow tabs for indentation; use spaces");
  // A tab after the indentation is no indentation, and other syntax errors keep yaml-cpp's words.
  EXPECT_TRUE(config_error_of("data: {path: x.csv}\t\nsplit: {test: [0.2\n")
                  .starts_with("FILE:3:1: malformed YAML: "))
      << config_error_of("data: {path: x.csv}\t\nsplit: {test: [0.2\n");
}

TEST(Config, SetErrorsNameTheOverride) {
  EXPECT_EQ(config_error_of(kValid, {"train.max_iterations=-3"}),
            "--set train.max_iterations=-3: train.max_iterations: -3 is out of range; "
            "max_iterations must be >= 1");
  EXPECT_TRUE(config_error_of(kValid, {"train.maxiter=3"})
                  .starts_with("--set train.maxiter=3: train.maxiter: unknown key 'maxiter'"));
  EXPECT_TRUE(config_error_of(kValid, {"no_equals_sign"}).starts_with("--set no_equals_sign: expected"));
  EXPECT_TRUE(config_error_of(kValid, {"train.losses.7.name=aum"}).find("index it with 0 to 2") !=
              std::string::npos);
}

TEST(Config, DatasetsListNamesEveryDataset) {
  testing::TempDir dir;
  const ExperimentConfig c =
      load_config(dir.write("many.yaml",
                            "datasets:\n  - {name: a, data: {path: a.csv}}\n"
                            "  - {name: b, data: {path: b.csv, format: libsvm}}\n"),
                  {});
  ASSERT_EQ(c.datasets.size(), 2u);
  EXPECT_EQ(c.datasets[1].name, "b");
  EXPECT_EQ(c.datasets[1].data.format, DataFormat::libsvm);
  const std::string message = config_error_of(
      "datasets:\n  - {name: a, data: {path: a.csv}}\n  - {name: a, data: {path: b.csv}}\n");
  EXPECT_TRUE(message.starts_with("FILE:3:5: datasets[1]: dataset a is listed twice")) << message;
}

const char* kOptimizers = R"(data: {path: x.csv}
train:
  losses: [aum]
  optimizers:
    - {name: constant, step_sizes: [0.5, 2]}
    - {name: line_search, stop: max_auc, max_events: 50, set: validation}
)";

TEST(Config, OptimizersReadEveryKey) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("c.yaml", kOptimizers), {});
  ASSERT_EQ(c.train.optimizers.size(), 2u);
  EXPECT_EQ(c.train.optimizers[0].name, "constant");
  EXPECT_EQ(c.train.optimizers[0].step_sizes, (std::vector<double>{0.5, 2}));
  EXPECT_EQ(c.train.optimizers[1].name, "line_search");
  EXPECT_EQ(c.train.optimizers[1].stop, LineSearchRule::max_auc);
  EXPECT_EQ(c.train.optimizers[1].max_events, 50);
  EXPECT_EQ(c.train.optimizers[1].set, SearchSet::validation);
}

TEST(Config, OptimizerNamesAloneTakeTheDefaults) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(
      dir.write("c.yaml", "data: {path: x.csv}\ntrain: {optimizers: [line_search, constant]}\n"),
      {});
  ASSERT_EQ(c.train.optimizers.size(), 2u);
  EXPECT_EQ(c.train.optimizers[0].name, "line_search");
  EXPECT_EQ(c.train.optimizers[0].stop, LineSearchRule::min_aum);
  EXPECT_EQ(c.train.optimizers[0].max_events, 100000);
  EXPECT_EQ(c.train.optimizers[0].set, SearchSet::subtrain);
  EXPECT_EQ(c.train.optimizers[1].step_sizes, (std::vector<double>{0.001, 0.01, 0.1, 1, 10}));
}

TEST(Config, StepSizesAloneAreShorthandForOneConstantOptimizer) {
  testing::TempDir dir;
  for (const char* steps : {"[0.5, 2]", "0.5"}) {
    const ExperimentConfig c = load_config(
        dir.write("c.yaml",
                  fmt::format("data: {{path: x.csv}}\ntrain: {{step_sizes: {}}}\n", steps)),
        {});
    ASSERT_EQ(c.train.optimizers.size(), 1u) << steps;
    EXPECT_EQ(c.train.optimizers[0].name, "constant");
    EXPECT_EQ(c.train.optimizers[0].step_sizes.front(), 0.5);
    EXPECT_EQ(c.train.optimizers[0].step_sizes.size(), std::string(steps) == "0.5" ? 1u : 2u);
  }
}

TEST(Config, OptimizerErrorsNameTheKeyPathAndLine) {
  struct Case {
    std::string optimizers;  // the value of train.optimizers, on line 3
    std::string expected;
  };
  const Case cases[] = {
      {"[{name: constant, stop: max_auc}]",
       "FILE:3:39: train.optimizers[0].stop: only the line_search optimizer takes stop, not "
       "constant; remove it here"},
      {"[{name: constant, max_events: 10}]",
       "FILE:3:45: train.optimizers[0].max_events: only the line_search optimizer takes "
       "max_events, not constant"},
      {"[{name: constant, set: validation}]",
       "FILE:3:38: train.optimizers[0].set: only the line_search optimizer takes set, not "
       "constant"},
      {"[{name: line_search, step_sizes: [1]}]",
       "FILE:3:48: train.optimizers[0].step_sizes: only the constant optimizer takes step_sizes, "
       "not line_search"},
      {"[constant, line_search, constant]",
       "FILE:3:39: train.optimizers[2]: optimizer constant is listed twice"},
      {"[]",
       "FILE:3:15: train.optimizers: give a non-empty list of optimizers, e.g. [{name: constant, "
       "step_sizes: [0.1, 1]}, {name: line_search}]; valid names: constant, line_search"},
      {"line_search", "FILE:3:15: train.optimizers: give a non-empty list of optimizers"},
      {"[{name: adam}]",
       "FILE:3:23: train.optimizers[0].name: 'adam' is not valid; use one of: constant, "
       "line_search"},
      {"[sgd]",
       "FILE:3:16: train.optimizers[0]: 'sgd' is not valid; use one of: constant, "
       "line_search"},
      {"[{stop: max_auc}]",
       "FILE:3:16: train.optimizers[0].name: missing; give one of: constant, line_search"},
      {"[{name: line_search, stop: best}]",
       "FILE:3:42: train.optimizers[0].stop: 'best' is not valid; use one of: min_aum, max_auc, "
       "iterations"},
      {"[{name: line_search, max_events: 0}]",
       "FILE:3:48: train.optimizers[0].max_events: 0 is out of range; max_events must be >= 1"},
      {"[{name: line_search, max_events: 2.5}]",
       "FILE:3:48: train.optimizers[0].max_events: expected a whole number, got '2.5'"},
      {"[{name: line_search, set: test}]",
       "FILE:3:41: train.optimizers[0].set: 'test' is not valid; use one of: subtrain, validation"},
      {"[{name: constant, step_sizes: []}]",
       "FILE:3:45: train.optimizers[0].step_sizes: the list is empty; give step sizes like"},
      {"[{name: constant, step_sizes: [1, 1]}]",
       "FILE:3:49: train.optimizers[0].step_sizes[1]: step size 1 is listed twice"},
      {"[{name: constant, step_sizes: .inf}]",
       "FILE:3:45: train.optimizers[0].step_sizes: inf is out of range; step sizes must be "
       "finite and > 0"},
      {"[{name: constant, step: 1}]",
       "FILE:3:33: train.optimizers[0].step: unknown key 'step'; valid keys here: name, "
       "step_sizes, stop, max_events, set"},
  };
  for (const Case& c : cases) {
    const std::string yaml = "data: {path: x.csv}\ntrain:\n  optimizers: " + c.optimizers + "\n";
    const std::string message = config_error_of(yaml);
    EXPECT_TRUE(message.starts_with(c.expected)) << "config:\n" << yaml << "\nmessage: " << message;
  }
}

TEST(Config, StepSizesAndOptimizersTogetherSayWhichToKeep) {
  EXPECT_EQ(config_error_of("data: {path: x.csv}\ntrain:\n  step_sizes: [1]\n  optimizers: [constant]\n"),
            "FILE:3:15: train.step_sizes: give either train.step_sizes or train.optimizers, not "
            "both; keep optimizers and move these step sizes into its constant item: {name: "
            "constant, step_sizes: [...]}");
}

TEST(Config, OptimizersAreWrittenBackWithOnlyTheirOwnKeys) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("c.yaml", kOptimizers), {});
  const std::string yaml = to_yaml(c);
  EXPECT_NE(
      yaml.find("  optimizers:\n"
                "    - {name: constant, step_sizes: [0.5, 2]}\n"
                "    - {name: line_search, stop: max_auc, max_events: 50, set: validation}\n"),
      std::string::npos)
      << yaml;
  EXPECT_EQ(yaml.find("\n  step_sizes:"), std::string::npos) << yaml;
  const ExperimentConfig again = load_config(dir.write("resolved.yaml", yaml), {});
  EXPECT_EQ(to_yaml(again), yaml);
  ASSERT_EQ(again.train.optimizers.size(), 2u);
  EXPECT_EQ(again.train.optimizers[1].max_events, 50);
  // The shorthand is written back as the optimizer it stands for.
  const std::string shorthand = to_yaml(load_config(dir.write("s.yaml", kValid), {}));
  EXPECT_NE(shorthand.find("  optimizers:\n    - {name: constant, step_sizes: [0.5, 2]}\n"),
            std::string::npos)
      << shorthand;
}

TEST(Config, AnOptimizerCanHaveItsOwnIterationCount) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(
      dir.write("c.yaml", "data: {path: x.csv}\ntrain:\n  max_iterations: 500\n  optimizers:\n"
                          "    - constant\n    - {name: line_search, max_iterations: 40}\n"),
      {});
  ASSERT_EQ(c.train.optimizers.size(), 2u);
  EXPECT_EQ(c.train.optimizers[0].max_iterations, std::nullopt);
  EXPECT_EQ(c.train.optimizers[1].max_iterations, 40);
  const std::string yaml = to_yaml(c);
  EXPECT_NE(yaml.find("    - {name: line_search, stop: min_aum, max_events: 100000, set: subtrain, "
                      "max_iterations: 40}\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(to_yaml(load_config(dir.write("again.yaml", yaml), {})), yaml);
  EXPECT_EQ(config_error_of("data: {path: x.csv}\ntrain:\n  optimizers: [{name: constant, "
                     "max_iterations: 0}]\n"),
            "FILE:3:49: train.optimizers[0].max_iterations: 0 is out of range; max_iterations "
            "must be >= 1 (or null)");
}

TEST(Config, SetOfOptimizersReplacesTheStepSizesShorthand) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("c.yaml", kValid),
                                         {"train.optimizers=[{name: line_search, stop: max_auc}]"});
  ASSERT_EQ(c.train.optimizers.size(), 1u);
  EXPECT_EQ(c.train.optimizers[0].name, "line_search");
  EXPECT_EQ(c.train.optimizers[0].stop, LineSearchRule::max_auc);
}

TEST(Config, SetOfStepSizesOnAFileWithOptimizersSaysWhatToSet) {
  EXPECT_EQ(config_error_of(kOptimizers, {"train.step_sizes=[1]"}),
            "--set train.step_sizes=[1]: train.step_sizes: this config gives train.optimizers; "
            "set train.optimizers.0.step_sizes instead");
  EXPECT_EQ(config_error_of(kOptimizers, {"train.step_sizes=[1]", "train.optimizers=[line_search]"}),
            "--set train.step_sizes=[1]: train.step_sizes: give either train.step_sizes or "
            "train.optimizers, not both; keep optimizers and move these step sizes into its "
            "constant item: {name: constant, step_sizes: [...]}");
}

TEST(Config, SetIndexesIntoTheOptimizerList) {
  testing::TempDir dir;
  const auto path = dir.write("c.yaml", kOptimizers);
  const ExperimentConfig c =
      load_config(path, {"train.optimizers.1.stop=iterations", "train.optimizers.0.step_sizes=3"});
  EXPECT_EQ(c.train.optimizers[1].stop, LineSearchRule::iterations);
  EXPECT_EQ(c.train.optimizers[0].step_sizes, (std::vector<double>{3}));
  EXPECT_EQ(config_error_of(kOptimizers, {"train.optimizers.0.stop=max_auc"}),
            "--set train.optimizers.0.stop=max_auc: train.optimizers[0].stop: only the "
            "line_search optimizer takes stop, not constant; remove it here");
}

TEST(Config, ChoiceNamesAreTheConfigWords) {
  EXPECT_EQ(line_search_rule_name(LineSearchRule::min_aum), "min_aum");
  EXPECT_EQ(line_search_rule_name(LineSearchRule::max_auc), "max_auc");
  EXPECT_EQ(line_search_rule_name(LineSearchRule::iterations), "iterations");
  EXPECT_EQ(search_set_name(SearchSet::subtrain), "subtrain");
  EXPECT_EQ(search_set_name(SearchSet::validation), "validation");
}

TEST(Config, ReferenceShowsEveryKeyWithTheDefaultOfItsStruct) {
  const std::string reference = config_reference_markdown();
  for (const char* row : {
           "| `max_events` | whole number | `100000` | >= 1 | `line_search` only: ",
           "| `step_sizes` | number or list of numbers | `[0.001, 0.01, 0.1, 1, 10]` |",
           "| `optimizers` | list | `[{name: constant, step_sizes: [0.001, 0.01, 0.1, 1, 10]}]` |",
           "| `test` | number | `0.25` | strictly between 0 and 1 |",
           "| `directory` | text | `runs/<name>` beside the config file | not empty |",
           "| `log_every` | whole number or null | `null` | >= 1 |",
           "| `path` | text or list of texts | required |",
           "| `positive_label` | text | `\"1\"` |",
           "| `patience` | whole number or null | `null` | >= 1 |",
       }) {
    EXPECT_NE(reference.find(row), std::string::npos) << row << "\nin:\n" << reference;
  }
  for (const char* heading :
       {"### Top level", "### `data`", "### Items of `datasets`", "### `split`", "### `train`",
        "### Items of `train.losses`", "### Items of `train.optimizers`", "### `output`"}) {
    EXPECT_NE(reference.find(heading), std::string::npos) << heading;
  }
}

TEST(Config, ReadmeKeyTablesAreTheGeneratedReference) {
  const std::string path = std::string(AUMTRAIN_SOURCE_DIR) + "/configs/README.md";
  std::ifstream file(path);
  ASSERT_TRUE(file) << path;
  const std::string readme((std::istreambuf_iterator<char>(file)), {});
  const std::string begin = "<!-- generated by aumtrain config-reference: begin -->\n";
  const std::string end = "<!-- generated by aumtrain config-reference: end -->";
  const auto from = readme.find(begin);
  const auto to = readme.find(end);
  ASSERT_TRUE(from != std::string::npos && to != std::string::npos && from < to)
      << path << " needs the marker comments '" << begin << "' and '" << end << "'";
  EXPECT_TRUE(readme.substr(from + begin.size(), to - from - begin.size()) ==
              config_reference_markdown())
      << path << " is out of date: run `build/aumtrain config-reference` and paste its output "
      << "between the marker comments";
}

}  // namespace
}  // namespace aumtrain
