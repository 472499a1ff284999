// The exact line search: worked examples, stop rules, and every row of random tie-heavy paths
// against a reference that finds the crossings as exact fractions.
#include "aumtrain/core/line_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/errors.hpp"
#include "line_search_reference.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

struct Problem {
  std::vector<double> scores;
  BinaryTargets targets;
  Denominators denominators;
};

Problem make_problem(std::vector<double> scores, const std::vector<double>& labels,
                     Denominator denominator, const std::vector<double>& weights = {}) {
  Problem p{std::move(scores), make_binary_targets(labels, weights), {}};
  p.denominators = make_denominators(p.targets.error_diffs, denominator);
  return p;
}

std::vector<double> descent_direction(const Problem& p) {
  std::vector<double> direction(p.scores.size());
  exact_prediction_direction(p.scores, p.targets.error_diffs, p.denominators, direction);
  return direction;
}

struct Path {
  std::vector<LineSearchRow> rows;
  LineSearchResult result;
};

Path walk(LineSearch& search, const Problem& p, std::span<const double> direction,
          LineSearchParams params) {
  Path path;
  path.result = search.run(p.scores, direction, p.targets.error_diffs, p.denominators, params,
                           [&](const LineSearchRow& row) { path.rows.push_back(row); });
  return path;
}

Path whole_path(const Problem& p, std::span<const double> direction) {
  LineSearch search;
  return walk(search, p, direction, {LineSearchStop::rows, 1'000'000, 0});
}

// Expected rows: step size, AUM, slope after, AUC, AUC after, intersections, intervals.
void expect_rows(const std::vector<LineSearchRow>& rows,
                 const std::vector<std::vector<double>>& expected) {
  ASSERT_EQ(rows.size(), expected.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE(::testing::Message() << "row " << k);
    EXPECT_DOUBLE_EQ(rows[k].step_size, expected[k][0]);
    EXPECT_NEAR(rows[k].aum, expected[k][1], 1e-12);
    EXPECT_NEAR(rows[k].aum_slope_after, expected[k][2], 1e-12);
    EXPECT_NEAR(rows[k].auc, expected[k][3], 1e-12);
    EXPECT_NEAR(rows[k].auc_after, expected[k][4], 1e-12);
    EXPECT_EQ(rows[k].intersections, expected[k][5]);
    EXPECT_EQ(rows[k].intervals, expected[k][6]);
  }
}

Problem two_apart() { return make_problem({-10, 10}, {1, 0}, Denominator::count); }
Problem six_examples() {
  return make_problem({2, 3, -1, 1, -2, 0}, {0, 0, 0, 1, 1, 1}, Denominator::count);
}
Problem one_tie() { return make_problem({0, 0}, {0, 1}, Denominator::count); }

TEST(LineSearch, TwoExamplesMeetOnce) {
  const Problem p = two_apart();
  const auto direction = descent_direction(p);
  EXPECT_EQ(direction, (std::vector<double>{1, -1}));
  const Path path = whole_path(p, direction);
  expect_rows(path.rows, {{0, 20, -2, 0, 0, 0, 0}, {10, 0, 0, 0.5, 1, 1, 1}});
  EXPECT_EQ(path.result.rows, 2u);
  EXPECT_EQ(path.result.events, 1u);
  EXPECT_EQ(path.result.lines, 2u);
  EXPECT_FALSE(path.result.capped);
}

TEST(LineSearch, SixExamplesWithThreeLinesThroughOnePoint) {
  const Problem p = six_examples();
  const Path path = whole_path(p, descent_direction(p));
  expect_rows(path.rows, testing::six_example_path());
}

TEST(LineSearch, TiedPairSeparatesAtZeroWithoutAnEvent) {
  const Problem p = one_tie();
  const Path path = whole_path(p, descent_direction(p));
  expect_rows(path.rows, {{0, 0, 0, 0.5, 1, 0, 0}});
}

LineSearchResult run_rule(const Problem& p, LineSearchParams params) {
  LineSearch search;
  const auto direction = descent_direction(p);
  return search.run(p.scores, direction, p.targets.error_diffs, p.denominators, params);
}

