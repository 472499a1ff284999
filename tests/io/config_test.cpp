#include "aumtrain/io/config.hpp"

#include <gtest/gtest.h>

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

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
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
  EXPECT_EQ(c.datasets[0].data.path, "data.csv");
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
  EXPECT_EQ(c.output.directory, "out/toy");
  EXPECT_EQ(c.output.log_every, 3);
  EXPECT_FALSE(c.output.plots);
}

TEST(Config, DefaultsFillWhatIsNotGiven) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(dir.write("mini.yaml", "data: {path: x.csv}\n"), {});
  EXPECT_EQ(c.name, "mini");  // from the file name
  EXPECT_EQ(c.split.test, 0.25);
  EXPECT_EQ(c.split.seeds, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(c.train.losses.size(), 5u);
  EXPECT_EQ(c.train.optimizers.front().step_sizes, (std::vector<double>{0.001, 0.01, 0.1, 1, 10}));
  EXPECT_EQ(c.train.max_iterations, 1000);
  EXPECT_EQ(c.output.directory, "runs/mini");
  EXPECT_EQ(c.datasets[0].data.delimiter, 0);
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
  for (const char* name : {"compare", "breast_cancer", "sonar", "ionosphere", "pima"}) {
    const std::string path = std::string(AUMTRAIN_SOURCE_DIR) + "/configs/" + name + ".yaml";
    EXPECT_NO_THROW(load_config(path, {})) << path;
  }
}

TEST(Config, ErrorsNameTheKeyPathAndLine) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const Case cases[] = {
      {"data: {path: x.csv}\ntrain:\n  step_size: [1]\n",
       "FILE:3:3: train.step_size: unknown key 'step_size'; valid keys here: losses, step_sizes, "
       "max_iterations, init, patience"},
      {"data: {path: x.csv}\nsplits: {}\n",
       "FILE:2:1: splits: unknown key 'splits'; valid keys here: name, data, datasets, split, "
       "train, output"},
      {"data: {path: x.csv}\nsplit:\n  test: abc\n",
       "FILE:3:9: split.test: expected a number, got 'abc'"},
      {"data: {path: x.csv}\nsplit:\n  test: 1.5\n",
       "FILE:3:9: split.test: 1.5 is out of range; give a fraction strictly between 0 and 1"},
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
       "FILE:3:42: train.losses[0].denominator: only the aum loss has a denominator"},
      {"data: {path: x.csv}\nsplit: {seeds: [1, 1]}\n",
       "FILE:2:20: split.seeds[1]: seed 1 is listed twice"},
      {"split: {}\n", "FILE: data: missing; give at least data.path"},
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
    const std::string message = error_of(c.yaml);
    EXPECT_TRUE(message.starts_with(c.expected)) << "config:\n" << c.yaml << "\nmessage: " << message;
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
  EXPECT_EQ(c.output.directory, "elsewhere");
  ASSERT_EQ(c.split.positive_fractions.size(), 1u);
  EXPECT_FALSE(c.split.positive_fractions[0]);
}

TEST(Config, SetErrorsNameTheOverride) {
  EXPECT_EQ(error_of(kValid, {"train.max_iterations=-3"}),
            "--set train.max_iterations=-3: train.max_iterations: -3 is out of range; "
            "max_iterations must be >= 1");
  EXPECT_TRUE(error_of(kValid, {"train.maxiter=3"})
                  .starts_with("--set train.maxiter=3: train.maxiter: unknown key 'maxiter'"));
  EXPECT_TRUE(error_of(kValid, {"no_equals_sign"}).starts_with("--set no_equals_sign: expected"));
  EXPECT_TRUE(error_of(kValid, {"train.losses.7.name=aum"}).find("index it with 0 to 2") !=
              std::string::npos);
}

TEST(Config, DatasetsListNamesEveryDataset) {
  testing::TempDir dir;
  const ExperimentConfig c = load_config(
      dir.write("many.yaml", "datasets:\n  - {name: a, data: {path: a.csv}}\n"
                             "  - {name: b, data: {path: b.csv, format: libsvm}}\n"),
      {});
  ASSERT_EQ(c.datasets.size(), 2u);
  EXPECT_EQ(c.datasets[1].name, "b");
  EXPECT_EQ(c.datasets[1].data.format, DataFormat::libsvm);
  const std::string message = error_of(
      "datasets:\n  - {name: a, data: {path: a.csv}}\n  - {name: a, data: {path: b.csv}}\n");
  EXPECT_TRUE(message.starts_with("FILE:3:12: datasets[1].name: dataset name 'a' is used twice"))
      << message;
}

}  // namespace
}  // namespace aumtrain
