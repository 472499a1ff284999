#include "aumtrain/core/aum_kernel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::brute_force_auc;
using testing::brute_force_aum;
using testing::random_problem;
using testing::smallest_gap;

constexpr double kInf = std::numeric_limits<double>::infinity();

AumDetails details_of(const std::vector<double>& scores, const std::vector<double>& labels,
                      Denominator denominator, const std::vector<double>& weights = {}) {
  const BinaryTargets targets = make_binary_targets(labels, weights);
  AumKernel kernel;
  return kernel.details(scores, targets.error_diffs,
                        make_denominators(targets.error_diffs, denominator));
}

// docs/math.md, "Worked examples": four examples, rate.
TEST(AumKernelWorkedExample, FourSamplesRate) {
  const AumDetails d = details_of({2.0, -3.5, -1.0, 1.5}, {-1, -1, 1, 1}, Denominator::rate);
  const std::vector<std::vector<double>> expected_roc = {
      {0.0, 1.0, 0.0, 0.0, -kInf, -2.0}, {0.5, 1.0, 0.0, 0.5, -2.0, -1.5},
      {0.5, 0.5, 0.5, 0.5, -1.5, 1.0},   {0.5, 0.0, 1.0, 0.0, 1.0, 3.5},
      {1.0, 0.0, 1.0, 0.0, 3.5, kInf}};
  ASSERT_EQ(d.roc.size(), expected_roc.size());
  for (std::size_t k = 0; k < expected_roc.size(); ++k) {
    const auto& row = expected_roc[k];
    EXPECT_EQ(d.roc.fpr[k], row[0]) << "ROC row " << k + 1;
    EXPECT_EQ(d.roc.fnr[k], row[1]) << "ROC row " << k + 1;
    EXPECT_EQ(d.roc.tpr[k], row[2]) << "ROC row " << k + 1;
    EXPECT_EQ(d.roc.min[k], row[3]) << "ROC row " << k + 1;
    EXPECT_EQ(d.roc.min_constant[k], row[4]) << "ROC row " << k + 1;
    EXPECT_EQ(d.roc.max_constant[k], row[5]) << "ROC row " << k + 1;
  }
  EXPECT_EQ(d.auc, 0.5);
  EXPECT_EQ(d.aum, 1.5);
  EXPECT_EQ(d.left, (std::vector<double>{0.5, 0, -0.5, 0}));
  EXPECT_EQ(d.right, (std::vector<double>{0.5, 0, -0.5, 0}));
  EXPECT_EQ(d.gradient, (std::vector<double>{0.5, 0, -0.5, 0}));
  EXPECT_EQ(d.total_error.threshold, (std::vector<double>{-2, 3.5, 1, -1.5}));
  EXPECT_EQ(d.total_error.fp_before, (std::vector<double>{0, 0.5, 0.5, 0.5}));
  EXPECT_EQ(d.total_error.fn_before, (std::vector<double>{1, 0, 0.5, 1}));
}

TEST(AumKernelWorkedExample, FourSamplesCount) {
  const AumDetails d = details_of({2.0, -3.5, -1.0, 1.5}, {-1, -1, 1, 1}, Denominator::count);
  EXPECT_EQ(d.aum, 3.0);
  EXPECT_EQ(d.auc, 0.5);  // AUC does not depend on the denominator
  EXPECT_EQ(d.left, (std::vector<double>{1, 0, -1, 0}));
  EXPECT_EQ(d.right, (std::vector<double>{1, 0, -1, 0}));
  EXPECT_EQ(d.roc.fpr, (std::vector<double>{0, 1, 1, 1, 2}));
  EXPECT_EQ(d.roc.fnr, (std::vector<double>{2, 2, 1, 0, 0}));
  EXPECT_EQ(d.roc.tpr, (std::vector<double>{0, 0, 1, 2, 2}));
}

// docs/math.md, "Worked examples": two examples, labels (0, 1), count.
TEST(AumKernelWorkedExample, TwoSamplesCount) {
  struct Case {
    std::vector<double> scores;
    double aum;
    std::vector<double> left, right;
  };
  const Case cases[] = {
      {{1, -1}, 2, {1, -1}, {1, -1}},
      {{0, 0}, 0, {0, -1}, {1, 0}},
      {{-1, 1}, 0, {0, 0}, {0, 0}},
  };
  for (const Case& c : cases) {
    const AumDetails d = details_of(c.scores, {0, 1}, Denominator::count);
    EXPECT_EQ(d.aum, c.aum) << "scores (" << c.scores[0] << ", " << c.scores[1] << ")";
    EXPECT_EQ(d.left, c.left) << "scores (" << c.scores[0] << ", " << c.scores[1] << ")";
    EXPECT_EQ(d.right, c.right) << "scores (" << c.scores[0] << ", " << c.scores[1] << ")";
  }
}

