// One gradient-descent iteration of the trainer on dense X (N = 1e6, D = 100) beside the two
// matrix-vector products it contains, with 1 and 2 threads:
//   build/bench/bench_iteration --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/model/losses.hpp"
#include "aumtrain/data/split.hpp"

namespace {

constexpr Eigen::Index kRows = 1'000'000;
constexpr Eigen::Index kFeatures = 100;

struct Problem {
  aumtrain::RowMajorMatrix features;
  aumtrain::FeatureMap map;
  aumtrain::BinaryTargets targets;
  aumtrain::LinearModel model;
};

const Problem& problem() {
  static const Problem p = [] {
    Problem q;
    aumtrain::SplitMix64 rng(1);
    q.features.resize(kRows, kFeatures);
    std::vector<double> labels(kRows);
    for (Eigen::Index i = 0; i < kRows; ++i) {
      labels[static_cast<std::size_t>(i)] = static_cast<double>(i % 2);
      for (Eigen::Index j = 0; j < kFeatures; ++j) q.features(i, j) = rng.normal() + 0.1 * (i % 2);
    }
    q.targets = aumtrain::make_binary_targets(labels);
    q.map = aumtrain::FeatureMap::identity(kFeatures);
    q.model.weights = Eigen::VectorXd::NullaryExpr(kFeatures, [&] { return rng.normal(); });
    return q;
  }();
  return p;
}

aumtrain::MatrixView view(const Problem& p) {
  return aumtrain::MatrixView(p.features.data(), kRows, kFeatures);
}

// scores = X v and the gradient X^T g, nothing else.
void BM_TwoMatrixVectorProducts(benchmark::State& state) {
  const Problem& p = problem();
  const int threads = static_cast<int>(state.range(0));
  std::vector<double> scores(kRows), g(kRows, 1e-6);
  Eigen::VectorXd weight_gradient(kFeatures);
  double intercept_gradient = 0;
  for (auto _ : state) {
    p.model.scores(view(p), p.map, scores, threads);
    aumtrain::parameter_gradient(view(p), p.map, g, weight_gradient, intercept_gradient, threads);
    benchmark::DoNotOptimize(weight_gradient.data());
  }
}

// What the trainer does per step: scores, AUM value and gradient, X^T g, update.
void BM_AumTrainerIteration(benchmark::State& state) {
  const Problem& p = problem();
  const int threads = static_cast<int>(state.range(0));
  aumtrain::LinearModel model = p.model;
  aumtrain::AumLoss loss(aumtrain::Denominator::rate, threads);
  std::vector<double> scores(kRows), g(kRows);
  Eigen::VectorXd weight_gradient(kFeatures);
  double intercept_gradient = 0;
  for (auto _ : state) {
    model.scores(view(p), p.map, scores, threads);
    benchmark::DoNotOptimize(loss.value_and_gradient(scores, p.targets, g));
    aumtrain::parameter_gradient(view(p), p.map, g, weight_gradient, intercept_gradient, threads);
    model.weights -= 1e-3 * weight_gradient;
  }
}

BENCHMARK(BM_TwoMatrixVectorProducts)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AumTrainerIteration)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
