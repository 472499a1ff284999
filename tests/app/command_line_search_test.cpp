// The `aumtrain line-search` command, run as a user would run it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::run_aumtrain;

// Labels (0,0,0,1,1,1), scores (2,3,-1,1,-2,0): three lines meet at one point at step 1.
const char* kSixExamples = "pred,label\n2,0\n3,0\n-1,0\n1,1\n-2,1\n0,1\n";

std::vector<std::vector<double>> json_rows(const nlohmann::json& json) {
  std::vector<std::vector<double>> rows;
  for (const auto& row : json["rows"]) {
    rows.push_back({row["step_size"].get<double>(), row["aum"].get<double>(),
                    row["aum_slope_after"].get<double>(), row["auc"].get<double>(),
                    row["auc_after"].get<double>(), row["intersections"].get<double>(),
                    row["intervals"].get<double>()});
  }
  return rows;
}

void expect_rows_near(const std::vector<std::vector<double>>& rows,
                      const std::vector<std::vector<double>>& expected) {
  ASSERT_EQ(rows.size(), expected.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t j = 0; j < expected[k].size(); ++j) {
      EXPECT_NEAR(rows[k][j], expected[k][j], 1e-15) << "row " << k << " column " << j;
    }
  }
}

TEST(CommandLineSearch, WorkedExamplesAsJson) {
  testing::TempDir dir;
  const auto two = dir.write("two.csv", "pred,label\n-10,1\n10,0\n");
  const auto six = dir.write("six.csv", kSixExamples);
  const auto tie = dir.write("tie.csv", "pred,label\n0,0\n0,1\n");

  auto result = run_aumtrain("line-search --denominator count --format json '" + two + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"denominator", "events", "n", "rows"}));
  EXPECT_EQ(json["n"], 2);
  EXPECT_EQ(json["denominator"], "count");
  EXPECT_EQ(json["events"], 1);
  expect_rows_near(json_rows(json), {{0, 20, -2, 0, 0, 0, 0}, {10, 0, 0, 0.5, 1, 1, 1}});

  // Seven rows in all: --max-iterations goes beyond the default of one row per example.
  result = run_aumtrain("line-search --denominator count --format json --max-iterations 10 '" +
                        six + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["events"], 6);
  expect_rows_near(json_rows(json), testing::six_example_path());
  // By default, as many rows as examples.
  result = run_aumtrain("line-search --denominator count --format json '" + six + "'");
  EXPECT_EQ(nlohmann::json::parse(result.out)["rows"].size(), 6u);

  result = run_aumtrain("line-search --denominator count --format json '" + tie + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  expect_rows_near(json_rows(nlohmann::json::parse(result.out)), {{0, 0, 0, 0.5, 1, 0, 0}});
}