TEST(LineSearch, MinAumChoosesTheFirstRowThatStopsDecreasing) {
  const LineSearchResult six = run_rule(six_examples(), {LineSearchStop::min_aum, 1, 0});
  EXPECT_EQ(six.chosen_row, 4u);
  EXPECT_EQ(six.chosen.step_size, 2.5);
  EXPECT_EQ(six.chosen.aum, 0);
  EXPECT_EQ(six.rows, 5u);
  EXPECT_FALSE(six.capped);
  const LineSearchResult tie = run_rule(one_tie(), {LineSearchStop::min_aum, 1, 0});
  EXPECT_EQ(tie.chosen_row, 0u);
  EXPECT_EQ(tie.chosen.step_size, 0);
  EXPECT_EQ(tie.rows, 1u);
}

TEST(LineSearch, MaxAucChoosesTheMiddleOfTheBestInterval) {
  // Six examples: auc_after reaches 1 at step 2.5 and stays; the path ends at 4, so the last
  // interval's rule (twice the step) does not apply: the interval is [2.5, 3).
  const LineSearchResult six = run_rule(six_examples(), {LineSearchStop::max_auc, 1, 0});
  EXPECT_EQ(six.chosen_row, 4u);
  EXPECT_EQ(six.chosen.step_size, 2.75);
  EXPECT_EQ(six.chosen.aum, 0);
  EXPECT_EQ(six.chosen.auc, 1);
  EXPECT_EQ(six.chosen.auc_after, 1);
  EXPECT_EQ(six.chosen.intersections, 0u);
  EXPECT_EQ(six.rows, 7u);  // no drop: walks to the end
  // Two examples: the best interval is the last one, from step 10; it is taken to end at 20.
  const LineSearchResult two = run_rule(two_apart(), {LineSearchStop::max_auc, 1, 0});
  EXPECT_EQ(two.chosen_row, 1u);
  EXPECT_EQ(two.chosen.step_size, 15);
  // One tie: no crossing at all, the best interval starts at 0: its end is taken as 1.
  const LineSearchResult tie = run_rule(one_tie(), {LineSearchStop::max_auc, 1, 0});
  EXPECT_EQ(tie.chosen_row, 0u);
  EXPECT_EQ(tie.chosen.step_size, 0.5);
  EXPECT_EQ(tie.chosen.auc_after, 1);
}

TEST(LineSearch, MaxAucStopsWhenAucDropsAndUsesTheNextRowAsTheEnd) {
  // Moving along the ascent direction lowers AUC right away: the best interval is the first.
  const Problem p = six_examples();
  auto direction = descent_direction(p);
  for (double& d : direction) d = -d;
  LineSearch search;
  const Path path = walk(search, p, direction, {LineSearchStop::max_auc, 1, 0});
  ASSERT_GE(path.rows.size(), 2u);
  EXPECT_LT(path.rows.back().auc_after, path.rows[0].auc_after - 1e-6);
  EXPECT_EQ(path.result.chosen_row, 0u);
  EXPECT_EQ(path.result.chosen.step_size, 0.5 * path.rows[1].step_size);
  EXPECT_EQ(path.result.chosen.auc_after, path.rows[0].auc_after);
  EXPECT_DOUBLE_EQ(path.result.chosen.aum,
                   path.rows[0].aum + path.rows[0].aum_slope_after * 0.5 * path.rows[1].step_size);
}

TEST(LineSearch, RowsCountsRowZeroAndEndsWhenCrossingsRunOut) {
  const Problem p = six_examples();
  const auto direction = descent_direction(p);
  LineSearch search;
  const Path one = walk(search, p, direction, {LineSearchStop::rows, 1, 0});
  EXPECT_EQ(one.rows.size(), 1u);
  EXPECT_EQ(one.result.chosen.step_size, 0);
  EXPECT_EQ(one.result.events, 0u);
  EXPECT_FALSE(one.result.capped);
  const Path three = walk(search, p, direction, {LineSearchStop::rows, 3, 0});
  EXPECT_EQ(three.rows.size(), 3u);
  EXPECT_EQ(three.result.chosen_row, 2u);
  EXPECT_EQ(three.result.chosen.step_size, 1.5);
  const Path many = walk(search, p, direction, {LineSearchStop::rows, 100, 0});
  EXPECT_EQ(many.rows.size(), 7u);
  EXPECT_EQ(many.result.chosen.step_size, 4);
}

