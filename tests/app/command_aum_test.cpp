// The `aumtrain aum` command, run as a user would run it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::run_aumtrain;

const std::string kFourSamples = AUMTRAIN_SOURCE_DIR "/datasets/four_samples.csv";

TEST(CommandAum, FourSamplesAsATable) {
  const auto result = run_aumtrain("aum '" + kFourSamples + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("AUM 1.5\nAUC 0.5\n"), std::string::npos) << result.out;
  const char* expected_rows[] = {
      "FPR  FNR  TPR  min(FPR,FNR)  min_constant  max_constant\n",
      "  0    1    0             0          -Inf            -2\n",
      "0.5    1    0           0.5            -2          -1.5\n",
      "0.5  0.5  0.5           0.5          -1.5             1\n",
      "0.5    0    1             0             1           3.5\n",
      "  1    0    1             0           3.5           Inf\n",
      "row  pred  label  left  right  gradient  threshold  fp_before  fn_before\n",
      "  1     2     -1   0.5    0.5       0.5         -2          0          1\n",
      "  2  -3.5     -1     0      0         0        3.5        0.5          0\n",
      "  3    -1      1  -0.5   -0.5      -0.5          1        0.5        0.5\n",
      "  4   1.5      1     0      0         0       -1.5        0.5          1\n",
  };
  for (const char* row : expected_rows) {
    EXPECT_NE(result.out.find(row), std::string::npos) << "missing row: " << row << "\nin:\n"
                                                       << result.out;
  }
}

TEST(CommandAum, FourSamplesAsJson) {
  for (const auto& [denominator, aum, derivative] :
       {std::tuple{"rate", 1.5, 0.5}, std::tuple{"count", 3.0, 1.0}}) {
    const auto result = run_aumtrain("aum --format json --denominator " + std::string(denominator) +
                                     " '" + kFourSamples + "'");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    std::vector<std::string> keys;
    for (const auto& item : json.items()) keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys, (std::vector<std::string>{"auc", "aum", "denominator", "derivative_mat",
                                              "gradient", "n", "roc", "total_error"}));
    EXPECT_EQ(json["n"], 4);
    EXPECT_EQ(json["denominator"], denominator);
    EXPECT_EQ(json["aum"].get<double>(), aum);
    EXPECT_EQ(json["auc"].get<double>(), 0.5);
    const std::vector<std::vector<double>> rows = {
        {derivative, derivative}, {0, 0}, {-derivative, -derivative}, {0, 0}};
    EXPECT_EQ(json["derivative_mat"].get<std::vector<std::vector<double>>>(), rows);
    EXPECT_EQ(json["gradient"].get<std::vector<double>>(),
              (std::vector<double>{derivative, 0, -derivative, 0}));
    EXPECT_EQ(json["total_error"]["threshold"].get<std::vector<double>>(),
              (std::vector<double>{-2, 3.5, 1, -1.5}));
    EXPECT_EQ(json["roc"]["min_constant"][0], "-Inf");
    EXPECT_EQ(json["roc"]["max_constant"][4], "Inf");
    EXPECT_EQ(json["roc"]["FPR"].size(), 5u);
  }
}

TEST(CommandAum, JsonHasSeventeenSignificantDigits) {
  testing::TempDir dir;
  const auto path = dir.write("thirds.csv", "pred,label\n0.1,0\n0.2,0\n0.3,0\n0,1\n");
  const auto result = run_aumtrain("aum --format json '" + path + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("0.33333333333333331"), std::string::npos) << result.out;
}

