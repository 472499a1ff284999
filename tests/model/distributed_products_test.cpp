// X^T g over rows spread across ranks in whole blocks, against one process holding every row,
// to the bit. Built into the test suite (one rank) and into aumtrain_mpi_tests (1, 2 and 3
// ranks under mpirun).
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

#include "aumtrain/core/communicator.hpp"
#include "aumtrain/model/linear_model.hpp"

namespace aumtrain {
namespace {

struct ProductProblem {
  RowMajorMatrix features;
  std::vector<double> score_gradient;
  FeatureMap map;
};

ProductProblem product_problem(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  ProductProblem problem;
  problem.features.resize(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) problem.features(r, c) = normal(rng) * (c + 1);
  }
  for (Eigen::Index r = 0; r < rows; ++r) problem.score_gradient.push_back(normal(rng) * 1e-3);
  problem.map = FeatureMap::identity(static_cast<std::size_t>(cols));
  problem.map.multiplier[0] = 0.5;
  problem.map.offset[cols - 1] = -2.0;
  return problem;
}

TEST(DistributedProducts, TransposeProductIsTheSameBitsOnAnyRanks) {
  Communicator& world = world_communicator();
  const auto p = static_cast<std::size_t>(world.size());
  const auto r = static_cast<std::size_t>(world.rank());
  const Eigen::Index block = static_cast<Eigen::Index>(kProductBlockRows);
  for (const Eigen::Index rows : {Eigen::Index{100}, 2 * block, 4 * block + 357}) {
    const ProductProblem problem = product_problem(rows, 5, static_cast<unsigned>(rows));
    const MatrixView all(problem.features.data(), rows, 5);
    Eigen::VectorXd expected_weights;
    double expected_intercept = 0;
    parameter_gradient(all, problem.map, problem.score_gradient, expected_weights,
                       expected_intercept, 1);

    // Rank r holds blocks [B r^2 / P^2, B (r + 1)^2 / P^2): later ranks hold more.
    const auto blocks = static_cast<std::size_t>((rows + block - 1) / block);
    const std::size_t first = blocks * r * r / (p * p);
    const std::size_t end = blocks * (r + 1) * (r + 1) / (p * p);
    const Eigen::Index begin_row = static_cast<Eigen::Index>(first) * block;
    const Eigen::Index end_row = std::min(rows, static_cast<Eigen::Index>(end) * block);
    const MatrixView mine(problem.features.data() + begin_row * 5, end_row - begin_row, 5);
    Eigen::VectorXd weights;
    double intercept = 0;
    parameter_gradient(mine, problem.map,
                       std::span<const double>(problem.score_gradient)
                           .subspan(static_cast<std::size_t>(begin_row),
                                    static_cast<std::size_t>(end_row - begin_row)),
                       weights, intercept, 2, RowBlocks{&world, first, blocks});
    for (Eigen::Index c = 0; c < 5; ++c) {
      EXPECT_EQ(weights[c], expected_weights[c]) << rows << " rows, column " << c << ", rank " << r;
    }
    EXPECT_EQ(intercept, expected_intercept) << rows << " rows, rank " << r;
  }
}

TEST(DistributedProducts, RowsThatAreNotWholeBlocksAreRefused) {
  SingleProcessCommunicator one;
  const ProductProblem problem = product_problem(100, 2, 1);
  const MatrixView rows(problem.features.data(), 100, 2);
  Eigen::VectorXd weights;
  double intercept = 0;
  // 100 rows as the first of two blocks: only the last block may be short.
  EXPECT_THROW(parameter_gradient(rows, problem.map, problem.score_gradient, weights, intercept, 1,
                                  RowBlocks{&one, 0, 2}),
               std::invalid_argument);
}

}  // namespace
}  // namespace aumtrain