TEST(LineSearch, EventCapChoosesTheBestSoFarAndSaysSo) {
  const Problem p = six_examples();
  const auto direction = descent_direction(p);
  LineSearch search;
  // min_aum capped after 2 events: AUM still falls, the last row is the least.
  const Path min_aum = walk(search, p, direction, {LineSearchStop::min_aum, 1, 2});
  EXPECT_EQ(min_aum.rows.size(), 3u);
  EXPECT_TRUE(min_aum.result.capped);
  EXPECT_EQ(min_aum.result.chosen_row, 2u);
  EXPECT_EQ(min_aum.result.chosen.aum, 2);
  // max_auc capped after 2 events: the best interval starts at row 2 and ends at the next
  // crossing (step 2), which was not walked.
  const Path max_auc = walk(search, p, direction, {LineSearchStop::max_auc, 1, 2});
  EXPECT_TRUE(max_auc.result.capped);
  EXPECT_EQ(max_auc.result.chosen_row, 2u);
  EXPECT_EQ(max_auc.result.chosen.step_size, 1.75);
  EXPECT_EQ(max_auc.result.chosen.aum, 1.5);
  // least AUM within 3 events; the whole path (no cap) has its least AUM first at 2.5.
  const Path least = walk(search, p, direction, {LineSearchStop::least_aum_within_cap, 1, 3});
  EXPECT_TRUE(least.result.capped);
  EXPECT_EQ(least.result.chosen_row, 3u);
  const Path all = walk(search, p, direction, {LineSearchStop::least_aum_within_cap, 1, 0});
  EXPECT_FALSE(all.result.capped);
  EXPECT_EQ(all.result.rows, 7u);
  EXPECT_EQ(all.result.chosen_row, 4u);
  // A cap that is not reached changes nothing.
  const Path loose = walk(search, p, direction, {LineSearchStop::min_aum, 1, 100});
  EXPECT_FALSE(loose.result.capped);
  EXPECT_EQ(loose.result.chosen_row, 4u);
}

// ---------------------------------------------------------------------------------------------
// The reference (line_search_reference.hpp): crossings as exact fractions, values from the AUM
// kernel at those steps.

using testing::Reference;
using testing::ReferenceRow;

// AUC is undefined (NaN) when a class has no weight; then both must say so.
void expect_same_auc(double auc, double reference) {
  if (std::isnan(reference)) {
    EXPECT_TRUE(std::isnan(auc)) << auc;
  } else {
    EXPECT_NEAR(auc, reference, 1e-12);
  }
}

void expect_same_path(const std::vector<LineSearchRow>& rows,
                      const std::vector<ReferenceRow>& reference) {
  ASSERT_EQ(rows.size(), reference.size());
  const double scale = std::max(1.0, reference[0].aum);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE(::testing::Message() << "row " << k);
    EXPECT_NEAR(rows[k].step_size, reference[k].step, 1e-12 * std::abs(reference[k].step));
    EXPECT_NEAR(rows[k].aum, reference[k].aum, 1e-12 * scale);
    EXPECT_NEAR(rows[k].aum_slope_after, reference[k].slope,
                1e-9 * std::max(1.0, std::abs(reference[k].slope)));
    expect_same_auc(rows[k].auc, reference[k].auc);
    expect_same_auc(rows[k].auc_after, reference[k].auc_after);
    EXPECT_EQ(rows[k].intersections, reference[k].intersections);
    EXPECT_EQ(rows[k].intervals, reference[k].intervals);
  }
}

struct RandomCase {
  std::vector<std::int64_t> scores, units;
  std::vector<double> labels, weights;
};

RandomCase random_case(std::mt19937_64& rng, std::size_t n, int score_range, bool weighted,
                       bool all_tied) {
  std::uniform_int_distribution<int> score(-score_range, score_range), unit(-4, 4), weight(0, 3);
  RandomCase c;
  for (std::size_t i = 0; i < n; ++i) {
    c.scores.push_back(all_tied ? 1 : score(rng));
    c.units.push_back(unit(rng));
    c.labels.push_back(i % 2 == 0 ? 0.0 : (rng() % 3 == 0 ? 0.0 : 1.0));
    if (weighted) c.weights.push_back(weight(rng) + (i < 2 ? 1 : 0));
  }
  return c;
}

TEST(LineSearch, RandomTieHeavyPathsMatchExactCrossings) {
  std::mt19937_64 rng(20241017);
  int checked = 0;
  for (int trial = 0; trial < 600; ++trial) {
    const std::size_t n = 2 + trial % 11;
    const bool weighted = trial % 3 == 1, all_tied = trial % 17 == 5;
    const Denominator denominator = trial % 2 == 0 ? Denominator::count : Denominator::rate;
    const RandomCase c = random_case(rng, n, 4, weighted, all_tied);
    const BinaryTargets targets = make_binary_targets(c.labels, c.weights);
    if (denominator == Denominator::rate &&
        (!(targets.positive_weight > 0) || !(targets.negative_weight > 0))) {
      continue;
    }
    Problem p{{}, targets, make_denominators(targets.error_diffs, denominator)};
    std::vector<double> direction;
    for (std::size_t i = 0; i < n; ++i) {
      p.scores.push_back(static_cast<double>(c.scores[i]));
      direction.push_back(static_cast<double>(c.units[i]));
    }
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " n " << n);
    Reference reference(c.scores, c.units, 1.0, p.targets.error_diffs, p.denominators);
    expect_same_path(whole_path(p, direction).rows, reference.rows());
    ++checked;
  }
  EXPECT_GT(checked, 450);
}

