// The communication facade: run on one rank in the test suite, and under mpirun with 1, 2 and
// 3 ranks in aumtrain_mpi_tests.
#include "aumtrain/core/communicator.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

// Four blocks whose sum depends on the order: 1e16 + 1 rounds back to 1e16.
Eigen::MatrixXd order_sensitive_blocks() {
  Eigen::MatrixXd blocks(1, 4);
  blocks << 1e16, 1.0, -1e16, 1.0;
  return blocks;
}

TEST(TreeSum, AddsBlocksPairwiseNotInARow) {
  // ((b0 + b1) + (b2 + b3)) = (1e16 + -1e16) = 0, where a running sum gives 1.
  EXPECT_EQ(tree_sum_of_columns(order_sensitive_blocks())[0], 0.0);
  // Five blocks: the first four as above, then the fifth.
  Eigen::MatrixXd five(1, 5);
  five << 1e16, 1.0, -1e16, 1.0, 3.0;
  EXPECT_EQ(tree_sum_of_columns(five)[0], 3.0);
  // Three blocks: (b0 + b1) + b2 = 1e16 + 1 = 1e16, where b0 + (b1 + b2) is 1e16 + 2.
  Eigen::MatrixXd three(1, 3);
  three << 1e16, 1.0, 1.0;
  EXPECT_EQ(tree_sum_of_columns(three)[0], 1e16);
  EXPECT_EQ(tree_sum_of_columns(Eigen::MatrixXd(2, 0)), Eigen::VectorXd::Zero(2));
}

TEST(TreeSum, OneValuePerBlockGivesTheBitsOfOneRowOfColumns) {
  const std::vector<double> values = {1e16, 1.0, -1e16, 1.0, 3.0, 0.25, -7.5};
  for (std::size_t count = 0; count <= values.size(); ++count) {
    const Eigen::MatrixXd row =
        Eigen::Map<const Eigen::MatrixXd>(values.data(), 1, static_cast<Eigen::Index>(count));
    EXPECT_EQ(tree_sum_of_values(std::span(values).first(count)), tree_sum_of_columns(row)[0])
        << count << " blocks";
  }
}

// Within a block rows are added one after the other; blocks go up the tree.
TEST(TreeSum, SumsOverRowsGoBlockByBlock) {
  const std::size_t rows = 3 * kSumBlockRows;
  // Block 0: 1e16 then ones, which round away one by one; block 1: -1e16; block 2: ones.
  const auto term = [](std::size_t i) {
    if (i == 0) return 1e16;
    if (i == kSumBlockRows) return -1e16;
    return i < kSumBlockRows ? 1.0 : (i < 2 * kSumBlockRows ? 0.0 : 1.0);
  };
  // (1e16 + -1e16) + 8192: the ones of block 0 are lost, those of block 2 are not.
  EXPECT_EQ(block_tree_sum(rows, term), static_cast<double>(kSumBlockRows));
  // Up to one block it is the running sum.
  EXPECT_EQ(block_tree_sum(kSumBlockRows, term), 1e16);
  EXPECT_EQ(block_tree_sum(0, term), 0.0);
}

// Blocks spread unevenly over the ranks give the bits of the tree over all of them on one.
TEST(TreeSum, SameBitsWhicheverRankHoldsTheBlocks) {
  Communicator& world = world_communicator();
  for (const std::size_t block_count : {1, 2, 3, 7, 8, 13, 64, 100}) {
    Eigen::MatrixXd all(3, static_cast<Eigen::Index>(block_count));
    for (Eigen::Index b = 0; b < all.cols(); ++b) {
      all(0, b) = b % 3 == 0 ? 1e16 : 1.0 / static_cast<double>(b + 1);
      all(1, b) = b % 2 == 0 ? -0.1 * static_cast<double>(b) : 1e-3;
      all(2, b) = static_cast<double>(b * b) * 1e12 + 0.7;
    }
    // Rank r holds blocks [n r^2 / P^2, n (r + 1)^2 / P^2).
    const auto p = static_cast<std::size_t>(world.size()),
               r = static_cast<std::size_t>(world.rank());
    const std::size_t first = block_count * r * r / (p * p);
    const std::size_t end = block_count * (r + 1) * (r + 1) / (p * p);
    const Eigen::MatrixXd mine =
        all.middleCols(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(end - first));
    const Eigen::VectorXd sum = tree_sum_of_blocks(world, mine, first, block_count);
    const Eigen::VectorXd expected = tree_sum_of_columns(all);
    for (Eigen::Index k = 0; k < 3; ++k) {
      EXPECT_EQ(sum[k], expected[k]) << block_count << " blocks, entry " << k << ", rank " << r;
    }
  }
}

// A sum over rows that the ranks hold in whole blocks: the bits of one process's sum.
TEST(TreeSum, SumsOverRowsOfEveryRankGiveTheOneProcessBits) {
  Communicator& world = world_communicator();
  const auto p = static_cast<std::size_t>(world.size()), r = static_cast<std::size_t>(world.rank());
  const auto term_of_row = [](std::size_t row) {
    return row % 5 == 0 ? 1e16 / static_cast<double>(row + 1) : 0.1 * static_cast<double>(row % 7);
  };
  for (const std::size_t rows : {std::size_t{0}, std::size_t{100}, 3 * kSumBlockRows + 100}) {
    const std::size_t blocks = (rows + kSumBlockRows - 1) / kSumBlockRows;
    const std::size_t first = blocks * r * r / (p * p);
    const std::size_t end = blocks * (r + 1) * (r + 1) / (p * p);
    const std::size_t first_row = first * kSumBlockRows;
    const std::size_t end_row = std::min(rows, end * kSumBlockRows);
    const double sum = block_tree_sum(RowBlocks{&world, first, blocks}, end_row - first_row,
                                      [&](std::size_t i) { return term_of_row(first_row + i); });
    EXPECT_EQ(sum, block_tree_sum(rows, term_of_row)) << rows << " rows, rank " << r;
  }
}

