#include "aumtrain/model/losses.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::central_difference;

struct LossProblem {
  std::vector<double> scores;
  BinaryTargets targets;
};

LossProblem continuous_problem(unsigned seed, std::size_t n, bool weighted, double scale = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, scale);
  std::uniform_real_distribution<double> weight(0.1, 3.0);
  std::vector<double> labels, weights;
  LossProblem p;
  for (std::size_t i = 0; i < n; ++i) {
    p.scores.push_back(normal(rng));
    labels.push_back(i % 3 == 0 ? 1.0 : 0.0);
    if (weighted) weights.push_back(weight(rng));
  }
  p.targets = make_binary_targets(labels, weights);
  return p;
}

double loss_value(Loss& loss, const std::vector<double>& scores, const BinaryTargets& targets) {
  std::vector<double> ignored(scores.size());
  return loss.value_and_gradient(scores, targets, ignored);
}

void expect_gradient_matches_finite_differences(const std::string& name, Loss& loss,
                                                const LossProblem& p, double tolerance) {
  std::vector<double> gradient(p.scores.size());
  loss.value_and_gradient(p.scores, p.targets, gradient);
  auto f = [&](const std::vector<double>& s) { return loss_value(loss, s, p.targets); };
  for (std::size_t i = 0; i < p.scores.size(); ++i) {
    EXPECT_NEAR(gradient[i], central_difference(f, p.scores, i, 1e-5), tolerance)
        << name << ", example " << i;
  }
}

TEST(Losses, SmoothLossGradientsMatchFiniteDifferences) {
  for (bool weighted : {false, true}) {
    for (unsigned seed : {1u, 2u, 3u}) {
      const LossProblem p = continuous_problem(seed, 40, weighted);
      for (const char* name : {"logistic", "logistic_balanced", "squared_hinge_all_pairs"}) {
        auto loss = make_loss({.name = name});
        expect_gradient_matches_finite_differences(
            std::string(name) + (weighted ? " weighted" : "") + " seed " + std::to_string(seed),
            *loss, p, 1e-8);
      }
    }
  }
}

TEST(Losses, LogisticValueIsTheMeanLogLoss) {
  const BinaryTargets t = make_binary_targets(std::vector<double>{1, 0, 0});
  LogisticLoss loss;
  std::vector<double> gradient(3);
  const std::vector<double> scores = {0.0, 0.0, 2.0};
  const double expected = (std::log(2.0) + std::log(2.0) + std::log1p(std::exp(2.0))) / 3.0;
  EXPECT_NEAR(loss.value_and_gradient(scores, t, gradient), expected, 1e-15);
  EXPECT_NEAR(gradient[0], -0.5 / 3, 1e-15);
  EXPECT_NEAR(gradient[1], 0.5 / 3, 1e-15);
}

TEST(Losses, BalancedLogisticGivesEachClassHalfTheWeight) {
  // One positive, three negatives, all scores 0: each class's mean loss is log 2.
  const BinaryTargets t = make_binary_targets(std::vector<double>{1, 0, 0, 0});
  BalancedLogisticLoss loss;
  std::vector<double> gradient(4);
  EXPECT_NEAR(loss.value_and_gradient(std::vector<double>(4, 0.0), t, gradient), std::log(2.0),
              1e-15);
  EXPECT_NEAR(gradient[0], -0.25, 1e-15);  // -sigma(0) / 2
  EXPECT_NEAR(gradient[1], 0.25 / 3, 1e-15);
}

TEST(Losses, LogisticIsFiniteAtLargeScores) {
  const BinaryTargets t = make_binary_targets(std::vector<double>{1, 0, 1, 0});
  const std::vector<double> scores = {-1e4, 1e4, 1e4, -1e4};  // two badly wrong, two right
  for (const char* name : {"logistic", "logistic_balanced"}) {
    auto loss = make_loss({.name = name});
    std::vector<double> gradient(4);
    const double value = loss->value_and_gradient(scores, t, gradient);
    EXPECT_NEAR(value, 0.5e4, 1e-9) << name;  // log(1 + e^1e4) = 1e4 to double precision
    for (double g : gradient) EXPECT_TRUE(std::isfinite(g)) << name;
    EXPECT_NEAR(gradient[0], -0.25, 1e-15) << name;
    EXPECT_EQ(gradient[2], -0.0) << name;  // sigmoid(-1e4) underflows to 0
  }
}

// The gradient alone (what the line search along a ray asks for) is the same bits as the
// gradient beside the value, for every loss, and says whether the value is finite. The logistic
// losses' shares sum to 1, so their value stays finite for any finite scores, even near the
// largest double, and is infinite or NaN once a score is.
TEST(Losses, GradientAloneIsTheSameBitsAndKnowsWhenTheValueIsInfinite) {
  for (const char* name : {"logistic", "logistic_balanced", "aum", "squared_hinge_all_pairs"}) {
    auto loss = make_loss({.name = name});
    for (const bool weighted : {false, true}) {
      const LossProblem p = continuous_problem(7, 40, weighted, 3.0);
      std::vector<double> with_value(40), alone(40);
      const double value = loss->value_and_gradient(p.scores, p.targets, with_value);
      EXPECT_EQ(loss->gradient(p.scores, p.targets, alone), std::isfinite(value)) << name;
      EXPECT_EQ(alone, with_value) << name << (weighted ? ", weighted" : "");
    }
  }
  const BinaryTargets t = make_binary_targets(std::vector<double>{1, 0, 1, 0});
  const std::vector<std::vector<double>> cases = {
      {-1.7e308, 1.7e308, 1.7e308, -1.7e308},  // finite: the shares' mean of the margins
      {std::nan(""), 0, 0, 0},
      {-INFINITY, 0, 1, 2},                    // a positive scored -inf: infinite loss
      {INFINITY, 0, 1, 2}};                    // ... scored +inf: no loss there
  for (const char* name : {"logistic", "logistic_balanced"}) {
    auto loss = make_loss({.name = name});
    for (const auto& scores : cases) {
      std::vector<double> with_value(4), alone(4);
      const double value = loss->value_and_gradient(scores, t, with_value);
      EXPECT_EQ(loss->gradient(scores, t, alone), std::isfinite(value))
          << name << " at " << scores[0] << ", value " << value;
      for (std::size_t i = 0; i < 4; ++i) {
        if (!std::isnan(with_value[i])) EXPECT_EQ(alone[i], with_value[i]) << name << " " << i;
      }
    }
  }
}