TEST(CommandAum, BadInputGivesOneLocatedMessageAndExitCode3) {
  testing::TempDir dir;
  struct Case {
    const char* content;
    std::string arguments;
    std::string expected;  // after the file's path
  };
  const Case cases[] = {
      {"", "", ": the file is empty"},
      {"score,label\n1,0\n", "", ":1: no column named 'pred'"},
      {"pred,label\n1,0\n1.5x,1\n", "", ":3:1: column 'pred': '1.5x' is not a number"},
      {"pred,label\n1,0\nNaN,1\n", "", ":3:1: column 'pred' has a missing value"},
      {"pred,label\n1,0\nInf,1\n", "", ":3:1: column 'pred': score Inf is not finite"},
      {"pred,label\n1,1\n2,1\n", "", ":1:6: column 'label' has only 2 examples"},
  };
  for (const Case& c : cases) {
    const auto path = dir.write("bad.csv", c.content);
    const auto result = run_aumtrain("aum " + c.arguments + " '" + path + "'");
    EXPECT_EQ(result.exit_code, 3) << c.content;
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_NE(result.err.find("error: " + path + c.expected), std::string::npos)
        << "input:\n" << c.content << "\nstderr: " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

TEST(CommandAum, OneClassWorksWithCount) {
  testing::TempDir dir;
  const auto path = dir.write("one.csv", "pred,label\n1,1\n2,1\n");
  const auto result = run_aumtrain("aum --denominator count --format json '" + path + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["aum"].get<double>(), 0.0);
  EXPECT_TRUE(json["auc"].is_null());
}

TEST(CommandAum, UsageErrorsExitWith2) {
  EXPECT_EQ(run_aumtrain("aum --format xml '" + kFourSamples + "'").exit_code, 2);
  EXPECT_EQ(run_aumtrain("aum").exit_code, 2);
  EXPECT_EQ(run_aumtrain("no-such-command").exit_code, 2);
  EXPECT_EQ(run_aumtrain("aum /no/such/file.csv").exit_code, 3);
}

TEST(CommandAum, ColumnsByNameAndStringLabels) {
  testing::TempDir dir;
  // four_samples.csv with other column names and labels spelled as words.
  const auto path = dir.write("words.csv", "id,s,class\na,2.0,benign\nb,-3.5,benign\nc,-1,malignant\nd,1.5,Malignant\n");
  auto result = run_aumtrain("aum --score-column s --label-column class --positive-label malignant '" + path + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // 'Malignant' is not 'malignant': three negatives and one positive.
  EXPECT_NE(result.out.find("4 examples (1 positive, 3 negative), denominator rate\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("  3    -1  malignant"), std::string::npos) << result.out;
  const auto json = nlohmann::json::parse(
      run_aumtrain("aum --format json --score-column s --label-column class --positive-label benign '" +
                   path + "'")
          .out);
  // benign (2, -3.5) against the rest (-1, 1.5): thresholds -2 (+), -1.5, 1, 3.5 (+), min(FPR, FNR)
  // 0, 1/2, 1/2 on the gaps 0.5, 2.5, 2.5: AUM 2.5; two of four pairs ranked right: AUC 0.5.
  EXPECT_EQ(json["aum"].get<double>(), 2.5);
  EXPECT_EQ(json["auc"].get<double>(), 0.5);
  result = run_aumtrain("aum --score-column s --label-column class '" + path + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find(path + ":2:7: column 'class': 'benign' is not a number"),
            std::string::npos)
      << result.err;
  result = run_aumtrain("aum --score-column score '" + path + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find(path + ":1: no column named 'score'; the header has: id, s, class; the file "
                                   "needs columns score and label"),
            std::string::npos)
      << result.err;
}

TEST(CommandAum, SummaryLeavesOutTheTablesAndArrays) {
  auto result = run_aumtrain("aum --summary '" + kFourSamples + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "4 examples (2 positive, 2 negative), denominator rate\n\nAUM 1.5\nAUC 0.5\n");
  result = run_aumtrain("aum --summary --format json --denominator count '" + kFourSamples + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json, nlohmann::json::parse(R"({"n": 4, "denominator": "count", "aum": 3, "auc": 0.5})"));
}

TEST(CommandAum, PlotDrawsTheErrorCurvesOnce) {
  testing::TempDir dir;
  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) GTEST_SKIP() << "no gnuplot";
  auto result = run_aumtrain("aum --summary --plot errors.png '" + kFourSamples + "'", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream png(dir.path() / "errors.png", std::ios::binary);
  std::string signature(8, '\0');
  png.read(signature.data(), 8);
  EXPECT_EQ(signature, "\x89PNG\r\n\x1a\n");
  std::ifstream script_file(dir.path() / "errors.gp");
  const std::string script((std::istreambuf_iterator<char>(script_file)), {});
  EXPECT_NE(script.find("min(FPR, FNR): its area is AUM = 1.5"), std::string::npos) << script;
  // Cuts between the scores -3.5 and 2: the four_samples ROC rows, lowest cut first.
  EXPECT_NE(script.find("-3.5 0.5 0 0\n-1 0.5 0 0\n-1 0.5 0.5 0.5\n1.5 0.5 0.5 0.5\n"), std::string::npos)
      << script;
  result = run_aumtrain("aum --plot errors.png '" + kFourSamples + "'", dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--plot: errors.png already exists"), std::string::npos) << result.err;
  EXPECT_EQ(run_aumtrain("aum --plot errors.png --force '" + kFourSamples + "'", dir.path()).exit_code, 0);
}

}  // namespace
}  // namespace aumtrain