// docs/math.md, "Worked examples": the sub-differential grid of the original R study,
// scores (0, d), labels (0, 1), rate.
TEST(AumKernelWorkedExample, SubdifferentialGrid) {
  for (int step = -6; step <= 6; ++step) {
    const double difference = 0.5 * step;
    const AumDetails d = details_of({0.0, difference}, {0, 1}, Denominator::rate);
    std::vector<double> left, right, mean;
    if (difference < 0) {
      left = right = mean = {1, -1};
    } else if (difference == 0) {
      left = {0, -1};
      right = {1, 0};
      mean = {0.5, -0.5};
    } else {
      left = right = mean = {0, 0};
    }
    EXPECT_EQ(d.left, left) << "d = " << difference;
    EXPECT_EQ(d.right, right) << "d = " << difference;
    EXPECT_EQ(d.gradient, mean) << "d = " << difference;
  }
}

// docs/math.md, "Worked examples": three tied scores, labels (negative, positive, negative), count.
TEST(AumKernelWorkedExample, ThreeWayTie) {
  const AumDetails d = details_of({0, 0, 0}, {0, 1, 0}, Denominator::count);
  EXPECT_EQ(d.aum, 0.0);
  EXPECT_EQ(d.left, (std::vector<double>{0, -1, 0}));
  EXPECT_EQ(d.right, (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(d.auc, 0.5);
}

TEST(AumKernel, NegativeAndPositiveZeroAreOneThreshold) {
  const AumDetails d = details_of({-0.0, 0.0}, {0, 1}, Denominator::count);
  EXPECT_EQ(d.roc.size(), 2u);
  EXPECT_EQ(d.left, (std::vector<double>{0, -1}));
  EXPECT_EQ(d.right, (std::vector<double>{1, 0}));
}

TEST(AumKernel, NonFiniteScoreThrowsNamingTheRow) {
  const BinaryTargets targets = make_binary_targets(std::vector<double>{0, 1, 0});
  AumKernel kernel;
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), kInf, -kInf}) {
    const std::vector<double> scores = {0.5, bad, 1.0};
    try {
      kernel.summary(scores, targets.error_diffs, {1, 1});
      FAIL() << "no error for score " << bad;
    } catch (const DataError& error) {
      EXPECT_NE(std::string(error.what()).find("row 2"), std::string::npos) << error.what();
    }
  }
}

TEST(AumKernel, SingleClassCountHasZeroAumAndUndefinedAuc) {
  const AumDetails d = details_of({1, 2, 3}, {1, 1, 1}, Denominator::count);
  EXPECT_EQ(d.aum, 0.0);
  EXPECT_TRUE(std::isnan(d.auc));
}

TEST(AumKernel, ZeroWeightExampleHasZeroDerivatives) {
  const AumDetails d = details_of({1, 1, -1}, {0, 1, 0}, Denominator::rate, {0.0, 2.0, 1.0});
  EXPECT_EQ(d.left[0], 0.0);
  EXPECT_EQ(d.right[0], 0.0);
}

struct PropertyCase {
  unsigned seed;
  std::size_t n;
  int distinct;
  bool weighted;
  Denominator denominator;
};

std::string describe(const PropertyCase& c) {
  return "seed " + std::to_string(c.seed) + ", n " + std::to_string(c.n) + ", " +
         std::to_string(c.distinct) + " distinct scores, " +
         (c.weighted ? "weighted, " : "") + std::string(denominator_name(c.denominator));
}

