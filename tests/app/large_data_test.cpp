// Training every loss for 100 iterations on 1e6 x 20 synthetic data, with the peak memory of the
// process compared with the size of the data. Slow: labelled "large" in CTest.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

TEST(LargeData, EveryLossTrainsOnAMillionRowsInUnderTwiceTheDataSize) {
  testing::TempDir dir;
  ASSERT_EQ(testing::run_aumtrain("make-data --rows 1000000 --features 20 --positive-fraction 0.1 "
                                  "--seed 1 --output big.csv",
                                  dir.path())
                .exit_code,
            0);
  dir.write("big.yaml",
            "data: {path: big.csv}\nsplit: {seeds: [1]}\n"
            "train: {step_sizes: [0.1], max_iterations: 100}\n"
            "output: {directory: out, log_every: 10, plots: false}\n");
  const pid_t pid = testing::start_aumtrain(dir.path(), {"train", "big.yaml"}, dir.path() / "stderr.txt");
  int status = 0;
  rusage usage{};
  ASSERT_EQ(wait4(pid, &status, 0, &usage), pid);
  std::ifstream err(dir.path() / "stderr.txt");
  const std::string log((std::istreambuf_iterator<char>(err)), {});
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;

  const double data_bytes = 1e6 * 20 * sizeof(double);
  const double peak_bytes = static_cast<double>(usage.ru_maxrss) * 1024;
  std::cout << "peak resident memory " << peak_bytes / (1 << 20) << " MiB for "
            << data_bytes / (1 << 20) << " MiB of features: " << peak_bytes / data_bytes << "x\n";
  EXPECT_LT(peak_bytes, 2 * data_bytes);

  // Every loss ran its 100 iterations and learned something.
  std::ifstream runs(dir.path() / "out/runs.csv");
  std::string line;
  std::getline(runs, line);
  int completed = 0;
  while (std::getline(runs, line)) {
    EXPECT_NE(line.find(",completed,100,"), std::string::npos) << line;
    ++completed;
  }
  EXPECT_EQ(completed, 5);
  std::ifstream comparison(dir.path() / "out/comparison.csv");
  std::getline(comparison, line);
  while (std::getline(comparison, line)) {
    // test_auc is the 8th column; the best linear scorer's AUC here is about 0.83.
    std::istringstream fields(line);
    std::string field;
    for (int k = 0; k < 8; ++k) std::getline(fields, field, ',');
    EXPECT_GT(std::stod(field), 0.8) << line;
  }
}

}  // namespace
}  // namespace aumtrain
