// `aumtrain bench-grad`, run as a user would run it, on tiny sizes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::read_csv;
using testing::run_aumtrain;

TEST(CommandBenchGrad, WritesTableClassesAndPlot) {
  testing::TempDir dir;
  const auto output = dir.path() / "bench";
  const auto result = run_aumtrain(
      "-q bench-grad --min-n 10 --max-n 100 --reps 2 "
      "--seconds-limit 0.5 --output '" +
      output.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto csv = read_csv(output / "bench_grad.csv");
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv[0], (std::vector<std::string>{"N", "method", "median_seconds", "q25_seconds",
                                              "q75_seconds", "peak_bytes", "max_abs_diff"}));
  std::set<std::string> methods, sizes;
  for (std::size_t r = 1; r < csv.size(); ++r) {
    ASSERT_EQ(csv[r].size(), 7u) << "row " << r;
    sizes.insert(csv[r][0]);
    methods.insert(csv[r][1]);
    EXPECT_GT(std::stod(csv[r][2]), 0.0) << "row " << r;
    if (csv[r][1] == "std_sort" || !AUMTRAIN_WITH_TORCH) {
      EXPECT_EQ(csv[r][6], "NA") << "row " << r;
    } else {
      EXPECT_LT(std::stod(csv[r][6]), 1e-9) << "row " << r;
    }
  }
  EXPECT_EQ(sizes, (std::set<std::string>{"10", "15", "25", "39", "63", "100"}));
  const std::set<std::string> expected_methods =
      AUMTRAIN_WITH_TORCH ? std::set<std::string>{"explicit", "autograd", "std_sort"}
                          : std::set<std::string>{"explicit", "std_sort"};
  EXPECT_EQ(methods, expected_methods);
  for (const char* file :
       {"bench_grad.png", "bench_grad.svg", "bench_grad.gp", "complexity.csv", "summary.md"}) {
    EXPECT_TRUE(std::filesystem::exists(output / file)) << file;
  }
  EXPECT_GT(std::filesystem::file_size(output / "bench_grad.png"), 1000u);
  EXPECT_NE(result.out.find("Estimated complexity class"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("explicit/std_sort"), std::string::npos) << result.out;
}

TEST(CommandBenchGrad, BadOptionsExitWith2AndNameTheOption) {
  testing::TempDir dir;
  const std::string output = " --output '" + (dir.path() / "out").string() + "'";
  const std::pair<const char*, const char*> cases[] = {
      {"--reps 0", "--reps"},
      {"--min-n 1", "--min-n"},
      {"--min-n 1000 --max-n 100", "--max-n"},
      {"--threads 0", "--threads"},
      {"--seconds-limit -1", "--seconds-limit"},
      {"--min-n ten", "--min-n"},
  };
  for (const auto& [arguments, option] : cases) {
    std::string command = "bench-grad ";
    command += arguments;
    command += output;
    const auto result = run_aumtrain(command);
    EXPECT_EQ(result.exit_code, 2) << arguments;
    EXPECT_NE(result.err.find(option), std::string::npos) << arguments << ": " << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out")) << arguments;
  }
  EXPECT_EQ(run_aumtrain("bench-grad --max-n 100").exit_code, 2);  // no --output
}

TEST(CommandBenchGrad, RefusesANonEmptyOutput) {
  testing::TempDir dir;
  dir.write("results.csv", "keep me");
  const auto result =
      run_aumtrain("bench-grad --min-n 10 --max-n 10 --output '" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--force"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace aumtrain