// Checks every property stated in docs/math.md ("False positives, false negatives and AUM",
// "The ROC table and AUC", "Directional derivatives") on one random problem with many ties.
void check_properties(const PropertyCase& c) {
  auto problem = random_problem(c.seed, c.n, c.distinct, c.weighted);
  // Scale to non-integer scores while keeping the ties.
  for (double& s : problem.scores) s *= 0.37;
  const BinaryTargets targets = make_binary_targets(problem.labels, problem.weights);
  const ErrorDiffs& diffs = targets.error_diffs;
  if (c.denominator == Denominator::rate &&
      (!(diffs.fp_total > 0) || !(diffs.fn_total > 0))) {
    return;
  }
  const Denominators den = make_denominators(diffs, c.denominator);
  AumKernel kernel;
  const AumDetails d = kernel.details(problem.scores, diffs, den);
  const double tolerance = 1e-12 * std::max(1.0, std::abs(d.aum));

  ASSERT_GE(d.aum, 0.0) << describe(c);
  EXPECT_NEAR(d.aum, brute_force_aum(problem.scores, diffs, den), tolerance) << describe(c);
  // The same from the labels, with class totals of the test's own.
  EXPECT_NEAR(d.aum,
              testing::brute_force_aum_of_labels(problem.scores, problem.labels, problem.weights,
                                                 c.denominator),
              tolerance)
      << describe(c);
  if (diffs.fp_total > 0 && diffs.fn_total > 0) {
    EXPECT_NEAR(d.auc, brute_force_auc(problem.scores, targets), 1e-12) << describe(c);
  }

  // The fast paths agree with the full computation to the bit.
  std::vector<double> gradient(c.n);
  EXPECT_EQ(kernel.value_and_gradient(problem.scores, diffs, den, gradient), d.aum) << describe(c);
  EXPECT_EQ(gradient, d.gradient) << describe(c);
  const AumSummary summary = kernel.summary(problem.scores, diffs, den);
  EXPECT_EQ(summary.aum, d.aum) << describe(c);
  EXPECT_TRUE(summary.auc == d.auc || (std::isnan(summary.auc) && std::isnan(d.auc)));

  // One-sided difference quotients with a step below the smallest gap between scores.
  const double h = std::min(0.25, smallest_gap(problem.scores) / 4);
  auto aum_of = [&](const std::vector<double>& scores) {
    return kernel.summary(scores, diffs, den).aum;
  };
  std::vector<double> moved = problem.scores;
  for (std::size_t i = 0; i < c.n; ++i) {
    moved[i] = problem.scores[i] + h;
    const double right_quotient = (aum_of(moved) - d.aum) / h;
    moved[i] = problem.scores[i] - h;
    const double left_quotient = (d.aum - aum_of(moved)) / h;
    moved[i] = problem.scores[i];
    EXPECT_NEAR(d.right[i], right_quotient, 1e-9) << describe(c) << ", example " << i;
    EXPECT_NEAR(d.left[i], left_quotient, 1e-9) << describe(c) << ", example " << i;
    EXPECT_DOUBLE_EQ(d.gradient[i], 0.5 * (d.left[i] + d.right[i]));
  }

  // Invariances: shift, positive scaling.
  std::vector<double> shifted = problem.scores, scaled = problem.scores;
  for (double& s : shifted) s += 2.5;
  for (double& s : scaled) s *= 3.0;
  EXPECT_NEAR(aum_of(shifted), d.aum, tolerance) << describe(c);
  EXPECT_NEAR(aum_of(scaled), 3.0 * d.aum, 3 * tolerance) << describe(c);
}

TEST(AumKernelProperties, RandomTiedScoresSmallN) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    const std::size_t n = 1 + seed % 200;
    const int distinct = 1 + static_cast<int>(seed % 7);
    check_properties({seed, n, distinct, seed % 3 == 0,
                      seed % 2 ? Denominator::rate : Denominator::count});
  }
}

// Sizes above the insertion-sort cut-off (32 entries) exercise the in-bucket counting sort.
TEST(AumKernelProperties, RandomTiedScoresRadixPath) {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    const std::size_t n = 256 + 131 * seed;
    const int distinct = seed % 2 ? 9 : 400;
    check_properties({seed, n, distinct, seed % 3 == 0,
                      seed % 2 ? Denominator::rate : Denominator::count});
  }
}

