#include "aumtrain/study/autograd_aum.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

#if AUMTRAIN_WITH_TORCH

// The four samples of docs/math.md, "Worked examples": AUM 1.5 and the gradient the original R
// study printed after four_aum$backward().
TEST(AutogradAum, FourSamples) {
  const std::vector<double> scores = {2.0, -3.5, -1.0, 1.5}, labels = {-1, -1, 1, 1};
  std::vector<double> gradient(4);
  EXPECT_EQ(autograd_aum_gradient(scores, labels, Denominator::rate, gradient), 1.5);
  EXPECT_EQ(gradient, (std::vector<double>{0.5, 0, -0.5, 0}));
  EXPECT_EQ(autograd_aum_gradient(scores, labels, Denominator::count, gradient), 3.0);
  EXPECT_EQ(gradient, (std::vector<double>{1, 0, -1, 0}));
}

// Where no scores tie, autograd and the explicit kernel give the same gradient.
TEST(AutogradAum, AgreesWithTheExplicitKernelWithoutTies) {
  for (unsigned seed = 1; seed <= 30; ++seed) {
    const std::size_t n = 2 + seed * 37 % 1500;
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    std::bernoulli_distribution positive(0.3);
    std::vector<double> scores(n), labels(n);
    for (std::size_t i = 0; i < n; ++i) {
      scores[i] = normal(rng);
      labels[i] = positive(rng) ? 1 : 0;
    }
    labels[0] = 0;
    labels[1] = 1;
    const BinaryTargets targets = make_binary_targets(labels);
    for (const Denominator denominator : {Denominator::rate, Denominator::count}) {
      const std::string what = "seed " + std::to_string(seed) + ", n " + std::to_string(n) + ", " +
                               std::string(denominator_name(denominator));
      std::vector<double> by_autograd(n), by_kernel(n);
      const double aum_autograd = autograd_aum_gradient(scores, labels, denominator, by_autograd);
      AumKernel kernel;
      const double aum_kernel =
          kernel.value_and_gradient(scores, targets.error_diffs,
                                    make_denominators(targets.error_diffs, denominator), by_kernel);
      EXPECT_NEAR(aum_autograd, aum_kernel, 1e-12 * std::max(1.0, aum_kernel)) << what;
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_NEAR(by_autograd[i], by_kernel[i], 1e-12) << what << ", example " << i;
      }
    }
  }
}

// At a tie autograd returns one subgradient: 0, as in the original R study, where the exact range
// is [0, 1].
TEST(AutogradAum, TieGivesOneSubgradient) {
  std::vector<double> gradient(2);
  EXPECT_EQ(autograd_aum_gradient(std::vector<double>{0, 0}, std::vector<double>{0, 1},
                                  Denominator::rate, gradient),
            0.0);
  EXPECT_EQ(gradient, (std::vector<double>{0, 0}));
}

TEST(AutogradAum, ThreadsCanBeSet) {
  EXPECT_NO_THROW(set_autograd_threads(2));
  EXPECT_NO_THROW(set_autograd_threads(1));
  EXPECT_THROW(set_autograd_threads(0), ConfigError);
}

#else

TEST(AutogradAum, WithoutLibtorchSaysHowToGetIt) {
  EXPECT_FALSE(autograd_available());
  std::vector<double> gradient(1);
  try {
    autograd_aum_gradient(std::vector<double>{0}, std::vector<double>{1}, Denominator::count,
                          gradient);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("AUMTRAIN_WITH_TORCH"), std::string::npos);
  }
}

#endif

}  // namespace
}  // namespace aumtrain
