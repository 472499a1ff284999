// One gradient-descent iteration of AUM on dense data spread over the ranks of mpirun, timed
// phase by phase: the products (X w and the block sums of X^T g), the AUM exchange (the
// distributed exact kernel), and the tree reduction of the X^T g block sums. The data of rank r
// is its share of whole blocks of rows, generated from each block's number, so every number of
// ranks trains on the same rows; the AUM and weight checksum it prints are the same bits for
// every number of ranks.
//
//   mpirun -np P bench_mpi [ROWS [FEATURES [ITERATIONS]]]    (default 1000000 100 10)
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/distributed_aum.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/model/linear_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The slowest rank's time: every phase ends when its slowest rank does.
double slowest(aumtrain::Communicator& world, double seconds) {
  std::uint64_t nanoseconds = static_cast<std::uint64_t>(seconds * 1e9);
  world.allreduce_max({&nanoseconds, 1});
  return static_cast<double>(nanoseconds) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace aumtrain;
  Communicator& world = world_communicator();
  const std::size_t rows = argc > 1 ? std::stoull(argv[1]) : 1'000'000;
  const auto cols = static_cast<Eigen::Index>(argc > 2 ? std::stoll(argv[2]) : 100);
  const int iterations = argc > 3 ? std::stoi(argv[3]) : 10;

  // Rank r holds an even share of whole blocks.
  const std::size_t blocks = (rows + kProductBlockRows - 1) / kProductBlockRows;
  const auto ranks = static_cast<std::size_t>(world.size());
  const auto rank = static_cast<std::size_t>(world.rank());
  const std::size_t first_block = blocks * rank / ranks;
  const std::size_t end_block = blocks * (rank + 1) / ranks;
  const std::size_t first_row = first_block * kProductBlockRows;
  const std::size_t end_row = std::min(rows, end_block * kProductBlockRows);
  const std::size_t local_rows = end_row - first_row;

  RowMajorMatrix features(static_cast<Eigen::Index>(local_rows), cols);
  std::vector<double> labels(local_rows);
  for (std::size_t block = first_block; block < end_block; ++block) {
    std::mt19937_64 rng(block);
    std::normal_distribution<double> normal;
    std::bernoulli_distribution positive(0.3);
    const std::size_t begin = block * kProductBlockRows - first_row;
    const std::size_t end = std::min(end_row, (block + 1) * kProductBlockRows) - first_row;
    for (std::size_t r = begin; r < end; ++r) {
      labels[r] = positive(rng) ? 1.0 : 0.0;
      const double shift = labels[r] > 0 ? 0.2 : 0.0;
      for (Eigen::Index c = 0; c < cols; ++c) {
        features(static_cast<Eigen::Index>(r), c) = normal(rng) + (c < 10 ? shift : 0.0);
      }
    }
  }
  BinaryTargets targets = make_binary_targets(labels);
  // The class totals of every rank (whole numbers: exact in any order).
  std::uint64_t totals[2] = {targets.negative_count, targets.positive_count};
  world.allreduce_sum(totals);
  targets.error_diffs.fp_total = static_cast<double>(totals[0]);
  targets.error_diffs.fn_total = static_cast<double>(totals[1]);
  const Denominators denominators{targets.error_diffs.fp_total, targets.error_diffs.fn_total};

  const MatrixView view(features.data(), features.rows(), cols);
  const FeatureMap map = FeatureMap::identity(static_cast<std::size_t>(cols));
  LinearModel model;
  model.weights = Eigen::VectorXd::Zero(cols);
  model.weights[0] = 1e-3;  // not every score tied
  DistributedAumKernel kernel(world);
  std::vector<double> scores(local_rows), gradient(local_rows);
  Eigen::VectorXd weight_gradient;
  double intercept_gradient = 0, aum = 0;
  double products = 0, exchange = 0, reduction = 0, tree = 0, gather = 0, bytes = 0;
  // The shape of this rank's X^T g block sums, for timing their tree alone.
  const Eigen::MatrixXd block_sums =
      Eigen::MatrixXd::Ones(cols + 1, static_cast<Eigen::Index>(end_block - first_block));
  std::vector<double> lines(4 * local_rows, 1.0);  // score, rate, fp, fn: what a line search gathers
  for (int iteration = 0; iteration < iterations; ++iteration) {
    world.check(nullptr);  // start together
    auto start = Clock::now();
    model.scores(view, map, scores, 1);
    products += slowest(world, seconds_since(start));
    start = Clock::now();
    aum = kernel.value_and_gradient(scores, targets.error_diffs, denominators, gradient);
    exchange += slowest(world, seconds_since(start));
    bytes += static_cast<double>(kernel.last_exchange().bytes_sent);
    start = Clock::now();
    parameter_gradient(view, map, gradient, weight_gradient, intercept_gradient, 1,
                       RowBlocks{&world, first_block, blocks});
    reduction += slowest(world, seconds_since(start));  // block sums and their tree
    model.weights -= 0.1 * weight_gradient;
    start = Clock::now();
    tree_sum_of_blocks(world, block_sums, first_block, blocks);
    tree += slowest(world, seconds_since(start));
    start = Clock::now();
    std::vector<std::size_t> counts;
    world.allgatherv(std::span<const double>(lines), counts);
    gather += slowest(world, seconds_since(start));
  }
  std::uint64_t max_bytes = static_cast<std::uint64_t>(bytes / iterations);
  // Each rank sends the subtrees it holds whole: at most 2 log2(blocks) + 1 columns.
  const std::uint64_t tree_bytes = static_cast<std::uint64_t>(
      (2 * std::bit_width(blocks) + 1) * static_cast<std::size_t>(cols + 1) * sizeof(double));
  world.allreduce_max({&max_bytes, 1});
  if (world.rank() == 0) {
    fmt::print("ranks {}, rows {}, features {}, iterations {}\n", world.size(), rows, cols,
               iterations);
    fmt::print(
        "per iteration: X w {:.4f} s, AUM exchange and walk {:.4f} s, X^T g and its tree "
        "{:.4f} s (of which the tree, the allreduce part, {:.6f} s); AUM bytes sent by the "
        "busiest rank {}; X^T g tree bytes sent per rank at most {}\n",
        products / iterations, exchange / iterations, reduction / iterations, tree / iterations,
        max_bytes, tree_bytes);
    fmt::print("an exact line search's gathering of every line (32 bytes each) {:.4f} s\n",
               gather / iterations);
    fmt::print("last AUM {:a}, weight sum {:a}\n", aum, model.weights.sum());
  }
  return 0;
}