// FPR divides by the negatives' total and FNR by the positives': with classes of different
// totals, AUM and its gradient are those of rates taken from class totals that the test adds up
// itself.
TEST(AumKernelProperties, RatesUseEachClasssOwnTotalOnUnbalancedData) {
  std::size_t unbalanced = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    auto problem =
        random_problem(seed, 6 + seed % 40, 2 + static_cast<int>(seed % 9), seed % 2 == 0);
    // About one positive in four, and at least one of each class.
    for (std::size_t i = 0; i < problem.labels.size(); ++i) problem.labels[i] = i % 4 == 1;
    double positive_total = 0, negative_total = 0;
    for (std::size_t i = 0; i < problem.labels.size(); ++i) {
      const double w = problem.weights.empty() ? 1.0 : problem.weights[i];
      (problem.labels[i] == 1 ? positive_total : negative_total) += w;
    }
    if (!(positive_total > 0) || !(negative_total > 0)) continue;
    unbalanced += positive_total != negative_total;
    const std::string what = "seed " + std::to_string(seed);
    const BinaryTargets targets = make_binary_targets(problem.labels, problem.weights);
    const Denominators rate = make_denominators(targets.error_diffs, Denominator::rate);
    EXPECT_DOUBLE_EQ(rate.fp, negative_total) << what;
    EXPECT_DOUBLE_EQ(rate.fn, positive_total) << what;
    const double expected = testing::brute_force_aum_of_labels(problem.scores, problem.labels,
                                                               problem.weights, Denominator::rate);
    AumKernel kernel;
    std::vector<double> gradient(problem.scores.size());
    const double value =
        kernel.value_and_gradient(problem.scores, targets.error_diffs, rate, gradient);
    EXPECT_NEAR(value, expected, 1e-12 * std::max(1.0, expected)) << what;
    // Each example's gradient is the mean of one-sided difference quotients of the reference.
    const double h = std::min(0.25, smallest_gap(problem.scores) / 4);
    std::vector<double> moved = problem.scores;
    for (std::size_t i = 0; i < moved.size(); ++i) {
      moved[i] = problem.scores[i] + h;
      const double up = testing::brute_force_aum_of_labels(moved, problem.labels, problem.weights,
                                                           Denominator::rate);
      moved[i] = problem.scores[i] - h;
      const double down = testing::brute_force_aum_of_labels(moved, problem.labels, problem.weights,
                                                             Denominator::rate);
      moved[i] = problem.scores[i];
      EXPECT_NEAR(gradient[i], 0.5 * ((up - expected) / h + (expected - down) / h), 1e-9)
          << what << ", example " << i;
    }
  }
  EXPECT_GT(unbalanced, 50u);
}

TEST(AumKernel, SmallAndPartitionedInputsGiveIdenticalResults) {
  // The same problem sorted as one small bucket, and as part of a large input split into many
  // buckets: pad with zero-weight examples far away.
  auto problem = random_problem(7, 30, 5, true);
  AumKernel kernel;
  BinaryTargets small = make_binary_targets(problem.labels, problem.weights);
  const AumDetails expected = kernel.details(problem.scores, small.error_diffs,
                                             make_denominators(small.error_diffs,
                                                               Denominator::count));
  for (int i = 0; i < 40'000; ++i) {
    problem.scores.push_back(1000.0 + i);
    problem.labels.push_back(i % 2);
    problem.weights.push_back(0.0);
  }
  BinaryTargets large = make_binary_targets(problem.labels, problem.weights);
  const AumDetails padded = kernel.details(problem.scores, large.error_diffs,
                                           make_denominators(large.error_diffs,
                                                             Denominator::count));
  EXPECT_EQ(padded.aum, expected.aum);
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(padded.left[i], expected.left[i]) << "example " << i;
    EXPECT_EQ(padded.right[i], expected.right[i]) << "example " << i;
  }
}

TEST(AumKernel, WorkspaceReuseAcrossSizesGivesFreshResults) {
  AumKernel reused;
  for (std::size_t n : {2000u, 10u, 700u, 2000u, 1u}) {
    const auto problem = random_problem(static_cast<unsigned>(n), n, 50);
    const BinaryTargets targets = make_binary_targets(problem.labels);
    const Denominators den = make_denominators(targets.error_diffs, Denominator::count);
    AumKernel fresh;
    std::vector<double> g1(n), g2(n);
    EXPECT_EQ(reused.value_and_gradient(problem.scores, targets.error_diffs, den, g1),
              fresh.value_and_gradient(problem.scores, targets.error_diffs, den, g2))
        << "n " << n;
    EXPECT_EQ(g1, g2) << "n " << n;
  }
}