// Rows that are not whole blocks on the last rank stop every rank.
TEST(TreeSum, RowsThatAreNotWholeBlocksOnOneRankThrowOnEveryRank) {
  Communicator& world = world_communicator();
  const bool last = world.rank() + 1 == world.size();
  // Every rank claims block 0 of 2; the last rank's 100 rows are not a whole first block.
  const auto rank = static_cast<std::size_t>(world.rank());
  const RowBlocks blocks{&world, last ? 0 : rank, static_cast<std::size_t>(world.size()) + 1};
  EXPECT_ANY_THROW(
      block_tree_sum(blocks, last ? 100 : kSumBlockRows, [](std::size_t) { return 1.0; }))
      << "rank " << world.rank();
}

TEST(TreeSum, OneRankMustHoldEveryBlock) {
  SingleProcessCommunicator one;
  EXPECT_THROW(tree_sum_of_blocks(one, Eigen::MatrixXd::Ones(1, 2), 1, 3), std::invalid_argument);
  EXPECT_EQ(tree_sum_of_blocks(one, order_sensitive_blocks(), 0, 4)[0], 0.0);
}

TEST(Communicator, CollectivesAgreeOnEveryRank) {
  Communicator& world = world_communicator();
  const auto rank = static_cast<std::uint64_t>(world.rank());
  const auto size = static_cast<std::uint64_t>(world.size());
  std::uint64_t values[3] = {rank + 1, rank + 10, rank + 10};
  world.allreduce_sum({values, 1});
  world.allreduce_min({values + 1, 1});
  world.allreduce_max({values + 2, 1});
  EXPECT_EQ(values[0], size * (size + 1) / 2);
  EXPECT_EQ(values[1], 10u);
  EXPECT_EQ(values[2], 9 + size);
  EXPECT_EQ(world.exscan_sum(rank + 1), rank * (rank + 1) / 2);

  // Rank r sends r + 1 copies of (100 r + destination) to each rank.
  std::vector<std::size_t> send_counts(size, rank + 1);
  std::vector<double> send;
  for (std::uint64_t destination = 0; destination < size; ++destination) {
    send.insert(send.end(), rank + 1, static_cast<double>(100 * rank + destination));
  }
  std::vector<std::size_t> recv_counts;
  const std::vector<double> received =
      world.alltoallv(std::span<const double>(send), send_counts, recv_counts);
  std::vector<double> expected;
  for (std::uint64_t source = 0; source < size; ++source) {
    EXPECT_EQ(recv_counts[source], source + 1);
    expected.insert(expected.end(), source + 1, static_cast<double>(100 * source + rank));
  }
  EXPECT_EQ(received, expected);

  const std::vector<int> mine(rank, static_cast<int>(rank));
  std::vector<std::size_t> counts;
  const std::vector<int> gathered = world.allgatherv(std::span<const int>(mine), counts);
  std::vector<int> expected_gathered;
  for (std::uint64_t source = 0; source < size; ++source) {
    EXPECT_EQ(counts[source], source);
    expected_gathered.insert(expected_gathered.end(), source, static_cast<int>(source));
  }
  EXPECT_EQ(gathered, expected_gathered);

  std::string text = world.rank() == 0 ? "from rank 0" : "xxxxxxxxxxx";
  world.broadcast_bytes(std::as_writable_bytes(std::span<char>(text.data(), text.size())), 0);
  EXPECT_EQ(text, "from rank 0");
}

// A stop flag raised on the last rank only is seen on every rank.
TEST(Communicator, DecisionsAreTheSameOnEveryRank) {
  Communicator& world = world_communicator();
  const bool last = world.rank() + 1 == world.size();
  EXPECT_TRUE(world.any(last));
  EXPECT_FALSE(world.any(false));
  EXPECT_EQ(world.all(last), world.size() == 1);
  EXPECT_TRUE(world.all(true));
}

TEST(Communicator, NoErrorAnywherePassesTheCheck) {
  EXPECT_NO_THROW(world_communicator().check(nullptr));
  EXPECT_NO_THROW(world_communicator().collectively([] {}));
}

// An error on the last rank reaches every rank as one message naming that rank, with its exit
// code; on one rank it is the error itself.
TEST(Communicator, AnErrorOnOneRankIsThrownOnEveryRank) {
  Communicator& world = world_communicator();
  const bool last = world.rank() + 1 == world.size();
  try {
    world.collectively([&] {
      if (last) throw DataError("data.csv:3:2: 'x' is not a number");
    });
    ADD_FAILURE() << "no error on rank " << world.rank();
  } catch (const Error& error) {
    const std::string prefix =
        world.size() > 1 ? "rank " + std::to_string(world.size() - 1) + ": " : "";
    EXPECT_EQ(std::string(error.what()), prefix + "data.csv:3:2: 'x' is not a number");
    EXPECT_EQ(error.exit_code(), ExitCode::data);
  }
}

TEST(Communicator, ThisBuildSaysWhetherItHasMpi) {
  EXPECT_EQ(built_with_mpi(), AUMTRAIN_WITH_MPI != 0);
  if (!built_with_mpi()) {
    EXPECT_EQ(world_communicator().size(), 1);
  }
}

}  // namespace
}  // namespace aumtrain