TEST(LineSearch, RandomPathsMatchWithRoundedSumsToo) {
  // Weights in halves are not whole numbers: the walk sums with compensation instead of exactly.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 2 + trial % 10;
    RandomCase c = random_case(rng, n, 3, true, trial % 13 == 0);
    for (double& w : c.weights) w = 0.5 * w + 0.5;
    const Denominator denominator = trial % 2 == 0 ? Denominator::count : Denominator::rate;
    const BinaryTargets targets = make_binary_targets(c.labels, c.weights);
    if (!(targets.positive_weight > 0) || !(targets.negative_weight > 0)) continue;
    Problem p{{}, targets, make_denominators(targets.error_diffs, denominator)};
    std::vector<double> direction;
    for (std::size_t i = 0; i < n; ++i) {
      p.scores.push_back(static_cast<double>(c.scores[i]));
      direction.push_back(static_cast<double>(c.units[i]));
    }
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    Reference reference(c.scores, c.units, 1.0, p.targets.error_diffs, p.denominators);
    expect_same_path(whole_path(p, direction).rows, reference.rows());
  }
}

TEST(LineSearch, DescentDirectionsMatchExactCrossings) {
  // Directions from exact_prediction_direction: whole multiples of 1 / (2 D_fp D_fn).
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 2 + trial % 12;
    const RandomCase c = random_case(rng, n, 3, trial % 2 == 1, false);
    const BinaryTargets targets = make_binary_targets(c.labels, c.weights);
    if (!(targets.positive_weight > 0) || !(targets.negative_weight > 0)) continue;
    const Denominator denominator = trial % 3 == 0 ? Denominator::count : Denominator::rate;
    Problem p{{}, targets, make_denominators(targets.error_diffs, denominator)};
    for (const auto s : c.scores) p.scores.push_back(static_cast<double>(s));
    const auto direction = descent_direction(p);
    const double per_one = 2.0 * p.denominators.fp * p.denominators.fn;
    std::vector<std::int64_t> units;
    for (const double d : direction) {
      const double u = std::nearbyint(d * per_one);
      ASSERT_EQ(u / per_one, d) << "direction " << d << " is not on the exact grid";
      units.push_back(static_cast<std::int64_t>(u));
    }
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    Reference reference(c.scores, units, per_one, p.targets.error_diffs, p.denominators);
    expect_same_path(whole_path(p, direction).rows, reference.rows());
  }
}

TEST(LineSearch, ValidationLikeInputsMatchExactCrossings) {
  // A direction computed on one set, applied to the scores of another: run() does not care.
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const RandomCase train = random_case(rng, 10, 3, false, false);
    const RandomCase validation = random_case(rng, 9, 3, false, false);
    const BinaryTargets train_targets = make_binary_targets(train.labels);
    const BinaryTargets targets = make_binary_targets(validation.labels);
    if (train_targets.positive_count == 0 || targets.positive_count == 0) continue;
    Problem source{{}, train_targets,
                   make_denominators(train_targets.error_diffs, Denominator::rate)};
    for (const auto s : train.scores) source.scores.push_back(static_cast<double>(s));
    const auto train_direction = descent_direction(source);
    // The validation examples move as their nearest training example (by row) does.
    Problem p{{}, targets, make_denominators(targets.error_diffs, Denominator::rate)};
    std::vector<double> direction;
    std::vector<std::int64_t> units;
    const double per_one = 2.0 * source.denominators.fp * source.denominators.fn;
    for (std::size_t i = 0; i < 9; ++i) {
      p.scores.push_back(static_cast<double>(validation.scores[i]));
      direction.push_back(train_direction[i]);
      units.push_back(static_cast<std::int64_t>(std::nearbyint(train_direction[i] * per_one)));
    }
    Reference reference(validation.scores, units, per_one, p.targets.error_diffs,
                        p.denominators);
    expect_same_path(whole_path(p, direction).rows, reference.rows());
  }
}