TEST(CommandLineSearch, StopRulesPrintTheChosenRow) {
  testing::TempDir dir;
  const auto six = dir.write("six.csv", kSixExamples);
  auto result =
      run_aumtrain("line-search --denominator count --format json --stop min-aum '" + six + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["stop"], "min-aum");
  EXPECT_EQ(json["capped"], false);
  EXPECT_EQ(json["events"], 4);
  expect_rows_near(json_rows(json), {testing::six_example_path()[4]});

  result = run_aumtrain("line-search --denominator count --format json --stop max-auc "
                        "--max-events 2 '" + six + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["capped"], true);
  EXPECT_EQ(json["events"], 2);
  expect_rows_near(json_rows(json), {{1.75, 1.5, -2, 2.0 / 3, 2.0 / 3, 0, 0}});

  result = run_aumtrain("line-search --denominator count --stop min-aum '" + six + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("6 examples (3 positive, 3 negative), denominator count, 6 lines, "
                            "4 events\nstop min-aum: row 4\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("  4        2.5    0                0  0.9444444444444444          1"),
            std::string::npos)
      << result.out;
}

TEST(CommandLineSearch, SummaryPrintsTheLastRow) {
  testing::TempDir dir;
  const auto six = dir.write("six.csv", kSixExamples);
  auto result = run_aumtrain("line-search --denominator count --summary --max-iterations 3 '" +
                             six + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("2 events\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\n  2        1.5    2               -2"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("\n  1 "), std::string::npos) << result.out;
  result = run_aumtrain("line-search --denominator count --summary --format json "
                        "--max-iterations 100 '" + six + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["events"], 6);
  expect_rows_near(json_rows(json), {testing::six_example_path()[6]});
}

TEST(CommandLineSearch, PathWritesEveryRowAndIsNotOverwritten) {
  testing::TempDir dir;
  dir.write("six.csv", kSixExamples);
  // With a stop rule the printed output has the chosen row only; the path has all of them.
  auto result = run_aumtrain(
      "line-search six.csv --denominator count --stop min-aum --path walk.csv", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto cells = testing::read_csv(dir.path() / "walk.csv");
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[0], (std::vector<std::string>{"step_size", "aum", "aum_slope_after", "auc",
                                                "auc_after", "intersections", "intervals"}));
  EXPECT_EQ(cells[1], (std::vector<std::string>{"0", "7", "-4", "0.2222222222222222",
                                                "0.2222222222222222", "0", "0"}));
  EXPECT_EQ(cells[5], (std::vector<std::string>{"2.5", "0", "0", "0.9444444444444444", "1", "1",
                                                "1"}));
  // No temporary file is left beside it.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2u);

  result = run_aumtrain("line-search six.csv --denominator count --path walk.csv", dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find("--path: walk.csv already exists"), std::string::npos) << result.err;
  EXPECT_EQ(testing::read_csv(dir.path() / "walk.csv").size(), 6u);

  result = run_aumtrain("line-search six.csv --denominator count --path walk.csv --force "
                        "--max-iterations 2",
                        dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::read_csv(dir.path() / "walk.csv").size(), 3u);
}

TEST(CommandLineSearch, PlotWritesThePngAndItsScript) {
  testing::TempDir dir;
  dir.write("six.csv", kSixExamples);
  const std::string arguments = "line-search six.csv --stop max-auc --plot walk.png";
  // Without gnuplot on the PATH: a clear error before anything is written.
  const std::string command = "cd '" + dir.path().string() + "' && PATH=/nonexistent '" +
                              AUMTRAIN_EXECUTABLE "' " + arguments + " > out.txt 2> err.txt";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
  std::ifstream err_file(dir.path() / "err.txt");
  const std::string err((std::istreambuf_iterator<char>(err_file)), {});
  EXPECT_NE(err.find("--plot: gnuplot is not installed"), std::string::npos) << err;
  EXPECT_NE(err.find("gnuplot-nox"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "walk.png"));

  if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) GTEST_SKIP() << "no gnuplot";
  auto result = run_aumtrain(arguments, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GT(std::filesystem::file_size(dir.path() / "walk.png"), 1000u);
  std::ifstream script_file(dir.path() / "walk.gp");
  const std::string script((std::istreambuf_iterator<char>(script_file)), {});
  EXPECT_NE(script.find("set output 'walk.png'"), std::string::npos) << script;
  EXPECT_NE(script.find("chosen (max-auc)"), std::string::npos) << script;
  result = run_aumtrain(arguments, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--plot: walk.png already exists"), std::string::npos) << result.err;
}

TEST(CommandLineSearch, BadInputsExitWithTheirCodes) {
  testing::TempDir dir;
  const auto one_class = dir.write("one.csv", "pred,label\n1,1\n2,1\n");
  const auto six = dir.write("six.csv", kSixExamples);
  struct Case {
    std::string arguments;
    int exit_code;
    std::string expected;
  };
  const Case cases[] = {
      {"line-search /no/such/file.csv", 3, "error: /no/such/file.csv"},
      {"line-search '" + one_class + "'", 3,
       "one.csv:1:6: column 'label' has only 2 examples (2 positive, 0 negative with nonzero "
       "weight); the rate denominator needs both classes"},
      {"line-search --stop min-aum --max-iterations 3 '" + six + "'", 2, "excludes"},
      {"line-search --stop fastest '" + six + "'", 2, "--stop"},
      {"line-search --max-iterations 0 '" + six + "'", 2, "--max-iterations"},
      {"line-search", 2, "FILE is required"},
  };
  for (const Case& c : cases) {
    const auto result = run_aumtrain(c.arguments);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.arguments << "\n" << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << c.arguments << "\n" << result.err;
  }
  // One class is fine with count: AUC is undefined (null), AUM is 0.
  const auto result = run_aumtrain("line-search --denominator count --format json '" +
                                   one_class + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_TRUE(json["rows"][0]["auc"].is_null());
  EXPECT_EQ(json["rows"][0]["aum"], 0);
}

}  // namespace
}  // namespace aumtrain