// The O(N^2) definition of the all-pairs squared hinge loss and its gradient.
double all_pairs_double_loop(const std::vector<double>& f, const BinaryTargets& t, double margin,
                             std::vector<double>& gradient) {
  double loss = 0;
  std::fill(gradient.begin(), gradient.end(), 0.0);
  const double pairs = t.positive_weight * t.negative_weight;
  for (std::size_t p = 0; p < f.size(); ++p) {
    if (!t.is_positive[p]) continue;
    for (std::size_t q = 0; q < f.size(); ++q) {
      if (t.is_positive[q]) continue;
      const double w = t.weight_of(p) * t.weight_of(q);
      const double violation = margin - (f[p] - f[q]);
      if (violation <= 0) continue;
      loss += w * violation * violation;
      gradient[p] -= 2 * w * violation / pairs;
      gradient[q] += 2 * w * violation / pairs;
    }
  }
  return loss / pairs;
}

TEST(Losses, SquaredHingeAllPairsEqualsDoubleLoop) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    for (double margin : {1.0, 0.3}) {
      auto problem = testing::random_problem(seed, 5 + seed * 3, 6, seed % 2 == 0);
      for (double& s : problem.scores) s *= 0.25;  // ties, and pairs exactly at the margin
      if (seed % 5 == 0) {
        for (double& s : problem.scores) s += 1e4;  // large scores: centring keeps precision
      }
      const BinaryTargets t = make_binary_targets(problem.labels, problem.weights);
      if (!(t.positive_weight > 0) || !(t.negative_weight > 0)) continue;
      SquaredHingeAllPairsLoss loss(margin);
      std::vector<double> fast(problem.scores.size()), slow(problem.scores.size());
      const double expected = all_pairs_double_loop(problem.scores, t, margin, slow);
      EXPECT_NEAR(loss.value_and_gradient(problem.scores, t, fast), expected,
                  1e-10 * std::max(1.0, expected))
          << "seed " << seed << ", margin " << margin;
      for (std::size_t i = 0; i < fast.size(); ++i) {
        EXPECT_NEAR(fast[i], slow[i], 1e-10) << "seed " << seed << ", margin " << margin
                                             << ", example " << i;
      }
    }
  }
}

TEST(Losses, AumLossIsTheKernelsMeanGradient) {
  const BinaryTargets t = make_binary_targets(std::vector<double>{-1, -1, 1, 1});
  const std::vector<double> scores = {2.0, -3.5, -1.0, 1.5};
  auto rate = make_loss({.name = "aum"});
  auto count = make_loss({.name = "aum", .denominator = Denominator::count});
  EXPECT_EQ(rate->name(), "aum.rate");
  EXPECT_EQ(count->name(), "aum.count");
  EXPECT_FALSE(rate->learns_intercept());
  std::vector<double> gradient(4);
  EXPECT_EQ(rate->value_and_gradient(scores, t, gradient), 1.5);
  EXPECT_EQ(gradient, (std::vector<double>{0.5, 0, -0.5, 0}));
  EXPECT_EQ(count->value_and_gradient(scores, t, gradient), 3.0);
  EXPECT_EQ(gradient, (std::vector<double>{1, 0, -1, 0}));
}

TEST(LossFactory, UnknownNameListsTheValidNames) {
  try {
    make_loss({.name = "logistc"});
    FAIL();
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    for (auto name : loss_names()) {
      EXPECT_NE(message.find(name), std::string::npos) << message;
    }
    EXPECT_NE(message.find("'logistc'"), std::string::npos) << message;
  }
}

TEST(LossFactory, MakesEveryListedLoss) {
  for (auto name : loss_names()) {
    auto loss = make_loss({.name = std::string(name)});
    EXPECT_EQ(loss->learns_intercept(), name != "aum") << name;
  }
  EXPECT_THROW(make_loss({.name = "squared_hinge_all_pairs", .margin = 0}), ConfigError);
}

TEST(Losses, PairwiseLossesNeedBothClasses) {
  const BinaryTargets t = make_binary_targets(std::vector<double>{1, 1});
  std::vector<double> gradient(2);
  const std::vector<double> scores = {0, 1};
  for (const char* name : {"logistic_balanced", "squared_hinge_all_pairs", "aum"}) {
    EXPECT_THROW(make_loss({.name = name})->value_and_gradient(scores, t, gradient), DataError)
        << name;
  }
  EXPECT_NO_THROW(make_loss({.name = "logistic"})->value_and_gradient(scores, t, gradient));
}

}  // namespace
}  // namespace aumtrain