TEST(LineSearch, DecimalLinesThroughOnePointAreOneIntersection) {
  // Thresholds 0.1 + 2t, 0.2 + t and 0.3 meet at t = 0.1 in decimal arithmetic; in doubles the
  // pairwise steps are 0.1 and 0.09999999999999998.
  ASSERT_NE(0.2 - 0.1, 0.3 - 0.2);
  for (const auto& weights : {std::vector<double>{}, std::vector<double>{0.5, 1.5, 0.5}}) {
    const Problem p = make_problem({-0.1, -0.2, -0.3}, {0, 1, 0}, Denominator::count, weights);
    const std::vector<double> direction = {-2, -1, 0};
    const Path path = whole_path(p, direction);
    ASSERT_EQ(path.rows.size(), 2u);
    EXPECT_NEAR(path.rows[1].step_size, 0.1, 1e-16);
    EXPECT_EQ(path.rows[1].intersections, 1u);
    EXPECT_EQ(path.rows[1].intervals, 2u);
    EXPECT_EQ(path.rows[1].auc_after, 1 - path.rows[0].auc_after);
  }
}

TEST(LineSearch, CrossingsThatAppearWithinARowJoinIt) {
  // Two parallel lines one unit in the last place apart (0.3 and 0.1 + 0.2) and a third that
  // crosses both: rounding puts the two crossings within a few units of each other.
  const double close = 0.1 + 0.2;
  ASSERT_NE(close, 0.3);
  const Problem p = make_problem({-0.3, -close, 0.5}, {0, 0, 1}, Denominator::count);
  const std::vector<double> direction = {0, 0, -1.25};
  const Path path = whole_path(p, direction);
  ASSERT_EQ(path.rows.size(), 2u);
  EXPECT_EQ(path.rows[1].intersections, 2u);
  EXPECT_EQ(path.rows[1].intervals, 2u);
  EXPECT_EQ(path.rows[1].auc_after, 0);
  EXPECT_EQ(path.rows[0].auc_after, 1);
}

TEST(LineSearch, EqualDerivativesAreParallelLines) {
  // Rate with 3 negatives: derivatives such as 2/3 - 1/3 and 1 - 2/3 are equal fractions that
  // come out of the kernel with different last bits; the exact direction makes them equal, so
  // their lines never meet.
  std::mt19937_64 rng(3);
  int with_rounding = 0;
  AumKernel reused_kernel;
  for (int trial = 0; trial < 200; ++trial) {
    const RandomCase c = random_case(rng, 9, 6, false, false);
    const BinaryTargets targets = make_binary_targets(c.labels);
    if (targets.positive_count == 0) continue;
    Problem p{{}, targets, make_denominators(targets.error_diffs, Denominator::rate)};
    for (const auto s : c.scores) p.scores.push_back(static_cast<double>(s));
    std::vector<double> raw(p.scores.size());
    AumKernel().value_and_gradient(p.scores, p.targets.error_diffs, p.denominators, raw);
    const auto exact = descent_direction(p);
    std::vector<double> with_reused_kernel(p.scores.size());
    exact_prediction_direction(reused_kernel, p.scores, p.targets.error_diffs, p.denominators,
                               with_reused_kernel);
    EXPECT_EQ(with_reused_kernel, exact);
    const double per_one = 2.0 * p.denominators.fp * p.denominators.fn;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (-raw[i] + 0.0 != exact[i]) ++with_rounding;
      EXPECT_NEAR(exact[i], -raw[i], 1e-15);
      EXPECT_EQ(std::nearbyint(exact[i] * per_one) / per_one, exact[i]);
    }
    const Path path = whole_path(p, exact);
    for (const auto& row : path.rows) EXPECT_LT(row.step_size, 1e3);
  }
  EXPECT_GT(with_rounding, 0) << "no derivative needed rounding: the test shows nothing";
}

TEST(LineSearch, AllScoresTiedAndTinyInputs) {
  const Problem tied = make_problem({1, 1, 1, 1}, {0, 1, 0, 1}, Denominator::rate);
  const Path path = whole_path(tied, descent_direction(tied));
  ASSERT_EQ(path.rows.size(), 1u);  // all lines start at one point and only separate
  EXPECT_EQ(path.rows[0].aum, 0);
  EXPECT_EQ(path.rows[0].auc, 0.5);
  EXPECT_EQ(path.result.lines, 2u);  // tied examples of one class move alike: one line each

  const Problem one = make_problem({2}, {1}, Denominator::count);
  const std::vector<double> zero = {0};
  const Path single = whole_path(one, zero);
  ASSERT_EQ(single.rows.size(), 1u);
  EXPECT_TRUE(std::isnan(single.rows[0].auc));
  EXPECT_EQ(single.rows[0].aum, 0);

  const Problem none = make_problem({}, {}, Denominator::count);
  const Path empty = whole_path(none, {});
  ASSERT_EQ(empty.rows.size(), 1u);
  EXPECT_EQ(empty.result.lines, 0u);
}

