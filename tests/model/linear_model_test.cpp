#include "aumtrain/model/linear_model.hpp"

#include <gtest/gtest.h>

#include <random>

#include "aumtrain/model/losses.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

struct Problem {
  RowMajorMatrix features;
  FeatureMap map;
  BinaryTargets targets;
  LinearModel model;
};

Problem random_problem(unsigned seed, Eigen::Index n, Eigen::Index d) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Problem p;
  p.features.resize(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) p.features(i, j) = normal(rng);
  }
  p.map.multiplier = Eigen::VectorXd::NullaryExpr(d, [&] { return 0.5 + std::abs(normal(rng)); });
  p.map.offset = Eigen::VectorXd::NullaryExpr(d, [&] { return normal(rng); });
  p.map.mean = Eigen::VectorXd::NullaryExpr(d, [&] { return 10 * normal(rng); });
  p.map.sd = Eigen::VectorXd::NullaryExpr(d, [&] { return 1 + std::abs(normal(rng)); });
  p.map.fixed_at_zero.assign(static_cast<std::size_t>(d), 0);
  std::vector<double> labels;
  for (Eigen::Index i = 0; i < n; ++i) labels.push_back(i % 2);
  p.targets = make_binary_targets(labels);
  p.model.weights = Eigen::VectorXd::NullaryExpr(d, [&] { return normal(rng); });
  p.model.intercept = 0.3;
  return p;
}

MatrixView view(const RowMajorMatrix& m) { return MatrixView(m.data(), m.rows(), m.cols()); }

// A loss as a function of the model's parameters, and its gradient through the linear model.
struct ModelLoss {
  const Problem& p;
  std::unique_ptr<Loss> loss;
  std::vector<double> scores = std::vector<double>(static_cast<std::size_t>(p.features.rows()));
  std::vector<double> g = scores;

  double operator()(const LinearModel& model) {
    model.scores(view(p.features), p.map, scores);
    return loss->value_and_gradient(scores, p.targets, g);
  }
  void gradient(const LinearModel& model, Eigen::VectorXd& weights, double& intercept) {
    (*this)(model);
    parameter_gradient(view(p.features), p.map, g, weights, intercept);
  }
};

TEST(LinearModel, ScoresApplyTheFeatureMap) {
  const Problem p = random_problem(1, 50, 4);
  std::vector<double> scores(50);
  p.model.scores(view(p.features), p.map, scores);
  for (Eigen::Index i = 0; i < 50; ++i) {
    double expected = p.model.intercept;
    for (Eigen::Index j = 0; j < 4; ++j) {
      expected += p.model.weights[j] * (p.map.multiplier[j] * p.features(i, j) + p.map.offset[j]);
    }
    EXPECT_NEAR(scores[static_cast<std::size_t>(i)], expected, 1e-12) << "row " << i;
  }
}

// X^T g through the feature map equals finite differences of the loss in w and b.
TEST(LinearModel, ParameterGradientMatchesFiniteDifferences) {
  for (const char* name : {"logistic", "logistic_balanced", "squared_hinge_all_pairs"}) {
    const Problem p = random_problem(2, 60, 5);
    ModelLoss loss_at{p, make_loss({.name = name})};
    Eigen::VectorXd weight_gradient;
    double intercept_gradient = 0;
    loss_at.gradient(p.model, weight_gradient, intercept_gradient);
    const double h = 1e-6;
    for (Eigen::Index j = 0; j < 5; ++j) {
      LinearModel up = p.model, down = p.model;
      up.weights[j] += h;
      down.weights[j] -= h;
      EXPECT_NEAR(weight_gradient[j], (loss_at(up) - loss_at(down)) / (2 * h), 1e-7)
          << name << ", weight " << j;
    }
    LinearModel up = p.model, down = p.model;
    up.intercept += h;
    down.intercept -= h;
    EXPECT_NEAR(intercept_gradient, (loss_at(up) - loss_at(down)) / (2 * h), 1e-7) << name;
  }
}

