// The exact line search on several threads: the same rows, to the bit, as on one.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/line_search.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

// Rows compared by their bits: NaN AUCs and signed zeros must agree too.
bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

bool same_row(const LineSearchRow& x, const LineSearchRow& y) {
  return same_bits(x.step_size, y.step_size) && same_bits(x.aum, y.aum) &&
         same_bits(x.aum_slope_after, y.aum_slope_after) && same_bits(x.auc, y.auc) &&
         same_bits(x.auc_after, y.auc_after) && x.intersections == y.intersections &&
         x.intervals == y.intervals;
}

struct Walked {
  std::vector<LineSearchRow> rows;
  LineSearchResult result;
};

Walked walk(LineSearch& search, const testing::RandomProblem& problem,
            std::span<const double> direction, const ErrorDiffs& diffs, Denominators den,
            const LineSearchParams& params) {
  Walked walked;
  walked.result = search.run(problem.scores, direction, diffs, den, params,
                             [&](const LineSearchRow& row) { walked.rows.push_back(row); });
  return walked;
}

void expect_same_walk(const Walked& walked, const Walked& expected, const std::string& what) {
  ASSERT_EQ(walked.rows.size(), expected.rows.size()) << what;
  std::size_t differing = 0;
  for (std::size_t k = 0; k < walked.rows.size(); ++k) {
    if (!same_row(walked.rows[k], expected.rows[k])) ++differing;
  }
  EXPECT_EQ(differing, 0u) << what;
  EXPECT_TRUE(same_row(walked.result.chosen, expected.result.chosen)) << what;
  EXPECT_EQ(walked.result.chosen_row, expected.result.chosen_row) << what;
  EXPECT_EQ(walked.result.lines, expected.result.lines) << what;
  EXPECT_EQ(walked.result.capped, expected.result.capped) << what;
}

// Over 2^18 examples, where the lines are sorted on several threads: distinct scores with
// fractional weights and a direction off the exact grid (every sum rounds), and heavy ties of
// scores with the exact descent direction (equal lines merge, whole-number sums).
TEST(LineSearchThreads, SameRowsAsOneThread) {
  for (const int distinct : {0, 2000}) {
    const std::size_t n = 300'000;
    auto problem = testing::random_problem(23, n, std::max(distinct, 1), distinct == 0);
    std::vector<double> direction(n);
    if (distinct == 0) {
      std::mt19937_64 rng(7);
      std::normal_distribution<double> normal;
      for (double& s : problem.scores) s = normal(rng);
      for (double& d : direction) d = normal(rng);
      for (double& w : problem.weights) w = 0.1 * w + 0.3;
    }
    const BinaryTargets targets = make_binary_targets(problem.labels, problem.weights);
    const ErrorDiffs& diffs = targets.error_diffs;
    const Denominators den = make_denominators(diffs, Denominator::rate);
    if (distinct > 0) exact_prediction_direction(problem.scores, diffs, den, direction);
    const LineSearchParams params{LineSearchStop::least_aum_within_cap, 1, 20'000};
    LineSearch one(1);
    const Walked expected = walk(one, problem, direction, diffs, den, params);
    ASSERT_GT(expected.result.events, 5000u);  // a walk long enough to compare
    for (const int threads : {2, 3}) {
      LineSearch several(threads);
      const std::string what =
          std::to_string(threads) + " threads, " + std::to_string(distinct) + " distinct";
      expect_same_walk(walk(several, problem, direction, diffs, den, params), expected, what);
      // The workspace kept from the first call changes nothing.
      expect_same_walk(walk(several, problem, direction, diffs, den, params), expected,
                       what + ", second call");
    }
  }
}

TEST(LineSearchThreads, FewerThanOneThreadIsAConfigError) {
  EXPECT_THROW(LineSearch(0), ConfigError);
  EXPECT_EQ(LineSearch(2).threads(), 2);
  EXPECT_EQ(LineSearch().threads(), 1);
}

}  // namespace
}  // namespace aumtrain