TEST(LineSearch, ReusedWorkspaceGivesTheSameRows) {
  std::mt19937_64 rng(11);
  LineSearch search;
  for (int trial = 0; trial < 20; ++trial) {
    const RandomCase c = random_case(rng, 3 + trial % 30, 5, false, false);
    const BinaryTargets targets = make_binary_targets(c.labels);
    if (targets.positive_count == 0) continue;
    Problem p{{}, targets, make_denominators(targets.error_diffs, Denominator::rate)};
    for (const auto s : c.scores) p.scores.push_back(static_cast<double>(s));
    const auto direction = descent_direction(p);
    const Path fresh = whole_path(p, direction);
    const Path reused = walk(search, p, direction, {LineSearchStop::rows, 1'000'000, 0});
    ASSERT_EQ(fresh.rows.size(), reused.rows.size());
    for (std::size_t k = 0; k < fresh.rows.size(); ++k) {
      EXPECT_EQ(fresh.rows[k].aum, reused.rows[k].aum);
      EXPECT_EQ(fresh.rows[k].step_size, reused.rows[k].step_size);
    }
  }
}

TEST(LineSearch, LongWalkStaysOnTheKernel) {
  // Hundreds of thousands of crossings: AUM and AUC at the last row and at the middle of the
  // path, against the kernel on the moved scores.
  const std::size_t n = 1200;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  std::vector<double> scores(n), labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    scores[i] = normal(rng);
    labels[i] = static_cast<double>(i % 2);
  }
  const Problem p = make_problem(scores, labels, Denominator::rate);
  const auto direction = descent_direction(p);
  LineSearch search;
  std::vector<LineSearchRow> rows;
  const LineSearchResult result =
      search.run(p.scores, direction, p.targets.error_diffs, p.denominators,
                 {LineSearchStop::rows, 10'000'000, 0},
                 [&](const LineSearchRow& row) { rows.push_back(row); });
  ASSERT_GT(result.events, 100'000u);
  AumKernel kernel;
  for (const std::size_t k : {rows.size() / 2, rows.size() - 1}) {
    const double t = 0.5 * (rows[k].step_size + (k + 1 < rows.size() ? rows[k + 1].step_size
                                                                      : 2 * rows[k].step_size));
    std::vector<double> moved(n);
    for (std::size_t i = 0; i < n; ++i) moved[i] = scores[i] + t * direction[i];
    const AumSummary s = kernel.summary(moved, p.targets.error_diffs, p.denominators);
    const double aum = rows[k].aum + rows[k].aum_slope_after * (t - rows[k].step_size);
    EXPECT_NEAR(aum, s.aum, 1e-10 * rows[0].aum) << "row " << k;
    EXPECT_EQ(rows[k].auc_after, s.auc) << "row " << k;
  }
}

TEST(LineSearch, BadInputs) {
  const Problem p = six_examples();
  LineSearch search;
  const std::vector<double> short_direction = {1, 2};
  EXPECT_THROW(search.run(p.scores, short_direction, p.targets.error_diffs, p.denominators, {}),
               std::invalid_argument);
  std::vector<double> direction = descent_direction(p);
  direction[3] = NAN;
  try {
    search.run(p.scores, direction, p.targets.error_diffs, p.denominators, {});
    FAIL() << "no error";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("direction nan at row 4 is not finite"),
              std::string::npos)
        << error.what();
  }
  std::vector<double> scores = p.scores;
  scores[1] = INFINITY;
  direction[3] = 0;
  try {
    search.run(scores, direction, p.targets.error_diffs, p.denominators, {});
    FAIL() << "no error";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("score inf at row 2 is not finite"),
              std::string::npos)
        << error.what();
  }
  std::vector<double> wrong_size(3);
  EXPECT_THROW(
      exact_prediction_direction(p.scores, p.targets.error_diffs, p.denominators, wrong_size),
      std::invalid_argument);
}

}  // namespace
}  // namespace aumtrain
