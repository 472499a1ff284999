// Column statistics for standardisation, on one process and over ranks (this file is also
// built into aumtrain_mpi_tests, which runs it under mpirun with 1, 2 and 3 ranks).
#include "aumtrain/data/column_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace aumtrain {
namespace {

TEST(ColumnStatistics, SmallestLargestMeanAndStandardDeviation) {
  // Columns: 1 2 3 4 (mean 2.5, variance 1.25), a constant 7, and -1 0 0 1 (variance 0.5).
  const std::vector<double> values = {1, 7, -1, 2, 7, 0, 3, 7, 0, 4, 7, 1};
  const std::vector<ColumnStatistics> statistics = dense_column_statistics(values.data(), 4, 3);
  ASSERT_EQ(statistics.size(), 3u);
  EXPECT_EQ(statistics[0].low, 1.0);
  EXPECT_EQ(statistics[0].high, 4.0);
  EXPECT_EQ(statistics[0].mean, 2.5);
  EXPECT_EQ(statistics[0].sd, std::sqrt(1.25));
  // A constant column: mean and standard deviation are left at 0.
  EXPECT_EQ(statistics[1].low, 7.0);
  EXPECT_EQ(statistics[1].high, 7.0);
  EXPECT_EQ(statistics[1].mean, 0.0);
  EXPECT_EQ(statistics[1].sd, 0.0);
  EXPECT_EQ(statistics[2].mean, 0.0);
  EXPECT_EQ(statistics[2].sd, std::sqrt(0.5));
  EXPECT_EQ(dense_column_statistics(values.data(), 0, 3)[0].high, 0.0);
}

// Two columns of three blocks and a part, with values whose sums round.
std::vector<double> statistics_test_matrix(std::size_t rows) {
  std::mt19937_64 rng(rows);
  std::normal_distribution<double> normal;
  std::vector<double> values;
  for (std::size_t i = 0; i < rows; ++i) {
    values.push_back(1e6 + normal(rng));
    values.push_back(i % 3 == 0 ? 1e-3 * normal(rng) : 5.0);
  }
  return values;
}

// The sums go block by block up the tree: the mean is block_tree_sum's, to the bit.
TEST(ColumnStatistics, SumsGoBlockByBlockUpTheTree) {
  const std::size_t rows = 3 * kSumBlockRows + 77;
  const std::vector<double> values = statistics_test_matrix(rows);
  const std::vector<ColumnStatistics> statistics = dense_column_statistics(values.data(), rows, 2);
  for (std::size_t j = 0; j < 2; ++j) {
    const double mean = block_tree_sum(rows, [&](std::size_t i) { return values[2 * i + j]; }) /
                        static_cast<double>(rows);
    EXPECT_EQ(statistics[j].mean, mean) << "column " << j;
  }
}

// Rows held by the ranks in whole blocks give the one-process statistics.
TEST(ColumnStatistics, SameBitsOverRanks) {
  Communicator& world = world_communicator();
  const auto p = static_cast<std::size_t>(world.size()), r = static_cast<std::size_t>(world.rank());
  for (const std::size_t rows : {std::size_t{50}, 3 * kSumBlockRows + 77}) {
    const std::vector<double> values = statistics_test_matrix(rows);
    const std::vector<ColumnStatistics> expected = dense_column_statistics(values.data(), rows, 2);
    const std::size_t blocks = (rows + kSumBlockRows - 1) / kSumBlockRows;
    const std::size_t first = blocks * r * r / (p * p);
    const std::size_t end = blocks * (r + 1) * (r + 1) / (p * p);
    const std::size_t first_row = first * kSumBlockRows;
    const std::size_t end_row = std::min(rows, end * kSumBlockRows);
    const std::vector<ColumnStatistics> statistics = dense_column_statistics(
        RowBlocks{&world, first, blocks}, values.data() + 2 * first_row, end_row - first_row, 2);
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_EQ(statistics[j].low, expected[j].low) << rows << " rows, column " << j;
      EXPECT_EQ(statistics[j].high, expected[j].high) << rows << " rows, column " << j;
      EXPECT_EQ(statistics[j].mean, expected[j].mean) << rows << " rows, column " << j;
      EXPECT_EQ(statistics[j].sd, expected[j].sd) << rows << " rows, column " << j;
    }
  }
}

}  // namespace
}  // namespace aumtrain