// Sizes with many buckets: continuous scores, and scores with heavy ties, against the direct
// method (and, with ties, against the O(K N) brute force).
TEST(AumKernelLargeN, ManyBucketsMatchTheDirectMethod) {
  struct Case {
    std::size_t n;
    int distinct;  // 0: continuous normal scores
    bool weighted;
    Denominator denominator;
  };
  const Case cases[] = {
      {100'000, 0, false, Denominator::rate},  {100'000, 0, true, Denominator::count},
      {60'000, 301, false, Denominator::count}, {60'000, 301, true, Denominator::rate},
      {30'000, 3, true, Denominator::rate},
  };
  for (const Case& c : cases) {
    auto problem = random_problem(static_cast<unsigned>(c.n + c.distinct), c.n,
                                  std::max(c.distinct, 1), c.weighted);
    if (c.distinct == 0) {
      std::mt19937_64 rng(c.n);
      std::normal_distribution<double> normal;
      for (double& s : problem.scores) s = normal(rng);
    } else {
      for (double& s : problem.scores) s *= 0.1;  // inexact multiples: sums that round
    }
    if (c.weighted) {
      for (double& w : problem.weights) w *= 0.1;
    }
    const std::string what = "n " + std::to_string(c.n) + ", " + std::to_string(c.distinct) +
                             " distinct" + (c.weighted ? ", weighted, " : ", ") +
                             std::string(denominator_name(c.denominator));
    const BinaryTargets targets = make_binary_targets(problem.labels, problem.weights);
    const ErrorDiffs& diffs = targets.error_diffs;
    const Denominators den = make_denominators(diffs, c.denominator);
    AumKernel kernel;
    const AumDetails d = kernel.details(problem.scores, diffs, den);
    const auto expected = testing::reference_derivatives(problem.scores, diffs, den);
    const double scale = c.denominator == Denominator::count ? static_cast<double>(c.n) : 1.0;
    EXPECT_NEAR(d.aum, expected.aum, 1e-12 * std::max(1.0, expected.aum)) << what;
    if (c.distinct > 0) {
      EXPECT_NEAR(d.aum, brute_force_aum(problem.scores, diffs, den), 1e-9 * scale) << what;
    }
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < c.n; ++i) {
      if (std::abs(d.left[i] - expected.left[i]) > 1e-12 * scale ||
          std::abs(d.right[i] - expected.right[i]) > 1e-12 * scale) {
        if (++mismatches <= 5) {
          ADD_FAILURE() << what << ", example " << i << ": (" << d.left[i] << ", " << d.right[i]
                        << ") instead of (" << expected.left[i] << ", " << expected.right[i]
                        << ")";
        }
      }
    }
    EXPECT_EQ(mismatches, 0u) << what;
    std::vector<double> gradient(c.n);
    EXPECT_EQ(kernel.value_and_gradient(problem.scores, diffs, den, gradient), d.aum) << what;
    EXPECT_EQ(gradient, d.gradient) << what;
    const AumSummary summary = kernel.summary(problem.scores, diffs, den);
    EXPECT_EQ(summary.aum, d.aum) << what;
    EXPECT_EQ(summary.auc, d.auc) << what;
  }
}

// Results do not depend on the number of threads, to the bit, also when sums round.
TEST(AumKernelThreads, SameBitsAsOneThread) {
  for (const int distinct : {0, 1000}) {
    const std::size_t n = 300'000;
    auto problem = random_problem(17, n, std::max(distinct, 1), true);
    if (distinct == 0) {
      std::mt19937_64 rng(5);
      std::normal_distribution<double> normal;
      for (double& s : problem.scores) s = normal(rng);
    }
    for (double& w : problem.weights) w = 0.1 * w + 0.3;
    const BinaryTargets targets = make_binary_targets(problem.labels, problem.weights);
    const ErrorDiffs& diffs = targets.error_diffs;
    const Denominators den = make_denominators(diffs, Denominator::rate);
    AumKernel one(1);
    std::vector<double> expected(n);
    const double expected_aum = one.value_and_gradient(problem.scores, diffs, den, expected);
    const AumSummary expected_summary = one.summary(problem.scores, diffs, den);
    for (int threads : {2, 3}) {
      AumKernel several(threads);
      std::vector<double> gradient(n);
      EXPECT_EQ(several.value_and_gradient(problem.scores, diffs, den, gradient), expected_aum)
          << threads << " threads, " << distinct << " distinct";
      EXPECT_EQ(gradient, expected) << threads << " threads, " << distinct << " distinct";
      const AumSummary summary = several.summary(problem.scores, diffs, den);
      EXPECT_EQ(summary.aum, expected_summary.aum) << threads << " threads";
      EXPECT_EQ(summary.auc, expected_summary.auc) << threads << " threads";
    }
  }
}

TEST(AumKernelThreads, FewerThanOneThreadIsAConfigError) {
  EXPECT_THROW(AumKernel(0), ConfigError);
}

TEST(AumKernel, SecondCallAllocatesNoMoreWorkspace) {
  const auto problem = random_problem(3, 300'000, 5000);
  const BinaryTargets targets = make_binary_targets(problem.labels);
  const Denominators den = make_denominators(targets.error_diffs, Denominator::rate);
  AumKernel kernel(2);
  std::vector<double> gradient(problem.scores.size());
  kernel.value_and_gradient(problem.scores, targets.error_diffs, den, gradient);
  const std::size_t bytes = kernel.workspace_bytes();
  EXPECT_LT(bytes, 48 * problem.scores.size());
  kernel.value_and_gradient(problem.scores, targets.error_diffs, den, gradient);
  kernel.summary(problem.scores, targets.error_diffs, den);
  EXPECT_EQ(kernel.workspace_bytes(), bytes);
}

}  // namespace
}  // namespace aumtrain
