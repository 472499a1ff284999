// The distributed AUM kernel against the one-process kernel, to the bit. Built into the test
// suite, where it runs on one rank, and into aumtrain_mpi_tests, which ctest starts under
// mpirun with 1, 2 and 3 ranks: every rank builds the same problem and passes its share.
#include "aumtrain/core/distributed_aum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::random_problem;

// How the examples are cut into the ranks' shares.
enum class RankShares {
  uneven,            // rank r holds up to n (r + 1)^2 / P^2: later ranks hold more
  first_rank_empty,  // rank 0 holds nothing, the others even shares
  random             // cuts drawn from the case's seed, the same on every rank
};

std::size_t rank_share_begin(std::size_t n, int rank, int ranks, RankShares shares, unsigned seed) {
  const auto r = static_cast<std::size_t>(rank), p = static_cast<std::size_t>(ranks);
  if (rank == 0) return 0;
  if (shares == RankShares::uneven) return n * r * r / (p * p);
  if (shares == RankShares::first_rank_empty) return ranks == 1 ? 0 : n * (r - 1) / (p - 1);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> cut(0, n);
  std::vector<std::size_t> cuts(p - 1);
  for (std::size_t& c : cuts) c = cut(rng);
  std::sort(cuts.begin(), cuts.end());
  return cuts[r - 1];
}

struct DistributedCase {
  unsigned seed;
  std::size_t n;
  int distinct;  // 0: continuous scores
  bool weighted;
  Denominator denominator;
  RankShares shares;
};

std::string describe_distributed_case(const DistributedCase& c) {
  return "seed " + std::to_string(c.seed) + ", n " + std::to_string(c.n) + ", distinct " +
         std::to_string(c.distinct) + (c.weighted ? ", weighted" : "") + ", " +
         std::string(denominator_name(c.denominator)) +
         (c.shares == RankShares::uneven             ? ", uneven shares"
          : c.shares == RankShares::first_rank_empty ? ", rank 0 empty"
                                                     : ", random shares");
}

testing::RandomProblem distributed_problem(const DistributedCase& c) {
  auto problem = random_problem(c.seed, c.n, std::max(c.distinct, 1), c.weighted);
  if (c.distinct == 0) {
    std::mt19937_64 rng(c.seed + 1000);
    std::normal_distribution<double> normal;
    for (double& s : problem.scores) s = normal(rng);
  }
  for (double& w : problem.weights) w = 0.1 * w + 0.3;  // not whole numbers: sums round
  return problem;
}

void check_distributed_same_bits(const DistributedCase& c) {
  Communicator& world = world_communicator();
  const auto problem = distributed_problem(c);
  const BinaryTargets all = make_binary_targets(problem.labels, problem.weights);
  const Denominators denominators = make_denominators(all.error_diffs, c.denominator);
  AumKernel one_process;
  std::vector<double> expected(c.n);
  const double expected_aum =
      one_process.value_and_gradient(problem.scores, all.error_diffs, denominators, expected);
  const AumSummary expected_summary =
      one_process.summary(problem.scores, all.error_diffs, denominators);

  const std::size_t begin = rank_share_begin(c.n, world.rank(), world.size(), c.shares, c.seed);
  const std::size_t end =
      world.rank() + 1 == world.size()
          ? c.n
          : rank_share_begin(c.n, world.rank() + 1, world.size(), c.shares, c.seed);
  ErrorDiffs mine;
  mine.rows = all.error_diffs.rows;
  mine.fp_total = all.error_diffs.fp_total;
  mine.fn_total = all.error_diffs.fn_total;
  mine.row_of_example.assign(all.error_diffs.row_of_example.begin() + begin,
                             all.error_diffs.row_of_example.begin() + end);
  const std::span<const double> scores(problem.scores.data() + begin, end - begin);

  DistributedAumKernel kernel(world);
  std::vector<double> gradient(scores.size());
  const double aum = kernel.value_and_gradient(scores, mine, denominators, gradient);
  std::vector<std::size_t> counts;
  const std::vector<double> every_gradient =
      world.allgatherv(std::span<const double>(gradient), counts);
  const AumSummary summary = kernel.summary(scores, mine, denominators);

  // With several ranks and many buckets, examples do travel to other ranks.
  std::uint64_t sent = kernel.last_exchange().entries_sent;
  world.allreduce_sum({&sent, 1});
  if (world.size() > 1 && c.n > 20'000 && c.distinct != 1) {
    EXPECT_GT(sent, 0u) << describe_distributed_case(c);
  }
  EXPECT_EQ(aum, expected_aum) << describe_distributed_case(c) << ", rank " << world.rank();
  EXPECT_EQ(every_gradient, expected) << describe_distributed_case(c) << ", rank " << world.rank();
  EXPECT_EQ(summary.aum, expected_summary.aum)
      << describe_distributed_case(c) << ", rank " << world.rank();
  EXPECT_EQ(summary.auc, expected_summary.auc)
      << describe_distributed_case(c) << ", rank " << world.rank();
}