// AUM is piecewise linear in w: one-sided differences match its (mean) gradient where no scores
// tie, with continuous random data.
TEST(LinearModel, AumParameterGradientMatchesDifferenceQuotients) {
  const Problem p = random_problem(3, 40, 3);
  ModelLoss aum_at{p, make_loss({.name = "aum"})};
  Eigen::VectorXd weight_gradient;
  double intercept_gradient = 0;
  aum_at.gradient(p.model, weight_gradient, intercept_gradient);
  EXPECT_NEAR(intercept_gradient, 0.0, 1e-12);  // shift invariance: the derivatives sum to 0
  const double h = 1e-9;
  for (Eigen::Index j = 0; j < 3; ++j) {
    LinearModel up = p.model;
    up.weights[j] += h;
    EXPECT_NEAR(weight_gradient[j], (aum_at(up) - aum_at(p.model)) / h, 1e-5) << "weight " << j;
  }
}

TEST(LinearModel, FixedColumnsGetZeroGradient) {
  Problem p = random_problem(4, 30, 3);
  p.map.fixed_at_zero = {0, 1, 0};
  std::vector<double> g(30, 0.1);
  Eigen::VectorXd weight_gradient;
  double intercept_gradient = 0;
  parameter_gradient(view(p.features), p.map, g, weight_gradient, intercept_gradient);
  EXPECT_EQ(weight_gradient[1], 0.0);
  EXPECT_NE(weight_gradient[0], 0.0);
}

// 90,001 rows: eleven full blocks of rows and a short one. Any number of threads gives the same
// bits, and the blocked sums agree with one product over all rows.
TEST(LinearModel, AnyNumberOfThreadsGivesTheSameBits) {
  const Eigen::Index n = 90001;
  const Problem p = random_problem(5, n, 7);
  std::vector<double> one(n), other(n);
  p.model.scores(view(p.features), p.map, one, 1);
  const Eigen::VectorXd direct =
      (p.features * p.map.multiplier.cwiseProduct(p.model.weights)).array() +
      (p.model.intercept + p.map.offset.dot(p.model.weights));
  for (Eigen::Index i = 0; i < n; ++i) {
    ASSERT_NEAR(one[static_cast<std::size_t>(i)], direct[i], 1e-12 * (1 + std::abs(direct[i])));
  }
  Eigen::VectorXd g1, g_other;
  double b1 = 0, b_other = 0;
  parameter_gradient(view(p.features), p.map, one, g1, b1, 1);
  const Eigen::Map<const Eigen::VectorXd> s(one.data(), n);
  const Eigen::VectorXd expected =
      (p.features.transpose() * s).cwiseProduct(p.map.multiplier) + s.sum() * p.map.offset;
  EXPECT_LT((g1 - expected).norm(), 1e-12 * expected.norm());
  for (int threads : {2, 3, 8}) {
    p.model.scores(view(p.features), p.map, other, threads);
    EXPECT_EQ(one, other) << threads << " threads";
    parameter_gradient(view(p.features), p.map, one, g_other, b_other, threads);
    EXPECT_EQ(g1, g_other) << threads << " threads";
    EXPECT_EQ(b1, b_other) << threads << " threads";
  }
}

TEST(LinearModel, OriginalUnitsScoreRawFeaturesTheSame) {
  Problem p = random_problem(6, 10, 3);
  const LinearModel original = to_original_units(p.model, p.map);
  for (int trial = 0; trial < 5; ++trial) {
    Eigen::VectorXd raw = Eigen::VectorXd::Random(3) * 20;
    const Eigen::VectorXd standardized = (raw - p.map.mean).cwiseQuotient(p.map.sd);
    EXPECT_NEAR(original.weights.dot(raw) + original.intercept,
                p.model.weights.dot(standardized) + p.model.intercept, 1e-10);
  }
}

}  // namespace
}  // namespace aumtrain
