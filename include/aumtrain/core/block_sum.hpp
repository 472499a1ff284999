// Sums over rows in an order that does not depend on how the rows are shared out: row by row
// within fixed blocks of rows, then the blocks' sums up a fixed binary tree over the block
// numbers (a node of more than one block splits at the largest power of two below its size).
// Ranks that each hold some of the blocks get the same bits with tree_sum_of_blocks()
// (communicator.hpp), and one process gets them with the functions here (defined with the
// tree over ranks in src/core/communicator.cpp).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace aumtrain {

/// Sums over rows are taken per block of this many rows, and the blocks' sums added up the tree
/// of tree_sum_of_blocks(): the blocks of the matrix products (kProductBlockRows).
inline constexpr std::size_t kSumBlockRows = 8192;

/// The tree sum of the columns of `blocks`, all held here (tree_sum_of_blocks on one rank).
Eigen::VectorXd tree_sum_of_columns(const Eigen::MatrixXd& blocks);

/// The tree sum of one number per block, all held here: the bits of tree_sum_of_columns on a
/// one-row matrix, without allocating.
double tree_sum_of_values(std::span<const double> block_sums);

/// sum_i term(i) over rows 0 .. rows - 1, added row by row within each block of kSumBlockRows
/// rows and the blocks' sums up the tree: the order a sum over rows held by several ranks takes,
/// so one process gets the same bits. term(i) is called once per row, in row order. Up to one
/// block, this is the plain running sum.
template <class Term>
double block_tree_sum(std::size_t rows, Term&& term) {
  if (rows <= kSumBlockRows) {
    double sum = 0.0;
    for (std::size_t i = 0; i < rows; ++i) sum += term(i);
    return sum;
  }
  std::vector<double> block_sums((rows + kSumBlockRows - 1) / kSumBlockRows, 0.0);
  for (std::size_t block = 0; block < block_sums.size(); ++block) {
    double sum = 0.0;
    const std::size_t end = std::min(rows, (block + 1) * kSumBlockRows);
    for (std::size_t i = block * kSumBlockRows; i < end; ++i) sum += term(i);
    block_sums[block] = sum;
  }
  return tree_sum_of_values(block_sums);
}

}  // namespace aumtrain
