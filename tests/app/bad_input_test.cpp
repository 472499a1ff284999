// Every kind of bad input to `aumtrain train`: one clear, located message, the documented exit
// code, and nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

struct BadInput {
  const char* what;
  std::string data;     // data.csv (empty: not written)
  std::string config;   // config.yaml, after "data: {path: data.csv}\n" unless it has "data:"
  std::string arguments = "";
  int exit_code = 3;
  std::string message;  // must appear on standard error (FILE stands for the data file's path)
};

const std::string kGood = "a,b,label\n1,2,1\n2,1,0\n3,5,1\n4,3,0\n5,8,1\n6,2,0\n7,9,1\n8,4,0\n"
                          "9,7,1\n1,1,0\n2,6,1\n3,3,0\n4,8,1\n5,2,0\n6,7,1\n7,1,0\n8,9,1\n9,2,0\n"
                          "1,6,1\n2,2,0\n";

std::vector<BadInput> cases() {
  return {
      {"missing file", "", "data: {path: nowhere.csv}\n", "", 3, "nowhere.csv: cannot open the file"},
      {"empty file", " ", "", "", 3, "FILE: the file is empty"},
      {"header only", "a,b,label\n", "", "", 3, "FILE: the file has a header but no data rows"},
      {"ragged row", "a,b,label\n1,2,1\n3,0\n", "", "", 3,
       "FILE:3: this row has 2 fields but the header has 3"},
      {"row with too many fields", "a,b,label\n1,2,1\n3,4,0,9\n", "", "", 3,
       "FILE:3:7: this row has 4 fields but the header has 3"},
      {"non-numeric cell", "a,b,label\n1,2,1\n3,x,0\n", "", "", 3,
       "FILE:3:3: column 'b': 'x' is not a number"},
      {"missing value", "a,b,label\n1,2,1\n3,NA,0\n", "", "", 3,
       "FILE:3:3: column 'b' has a missing value ('NA'); fill it, or set data.missing: drop_rows"},
      {"duplicate column names", "a,a,label\n1,2,1\n", "", "", 3,
       "FILE:1:3: column 'a' is named twice"},
      {"label column absent", kGood, "split: {}\n", "--set data.label=y", 2,
       "--set data.label=y: data.label: no column 'y' in DIR/data.csv (delimiter ','); its columns are "
       "'a', 'b', 'label': set data.label to one of them"},
      {"label column absent, named in the file", kGood, "data: {path: data.csv, label: y}\n", "", 2,
       "config.yaml:1:31: data.label: no column 'y' in DIR/data.csv"},
      {"tab in the indentation", kGood, "split:\n  seeds: [1]\n\ttest: 0.2\n", "", 2,
       "config.yaml:4:1: YAML does not allow tabs for indentation; use spaces"},
      {"positive_label absent", kGood, "", "--set data.positive_label=yes", 3,
       "data.positive_label: 'yes' never occurs in column 'label'"},
      {"one class in the file", "a,b,label\n1,2,1\n3,4,1\n", "", "", 3,
       "all 2 rows are positive"},
      {"one class in a split", "a,b,label\n1,2,1\n2,1,0\n3,5,0\n4,3,0\n5,8,0\n6,2,0\n", "", "", 3,
       "subtrain has 1 positive and 3 negative examples, validation 0 and 1, test 0 and 1"},
      {"fewer than 2 positives in a set", kGood, "", "--set split.test=0.05", 3,
       "test 1 and 1; every set needs at least 2 of each class"},
      {"all features constant", "a,b,label\n1,5,1\n1,5,0\n1,5,1\n", "", "", 3,
       "every feature column is constant"},
      {"NaN in a feature", "a,b,label\n1,2,1\n3,NaN,0\n", "", "", 3,
       "FILE:3:3: column 'b' has a missing value ('NaN')"},
      {"Inf in a feature", "a,b,label\n1,2,1\n3,-Inf,0\n", "", "", 3,
       "FILE:3:3: column 'b': '-Inf' is not a finite number"},
      {"malformed YAML", kGood, "split: {test: [0.2\n", "", 2, "config.yaml:3:7: malformed YAML: end of sequence flow not found"},
      {"unknown key", kGood, "train: {step: 1}\n", "", 2,
       "config.yaml:2:9: train.step: unknown key 'step'; valid keys here: losses, optimizers, "
       "step_sizes, max_iterations, init, patience"},
      {"optimizer key on the wrong optimizer", kGood,
       "train: {optimizers: [{name: constant, stop: max_auc}]}\n", "", 2,
       "config.yaml:2:45: train.optimizers[0].stop: only the line_search optimizer takes stop, "
       "not constant"},
      {"step sizes and optimizers both given", kGood,
       "train: {step_sizes: [1], optimizers: [constant]}\n", "", 2,
       "config.yaml:2:21: train.step_sizes: give either train.step_sizes or train.optimizers"},
      {"wrong type", kGood, "train: {max_iterations: many}\n", "", 2,
       "config.yaml:2:25: train.max_iterations: expected a whole number, got 'many'"},
      {"step size <= 0", kGood, "train: {step_sizes: [0.1, 0]}\n", "", 2,
       "config.yaml:2:27: train.step_sizes[1]: 0 is out of range; step sizes must be finite and > 0"},
      {"max_iterations < 1", kGood, "", "--set train.max_iterations=0", 2,
       "--set train.max_iterations=0: train.max_iterations: 0 is out of range"},
      {"fractions that leave no subtrain", kGood, "split: {test: 0.5, validation: 0.99}\n", "", 3,
       "subtrain has 0 positive and 0 negative examples"},
      {"fraction out of range", kGood, "split: {validation: 1}\n", "", 2,
       "split.validation: 1 is out of range; give a fraction strictly between 0 and 1"},
      {"unknown loss", kGood, "train: {losses: [{name: hinge}]}\n", "", 2,
       "train.losses[0].name: 'hinge' is not valid; use one of: aum, logistic, logistic_balanced, "
       "squared_hinge_all_pairs"},
      {"empty loss list", kGood, "train: {losses: []}\n", "", 2,
       "train.losses: give a non-empty list of losses"},
      {"output directory that cannot be written", kGood, "", "--set output.directory=data.csv/out", 2,
       "output.directory: cannot create"},
      {"too large for memory", "", "data: {path: huge.svm, format: libsvm, storage: dense}\n", "", 3,
       "huge.svm: 1 row x 100000000000 features need "},
  };
}

