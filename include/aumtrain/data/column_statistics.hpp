// The statistics that standardise dense features: each column's smallest and largest value,
// mean and standard deviation over a set's rows, with every sum over rows taken block by block
// up the fixed tree (block_sum.hpp), so that rows held by several ranks give the same bits.
#pragma once

#include <cstddef>
#include <vector>

#include "aumtrain/core/communicator.hpp"

namespace aumtrain {

struct ColumnStatistics {
  double low = 0;   ///< the smallest value
  double high = 0;  ///< the largest value
  double mean = 0;
  double sd = 0;  ///< standard deviation, dividing by the number of rows
};

/// The statistics of every column of `rows` rows of a row-major matrix of `cols` columns that
/// starts at `values`. With no rows every statistic is 0.
std::vector<ColumnStatistics> dense_column_statistics(const double* values, std::size_t rows,
                                                      std::size_t cols);

/// The same over the rows of every rank, each rank passing its own rows (whole blocks, as
/// `blocks` says): every rank gets the bits one process holding every row gets, except that a
/// smallest or largest value of 0 may come out as either sign of zero.
std::vector<ColumnStatistics> dense_column_statistics(const RowBlocks& blocks, const double* values,
                                                      std::size_t rows, std::size_t cols);

}  // namespace aumtrain