// One bucket (up to 8,192 examples), and many buckets on both of key_binning()'s bin widths
// (integer scores fill a narrow key range, normal ones a wide one).
TEST(DistributedAumKernel, SameBitsAsTheOneProcessKernel) {
  const DistributedCase cases[] = {
      {1, 7, 3, false, Denominator::rate, RankShares::uneven},
      {2, 500, 5, false, Denominator::count, RankShares::uneven},
      {3, 8192, 40, true, Denominator::rate, RankShares::first_rank_empty},
      {4, 8193, 2, false, Denominator::rate, RankShares::uneven},
      {5, 30'000, 30, true, Denominator::rate, RankShares::uneven},
      {6, 60'000, 2000, false, Denominator::count, RankShares::first_rank_empty},
      {7, 50'000, 0, true, Denominator::rate, RankShares::uneven},
      {8, 40'000, 0, false, Denominator::count, RankShares::first_rank_empty},
  };
  for (const DistributedCase& c : cases) check_distributed_same_bits(c);
}

// Random sizes, ties, weights, denominators and cuts between the ranks.
TEST(DistributedAumKernel, SameBitsOnRandomProblemsAndShares) {
  std::mt19937_64 rng(2026);
  const int distinct_choices[] = {0, 1, 2, 3, 10, 100, 5000};
  for (unsigned seed = 100; seed < 130; ++seed) {
    const std::size_t n = rng() % 4 == 0 ? rng() % 12 : rng() % 30'000;
    const int distinct = distinct_choices[rng() % 7];
    const bool weighted = rng() % 2 == 0;
    const Denominator denominator = rng() % 2 == 0 ? Denominator::rate : Denominator::count;
    if (denominator == Denominator::rate && n < 12) continue;  // may lack a class
    check_distributed_same_bits({seed, n, distinct, weighted, denominator, RankShares::random});
  }
}

// Every score tied: one group, which has to meet on one rank.
TEST(DistributedAumKernel, OneTieGroupOfEveryExample) {
  check_distributed_same_bits({9, 20'000, 1, true, Denominator::rate, RankShares::uneven});
}

TEST(DistributedAumKernel, NoExamplesAnywhere) {
  Communicator& world = world_communicator();
  DistributedAumKernel kernel(world);
  ErrorDiffs none;
  std::vector<double> gradient;
  EXPECT_EQ(kernel.value_and_gradient({}, none, Denominators{}, gradient), 0.0);
  EXPECT_TRUE(std::isnan(kernel.summary({}, none, Denominators{}).auc));
}

// A NaN score on the last rank stops every rank with the same error, which names its row in
// the global order, and nothing waits for ever.
TEST(DistributedAumKernel, NonFiniteScoreOnOneRankThrowsOnEveryRank) {
  Communicator& world = world_communicator();
  const std::size_t n = 6;
  std::vector<double> scores(n, 1.0);
  const bool last = world.rank() + 1 == world.size();
  if (last) scores[4] = std::numeric_limits<double>::quiet_NaN();
  const BinaryTargets targets = make_binary_targets(std::vector<double>{0, 1, 0, 1, 0, 1});
  DistributedAumKernel kernel(world);
  std::vector<double> gradient(n);
  const std::string expected =
      (world.size() > 1 ? "rank " + std::to_string(world.size() - 1) + ": " : std::string()) +
      "score nan at row " + std::to_string(n * (world.size() - 1) + 5) +
      " is not finite; scores must be finite numbers";
  try {
    kernel.value_and_gradient(scores, targets.error_diffs, Denominators{}, gradient);
    ADD_FAILURE() << "no error on rank " << world.rank();
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), expected) << "rank " << world.rank();
    EXPECT_EQ(error.exit_code(), ExitCode::data) << "rank " << world.rank();
  }
  // The ranks are still in step: a collective after the error completes.
  std::uint64_t ranks = 1;
  world.allreduce_sum({&ranks, 1});
  EXPECT_EQ(ranks, static_cast<std::uint64_t>(world.size()));
}

// A gradient of the wrong size on one rank is a programming error; it too stops every rank.
TEST(DistributedAumKernel, AWrongGradientSizeOnOneRankThrowsOnEveryRank) {
  Communicator& world = world_communicator();
  const BinaryTargets targets = make_binary_targets(std::vector<double>{0, 1, 0});
  const std::vector<double> scores = {1.0, 2.0, 3.0};
  const bool last = world.rank() + 1 == world.size();
  std::vector<double> gradient(last ? 2 : 3);
  DistributedAumKernel kernel(world);
  EXPECT_ANY_THROW(kernel.value_and_gradient(scores, targets.error_diffs, Denominators{}, gradient))
      << "rank " << world.rank();
  std::uint64_t ranks = 1;
  world.allreduce_sum({&ranks, 1});
  EXPECT_EQ(ranks, static_cast<std::uint64_t>(world.size()));
}

}  // namespace
}  // namespace aumtrain