TEST(BadInput, EachGetsOneLocatedMessageAnExitCodeAndNoFiles) {
  for (const BadInput& c : cases()) {
    testing::TempDir dir;
    std::string data_path;
    if (!c.data.empty()) data_path = dir.write("data.csv", c.data);
    dir.write("huge.svm", "1 100000000000:1\n");
    const std::string config =
        (c.config.find("data:") == std::string::npos ? "data: {path: data.csv}\n" : "") + c.config +
        (c.config.find("output") == std::string::npos ? "output: {directory: out}\n" : "");
    dir.write("config.yaml", config);
    const auto result = testing::run_aumtrain("train config.yaml " + c.arguments, dir.path());
    std::string expected = c.message;
    if (expected.starts_with("FILE")) expected = "data.csv" + expected.substr(4);
    if (const auto at = expected.find("DIR/"); at != std::string::npos) {
      expected.replace(at, 3, dir.path().string());  // data paths are named as resolved
    }
    EXPECT_EQ(result.exit_code, c.exit_code) << c.what << "\n" << result.err;
    EXPECT_NE(result.err.find(expected), std::string::npos)
        << c.what << ": expected '" << expected << "' in:\n" << result.err;
    EXPECT_NE(result.err.find("error: "), std::string::npos) << c.what;
    EXPECT_TRUE(result.out.empty()) << c.what << "\n" << result.out;
    // Nothing but the inputs is left: no run directory, no staging folder.
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      if (name != "data.csv" && name != "config.yaml" && name != "huge.svm") left.push_back(name);
    }
    EXPECT_TRUE(left.empty()) << c.what << ": left " << left.front();
  }
}

TEST(BadInput, QuotedDelimitersByteOrderMarkAndCrlfSimplyWork) {
  testing::TempDir dir;
  std::string data = "\xEF\xBB\xBF" "name;a;b;label\r\n";
  for (int i = 0; i < 20; ++i) {
    data += "\"Smith; J" + std::to_string(i) + "\";" + std::to_string(i % 7) + ";" +
            std::to_string((i * 3) % 5) + ";" + std::to_string(i % 2) + "\r\n";
  }
  dir.write("data.csv", data);
  dir.write("config.yaml",
            "data: {path: data.csv, exclude: [name]}\nsplit: {seeds: [1]}\n"
            "train: {losses: [aum], step_sizes: [1], max_iterations: 3}\n"
            "output: {directory: out, plots: false}\n");
  const auto result = testing::run_aumtrain("train config.yaml", dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("20 rows (10 positive), 2 features"), std::string::npos) << result.err;
}

TEST(BadInput, HugeValuesMakeRunsDivergeNeverANaNAuc) {
  testing::TempDir dir;
  std::string data = "a,b,label\n";
  for (int i = 0; i < 40; ++i) {
    data += std::to_string((i % 5) * 1e299) + "," + std::to_string(i % 3) + "," +
            std::to_string(i % 2) + "\n";
  }
  dir.write("data.csv", data);
  dir.write("config.yaml",
            "data: {path: data.csv}\nsplit: {seeds: [1], standardize: false}\n"
            "train: {losses: [logistic, squared_hinge_all_pairs], step_sizes: [1], "
            "max_iterations: 5}\noutput: {directory: out, plots: false}\n");
  const auto result = testing::run_aumtrain("train config.yaml", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream runs(dir.path() / "out/runs.csv");
  std::string text((std::istreambuf_iterator<char>(runs)), {});
  EXPECT_NE(text.find(",diverged,"), std::string::npos) << text;
  std::ifstream curves(dir.path() / "out/learning_curves.csv");
  std::string line;
  while (std::getline(curves, line)) {
    if (line.find(",auc,") != std::string::npos) {
      EXPECT_EQ(line.find("NaN"), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace aumtrain
