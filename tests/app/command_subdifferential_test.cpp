// `aumtrain subdifferential`, run as a user would run it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::read_csv;
using testing::run_aumtrain;

// The table the original R study prints (rows "label pred_diff method min max mean"; its method
// "auto" is our "autograd").
const char* const kOriginalTable =
    "0 -3.0 explicit 1 1 1.0\n"
    "1 -3.0 explicit -1 -1 -1.0\n"
    "0 -3.0 auto 1 1 1.0\n"
    "1 -3.0 auto -1 -1 -1.0\n"
    "0 -2.5 explicit 1 1 1.0\n"
    "1 -2.5 explicit -1 -1 -1.0\n"
    "0 -2.5 auto 1 1 1.0\n"
    "1 -2.5 auto -1 -1 -1.0\n"
    "0 -2.0 explicit 1 1 1.0\n"
    "1 -2.0 explicit -1 -1 -1.0\n"
    "0 -2.0 auto 1 1 1.0\n"
    "1 -2.0 auto -1 -1 -1.0\n"
    "0 -1.5 explicit 1 1 1.0\n"
    "1 -1.5 explicit -1 -1 -1.0\n"
    "0 -1.5 auto 1 1 1.0\n"
    "1 -1.5 auto -1 -1 -1.0\n"
    "0 -1.0 explicit 1 1 1.0\n"
    "1 -1.0 explicit -1 -1 -1.0\n"
    "0 -1.0 auto 1 1 1.0\n"
    "1 -1.0 auto -1 -1 -1.0\n"
    "0 -0.5 explicit 1 1 1.0\n"
    "1 -0.5 explicit -1 -1 -1.0\n"
    "0 -0.5 auto 1 1 1.0\n"
    "1 -0.5 auto -1 -1 -1.0\n"
    "0 0.0 explicit 0 1 0.5\n"
    "1 0.0 explicit -1 0 -0.5\n"
    "0 0.0 auto 0 0 0.0\n"
    "1 0.0 auto 0 0 0.0\n"
    "0 0.5 explicit 0 0 0.0\n"
    "1 0.5 explicit 0 0 0.0\n"
    "0 0.5 auto 0 0 0.0\n"
    "1 0.5 auto 0 0 0.0\n"
    "0 1.0 explicit 0 0 0.0\n"
    "1 1.0 explicit 0 0 0.0\n"
    "0 1.0 auto 0 0 0.0\n"
    "1 1.0 auto 0 0 0.0\n"
    "0 1.5 explicit 0 0 0.0\n"
    "1 1.5 explicit 0 0 0.0\n"
    "0 1.5 auto 0 0 0.0\n"
    "1 1.5 auto 0 0 0.0\n"
    "0 2.0 explicit 0 0 0.0\n"
    "1 2.0 explicit 0 0 0.0\n"
    "0 2.0 auto 0 0 0.0\n"
    "1 2.0 auto 0 0 0.0\n"
    "0 2.5 explicit 0 0 0.0\n"
    "1 2.5 explicit 0 0 0.0\n"
    "0 2.5 auto 0 0 0.0\n"
    "1 2.5 auto 0 0 0.0\n"
    "0 3.0 explicit 0 0 0.0\n"
    "1 3.0 explicit 0 0 0.0\n"
    "0 3.0 auto 0 0 0.0\n"
    "1 3.0 auto 0 0 0.0\n";

using RowKey = std::tuple<double, double, std::string>;  // label, pred_diff, method

std::map<RowKey, std::vector<double>> seed_rows() {
  std::map<RowKey, std::vector<double>> rows;
  std::istringstream in(kOriginalTable);
  double label, pred_diff, min, max, mean;
  std::string method;
  while (in >> label >> pred_diff >> method >> min >> max >> mean) {
    rows[{label, pred_diff, method == "auto" ? "autograd" : method}] = {min, max, mean};
  }
  return rows;
}

TEST(CommandSubdifferential, TableMatchesTheOriginalStudyAndPlotsAreWritten) {
  testing::TempDir dir;
  const auto output = dir.path() / "sub";
  const auto result = run_aumtrain("-q subdifferential --output '" + output.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto csv = read_csv(output / "subdifferential.csv");
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv[0],
            (std::vector<std::string>{"label", "pred_diff", "method", "min", "max", "mean"}));
  const auto expected = seed_rows();
  ASSERT_EQ(expected.size(), 52u);
  std::size_t explicit_rows = 0, autograd_rows = 0;
  for (std::size_t r = 1; r < csv.size(); ++r) {
    ASSERT_EQ(csv[r].size(), 6u) << "row " << r;
    const RowKey key{std::stod(csv[r][0]), std::stod(csv[r][1]), csv[r][2]};
    const auto found = expected.find(key);
    ASSERT_NE(found, expected.end()) << "unexpected row " << r;
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ(std::stod(csv[r][3 + c]), found->second[c])
          << csv[r][2] << " label " << csv[r][0] << " d " << csv[r][1] << " column " << c;
    }
    (csv[r][2] == "explicit" ? explicit_rows : autograd_rows) += 1;
  }
  EXPECT_EQ(explicit_rows, 26u);
  EXPECT_EQ(autograd_rows, AUMTRAIN_WITH_TORCH ? 26u : 0u);
  for (const char* file : {"subdifferential.png", "subdifferential.svg", "subdifferential.gp"}) {
    EXPECT_GT(std::filesystem::file_size(output / file), 100u) << file;
  }
  EXPECT_NE(result.out.find("explicit"), std::string::npos) << result.out;
}

TEST(CommandSubdifferential, RefusesANonEmptyOutputUnlessForced) {
  testing::TempDir dir;
  dir.write("keep.txt", "precious");
  const auto refused =
      run_aumtrain("-q subdifferential --no-autograd --output '" + dir.path().string() + "'");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "keep.txt"));
  const auto forced = run_aumtrain("-q subdifferential --no-autograd --force --output '" +
                                   dir.path().string() + "'");
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "keep.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "subdifferential.csv"));
  // Nothing is left under the temporary name.
  const std::string staging_prefix = fmt::format(".{}.tmp-", dir.path().filename().string());
  for (const auto& entry : std::filesystem::directory_iterator(dir.path().parent_path())) {
    EXPECT_NE(entry.path().filename().string().rfind(staging_prefix, 0), 0u) << entry.path();
  }
}

TEST(CommandSubdifferential, OutputIsRequired) {
  EXPECT_EQ(run_aumtrain("subdifferential").exit_code, 2);
}

}  // namespace
}  // namespace aumtrain
