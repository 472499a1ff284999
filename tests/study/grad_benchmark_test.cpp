#include "aumtrain/study/grad_benchmark.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "aumtrain/study/autograd_aum.hpp"
#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

TEST(GradBenchmark, SizesFollowTheOriginalStudysGrid) {
  // as.integer(10^seq(2, 6, by = 0.2)) in the original R study, up to 1e4 here.
  const std::vector<std::size_t> original = {100,  158,  251,  398,  630,  1000,
                                             1584, 2511, 3981, 6309, 10000};
  EXPECT_EQ(grad_benchmark_sizes(1e2, 1e4), original);
  EXPECT_EQ(grad_benchmark_sizes(150, 700), (std::vector<std::size_t>{158, 251, 398, 630}));
  EXPECT_EQ(grad_benchmark_sizes(1e7, 1e7), (std::vector<std::size_t>{10'000'000}));
  EXPECT_TRUE(grad_benchmark_sizes(101, 157).empty());
}

TEST(GradBenchmark, QuantilesInterpolateAsRDoes) {
  const std::vector<double> values = {1, 2, 4, 8};
  // quantile(c(1, 2, 4, 8), c(0.25, 0.5, 0.75)) in R: 1.75 3.00 5.00
  EXPECT_DOUBLE_EQ(quantile(values, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(quantile(values, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(quantile(values, 0.75), 5.0);
  EXPECT_DOUBLE_EQ(quantile(std::vector<double>{7}, 0.25), 7.0);
  EXPECT_TRUE(std::isnan(quantile(std::vector<double>{}, 0.5)));
}

TEST(GradBenchmark, ComplexityClassOfSyntheticTimes) {
  struct Case {
    const char* expected;
    double (*seconds)(double n);
    double slope;
  };
  const Case cases[] = {
      {"1", [](double) { return 1e-3; }, 0.0},
      {"N", [](double n) { return 2e-9 * n; }, 1.0},
      {"N log N", [](double n) { return 3e-9 * n * std::log(n); }, 1.08},
      {"N^2", [](double n) { return 1e-12 * n * n; }, 2.0},
  };
  const std::vector<std::size_t> sizes = grad_benchmark_sizes(1e2, 1e7);
  for (const Case& c : cases) {
    std::vector<double> seconds;
    for (std::size_t n : sizes) seconds.push_back(c.seconds(static_cast<double>(n)));
    const ComplexityEstimate estimate = estimate_complexity(sizes, seconds);
    EXPECT_EQ(estimate.best_class, c.expected);
    EXPECT_NEAR(estimate.slope, c.slope, 0.02) << c.expected;
    EXPECT_EQ(estimate.n_to, 10'000'000u);
    EXPECT_GE(estimate.n_from, 25'000u);  // the upper half in log N
  }
  EXPECT_EQ(estimate_complexity(std::vector<std::size_t>{100}, std::vector<double>{1.0}).best_class,
            "?");
}

TEST(GradBenchmark, BadParamsNameTheOption) {
  struct Case {
    GradBenchmarkParams params;
    const char* option;
  };
  auto with = [](auto change) {
    GradBenchmarkParams params;
    change(params);
    return params;
  };
  const Case cases[] = {
      {with([](GradBenchmarkParams& p) { p.min_n = 1; }), "--min-n"},
      {with([](GradBenchmarkParams& p) { p.max_n = 50; }), "--max-n"},
      {with([](GradBenchmarkParams& p) { p.min_n = 101, p.max_n = 157; }), "--min-n"},
      {with([](GradBenchmarkParams& p) { p.seconds_limit = 0; }), "--seconds-limit"},
      {with([](GradBenchmarkParams& p) { p.reps = 0; }), "--reps"},
      {with([](GradBenchmarkParams& p) { p.threads = 0; }), "--threads"},
  };
  for (const Case& c : cases) {
    try {
      c.params.validate();
      ADD_FAILURE() << "no error for " << c.option;
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find(c.option), std::string::npos) << error.what();
    }
  }
  EXPECT_NO_THROW(GradBenchmarkParams{}.validate());
}

TEST(GradBenchmark, TinyRunMeasuresEveryMethodAndAgrees) {
  GradBenchmarkParams params;
  params.min_n = 10;
  params.max_n = 100;
  params.reps = 3;
  params.autograd = autograd_available();
  std::size_t reported = 0;
  const auto timings = run_grad_benchmark(params, [&](const GradTiming&) { ++reported; });
  const std::size_t methods = params.autograd ? 3 : 2;
  ASSERT_EQ(timings.size(), 6 * methods);  // N = 10, 15, 25, 39, 63, 100
  EXPECT_EQ(reported, timings.size());
  for (const GradTiming& t : timings) {
    const std::string what = std::to_string(t.n) + " " + std::string(method_name(t.method));
    EXPECT_GT(t.median_seconds, 0) << what;
    EXPECT_LE(t.q25_seconds, t.median_seconds) << what;
    EXPECT_LE(t.median_seconds, t.q75_seconds) << what;
    if (params.autograd && t.method != GradMethod::std_sort) {
      ASSERT_TRUE(t.max_abs_diff.has_value()) << what;
      EXPECT_LE(*t.max_abs_diff, 1e-12) << what;  // no ties in normal scores
    } else {
      EXPECT_FALSE(t.max_abs_diff.has_value()) << what;
    }
  }
}

TEST(GradBenchmark, AMethodStopsGrowingPastTheSecondsLimit) {
  GradBenchmarkParams params;
  params.min_n = 10;
  params.max_n = 1000;
  params.reps = 1;
  params.seconds_limit = 1e-12;  // every median passes it
  params.autograd = false;
  const auto timings = run_grad_benchmark(params);
  ASSERT_EQ(timings.size(), 2u);
  EXPECT_EQ(timings[0].n, 10u);
  EXPECT_EQ(timings[1].n, 10u);
}

}  // namespace
}  // namespace aumtrain
