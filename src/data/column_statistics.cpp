#include "aumtrain/data/column_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/threshold_sort.hpp"

namespace aumtrain {
namespace {

// Per block of rows and column: the running sum of f(column, value) over the block's rows, one
// column of the result per block.
template <class Term>
Eigen::MatrixXd column_block_sums(const double* values, std::size_t rows, std::size_t cols,
                                  Term&& term) {
  const std::size_t blocks = (rows + kSumBlockRows - 1) / kSumBlockRows;
  Eigen::MatrixXd sums =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(cols), static_cast<Eigen::Index>(blocks));
  for (std::size_t block = 0; block < blocks; ++block) {
    double* sum = sums.col(static_cast<Eigen::Index>(block)).data();
    const std::size_t end = std::min(rows, (block + 1) * kSumBlockRows);
    for (std::size_t i = block * kSumBlockRows; i < end; ++i) {
      const double* row = values + i * cols;
      for (std::size_t j = 0; j < cols; ++j) sum[j] += term(j, row[j]);
    }
  }
  return sums;
}

// Means and standard deviations from the tree sums of values and squared deviations.
template <class TreeSum>
void fill_moments(std::vector<ColumnStatistics>& statistics, const double* values, std::size_t rows,
                  double count, TreeSum&& tree_sum) {
  const std::size_t cols = statistics.size();
  const Eigen::VectorXd sums =
      tree_sum(column_block_sums(values, rows, cols, [](std::size_t, double z) { return z; }));
  for (std::size_t j = 0; j < cols; ++j) {
    statistics[j].mean = sums[static_cast<Eigen::Index>(j)] / count;
  }
  const Eigen::VectorXd squares =
      tree_sum(column_block_sums(values, rows, cols, [&](std::size_t j, double z) {
        const double deviation = z - statistics[j].mean;
        return deviation * deviation;
      }));
  for (std::size_t j = 0; j < cols; ++j) {
    statistics[j].sd = std::sqrt(squares[static_cast<Eigen::Index>(j)] / count);
  }
}

// A constant column has mean and standard deviation 0: they are not used.
void clear_constant_columns(std::vector<ColumnStatistics>& statistics) {
  for (ColumnStatistics& column : statistics) {
    if (column.low == column.high) column.mean = column.sd = 0.0;
  }
}

}  // namespace

std::vector<ColumnStatistics> dense_column_statistics(const double* values, std::size_t rows,
                                                      std::size_t cols) {
  std::vector<ColumnStatistics> statistics(cols);
  if (rows == 0) return statistics;
  for (std::size_t j = 0; j < cols; ++j) statistics[j].low = statistics[j].high = values[j];
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      statistics[j].low = std::min(statistics[j].low, values[i * cols + j]);
      statistics[j].high = std::max(statistics[j].high, values[i * cols + j]);
    }
  }
  fill_moments(statistics, values, rows, static_cast<double>(rows),
               [](const Eigen::MatrixXd& blocks) { return tree_sum_of_columns(blocks); });
  clear_constant_columns(statistics);
  return statistics;
}

std::vector<ColumnStatistics> dense_column_statistics(const RowBlocks& blocks, const double* values,
                                                      std::size_t rows, std::size_t cols) {
  if (blocks.communicator == nullptr) {
    throw std::invalid_argument("dense_column_statistics: the row blocks have no communicator");
  }
  Communicator& communicator = *blocks.communicator;
  communicator.collectively([&] { check_row_blocks(blocks, rows); });
  std::uint64_t count = rows;
  communicator.allreduce_sum({&count, 1});
  std::vector<ColumnStatistics> statistics(cols);
  if (count == 0) return statistics;
  // Smallest values, and largest as the smallest complements, through order-preserving keys.
  std::vector<std::uint64_t> keys(2 * cols, std::numeric_limits<std::uint64_t>::max());
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      const std::uint64_t key = threshold_key(values[i * cols + j]);
      keys[2 * j] = std::min(keys[2 * j], key);
      keys[2 * j + 1] = std::min(keys[2 * j + 1], ~key);
    }
  }
  communicator.allreduce_min(keys);
  for (std::size_t j = 0; j < cols; ++j) {
    statistics[j].low = key_threshold(keys[2 * j]);
    statistics[j].high = key_threshold(~keys[2 * j + 1]);
  }
  fill_moments(
      statistics, values, rows, static_cast<double>(count), [&](const Eigen::MatrixXd& block_sums) {
        return tree_sum_of_blocks(communicator, block_sums, blocks.first_block, blocks.block_count);
      });
  clear_constant_columns(statistics);
  return statistics;
}

}  // namespace aumtrain
