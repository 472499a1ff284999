// The command line as a whole: --version, `help`, the forms a count takes, what the commands
// say about themselves, and the plurals in their messages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;
using testing::run_aumtrain;

std::size_t line_count_of(const fs::path& file) {
  std::ifstream in(file);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

TEST(CommandLine, VersionPrintsTheProjectVersion) {
  const auto result = run_aumtrain("--version");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "aumtrain " AUMTRAIN_VERSION "\n");
}

TEST(CommandLine, HelpCommandPrintsTheHelpOfTheCommandNamed) {
  const auto help = run_aumtrain("help train");
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, run_aumtrain("train --help").out);
  EXPECT_NE(help.out.find("Usage:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("CONFIG"), std::string::npos) << help.out;

  const auto overview = run_aumtrain("help");
  EXPECT_EQ(overview.exit_code, 0) << overview.err;
  EXPECT_EQ(overview.out, run_aumtrain("--help").out);

  const auto unknown = run_aumtrain("help fly");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("help: there is no command 'fly'; the commands are train, compare, "),
            std::string::npos)
      << unknown.err;
}

TEST(CommandLine, CountsTakeTheSameFormsEverywhere) {
  testing::TempDir dir;
  for (const char* rows : {"120", "1.2e2", "1_2_0"}) {
    const std::string file = std::string("d") + rows + ".csv";
    const auto result =
        run_aumtrain(std::string("make-data --rows ") + rows + " --features 1e0 --output " + file,
                     dir.path());
    ASSERT_EQ(result.exit_code, 0) << rows << ": " << result.err;
    EXPECT_EQ(line_count_of(dir.path() / file), 121u) << rows;  // the header and 120 rows
  }
  const auto fraction =
      run_aumtrain("make-data --rows 1.5 --features 2 --output x.csv", dir.path());
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_NE(fraction.err.find("'1.5' is not a whole number; write a count as digits (100000 or "
                              "100_000) or as a power of ten (1e5, 2.5e3)"),
            std::string::npos)
      << fraction.err;
  EXPECT_FALSE(fs::exists(dir.path() / "x.csv"));
  const auto zero = run_aumtrain("make-data --rows 0e3 --features 2 --output x.csv", dir.path());
  EXPECT_EQ(zero.exit_code, 2) << zero.err;

  // The other commands read counts the same way: --threads, --max-iterations, --reps.
  const auto scores = dir.write("scores.csv", "pred,label\n2,0\n3,0\n-1,0\n1,1\n-2,1\n0,1\n");
  const auto walk = run_aumtrain("line-search scores.csv --denominator count --max-iterations 3e0 "
                                 "--max-events 1_000 --summary",
                                 dir.path());
  EXPECT_EQ(walk.exit_code, 0) << walk.err;
  const auto digits = run_aumtrain("line-search scores.csv --denominator count --max-iterations 3 "
                                   "--summary",
                                   dir.path());
  EXPECT_EQ(walk.out, digits.out);
  const auto threads = run_aumtrain("train nothing.yaml --threads 1e-1", dir.path());
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("'1e-1' is not a whole number"), std::string::npos) << threads.err;
  const auto reps = run_aumtrain("bench-grad --reps 2.5 --output b", dir.path());
  EXPECT_EQ(reps.exit_code, 2);
  EXPECT_NE(reps.err.find("'2.5' is not a whole number"), std::string::npos) << reps.err;
}

TEST(CommandLine, StudyCommandsSayWhatTheyComputeInPlainWords) {
  const auto sub = run_aumtrain("help subdifferential");
  EXPECT_NE(sub.out.find("Show how AUM changes with each score for two examples, a negative "
                         "scored 0 and a positive scored d"),
            std::string::npos)
      << sub.out;
  const auto bench = run_aumtrain("help bench-grad");
  EXPECT_NE(bench.out.find("Measure how the time to compute the gradient of AUM grows with the "
                           "number of examples N"),
            std::string::npos)
      << bench.out;
  for (const auto& text : {sub.out, bench.out}) {
    EXPECT_EQ(text.find("seed's"), std::string::npos) << text;
  }
}

TEST(MakeData, WarnsWhenAClassIsAbsentAndSaysWhatToChange) {
  testing::TempDir dir;
  const auto result = run_aumtrain(
      "make-data --rows 5 --features 2 --positive-fraction 0.01 --output few.csv", dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("wrote few.csv: 5 rows (0 positive), 2 features"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("warning: few.csv has no positive rows, so it cannot be trained on "
                            "(training needs both classes): raise --rows or --positive-fraction"),
            std::string::npos)
      << result.err;
  const auto both = run_aumtrain("make-data --rows 200 --features 2 --output both.csv", dir.path());
  EXPECT_EQ(both.err.find("warning"), std::string::npos) << both.err;
  const auto one = run_aumtrain("make-data --rows 1 --features 1 --positive-fraction 0.5 "
                                "--seed 3 --output one.csv",
                                dir.path());
  EXPECT_NE(one.err.find(": 1 row ("), std::string::npos) << one.err;
  EXPECT_NE(one.err.find("), 1 feature,"), std::string::npos) << one.err;
}

TEST(CommandLine, MessagesUseTheSingularForOne) {
  testing::TempDir dir;
  std::string data = "a,b,label\n1,NA,1\n";  // one row to drop
  for (int i = 0; i < 24; ++i) {
    data += std::to_string(i % 7) + "," + std::to_string((i * 5) % 11) + "," +
            std::to_string(i % 2) + "\n";
  }
  dir.write("data.csv", data);
  dir.write("c.yaml",
            "data: {path: data.csv, missing: drop_rows}\nsplit: {seeds: [1]}\n"
            "train: {losses: [logistic], step_sizes: [1], max_iterations: 3}\n"
            "output: {directory: out, plots: false}\n");
  const auto result = run_aumtrain("train c.yaml", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("1 run: 1 split (dataset x positive fraction x seed)"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("dropped 1 row with missing values"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace aumtrain
