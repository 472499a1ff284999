// One trainer iteration on dense X with the make-data distribution (N = 1e6 rows, D = 100
// features N(0, 1), positives N(0.3, 1) with probability 0.1), for AUM with the constant
// optimizer and with the exact line search, beside the two matrix-vector products an iteration
// needs, on 1 and 2 threads:
//   build/bench/bench_iteration --benchmark_min_time=2 --benchmark_repetitions=3
//       --benchmark_report_aggregates_only=true
// An iteration is what the trainer does per step on subtrain: the AUM value and gradient at the
// current scores, then the optimizer's step (X^T g and the update; for the line search also the
// rate X d at which the scores move along the direction and the walk of its events).
#include <benchmark/benchmark.h>

#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/data/split.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/model/losses.hpp"
#include "aumtrain/train/objective.hpp"
#include "aumtrain/train/optimizer.hpp"

namespace {

constexpr Eigen::Index kRows = 1'000'000;
constexpr Eigen::Index kFeatures = 100;

struct Problem {
  aumtrain::RowMajorMatrix features;
  aumtrain::FeatureMap map;
  aumtrain::BinaryTargets targets;
};

// The rows `aumtrain make-data --rows 1000000 --features 100` writes (the same generator and
// draws), kept in memory at full precision instead of the file's 7 digits.
const Problem& problem() {
  static const Problem p = [] {
    Problem q;
    aumtrain::SplitMix64 rng(1);
    const auto threshold = static_cast<std::uint64_t>(0.1 * 0x1.0p64);
    q.features.resize(kRows, kFeatures);
    std::vector<double> labels(kRows);
    for (Eigen::Index i = 0; i < kRows; ++i) {
      const bool positive = rng.next() < threshold;
      labels[static_cast<std::size_t>(i)] = positive ? 1.0 : 0.0;
      for (Eigen::Index j = 0; j < kFeatures; ++j) {
        q.features(i, j) = rng.normal() + (positive ? 0.3 : 0.0);
      }
    }
    q.targets = aumtrain::make_binary_targets(labels);
    q.map = aumtrain::FeatureMap::identity(kFeatures);
    return q;
  }();
  return p;
}

aumtrain::TrainingData data_of(const Problem& p) {
  const aumtrain::LabeledRows rows{aumtrain::MatrixView(p.features.data(), kRows, kFeatures),
                                   &p.targets};
  return {rows, rows, rows, &p.map};
}

// A start away from the tie at w = 0: the same random weights for every benchmark.
aumtrain::LinearModel start_model() {
  aumtrain::SplitMix64 rng(2);
  aumtrain::LinearModel model;
  model.weights = Eigen::VectorXd::NullaryExpr(kFeatures, [&] { return rng.normal(); });
  return model;
}

// scores = X v and the gradient X^T g, nothing else.
void BM_TwoMatrixVectorProducts(benchmark::State& state) {
  const Problem& p = problem();
  const int threads = static_cast<int>(state.range(0));
  const aumtrain::MatrixView x(p.features.data(), kRows, kFeatures);
  const aumtrain::LinearModel model = start_model();
  std::vector<double> scores(kRows), g(kRows, 1e-6);
  Eigen::VectorXd weight_gradient(kFeatures);
  double intercept_gradient = 0;
  for (auto _ : state) {
    model.scores(x, p.map, scores, threads);
    aumtrain::parameter_gradient(x, p.map, g, weight_gradient, intercept_gradient, threads);
    benchmark::DoNotOptimize(weight_gradient.data());
  }
}

// Trainer iterations of AUM (rate) with one optimizer, each continuing from the last.
void run_iterations(benchmark::State& state, const aumtrain::OptimizerSpec& spec,
                    std::optional<double> step_size) {
  const Problem& p = problem();
  const int threads = static_cast<int>(state.range(0));
  aumtrain::AumLoss loss(aumtrain::Denominator::rate, threads);
  aumtrain::LinearObjective objective(data_of(p), loss, threads);
  auto optimizer = aumtrain::optimizer_maker(spec.name).make(spec, step_size);
  aumtrain::TrainState train_state;
  train_state.model = start_model();
  train_state.score_gradient.resize(kRows);
  std::size_t events = 0;
  for (auto _ : state) {
    const auto& scores = train_state.up_to_date_scores(objective, aumtrain::SetName::subtrain);
    train_state.loss = objective.value_and_score_gradient(aumtrain::SetName::subtrain, scores,
                                                          train_state.score_gradient);
    events += optimizer->step(objective, train_state).events;
    ++train_state.iteration;
  }
  state.counters["events_per_iteration"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}

void BM_AumConstantIteration(benchmark::State& state) {
  aumtrain::OptimizerSpec spec;
  run_iterations(state, spec, 1e-3);
}

void BM_AumLineSearchIteration(benchmark::State& state) {
  aumtrain::OptimizerSpec spec;
  spec.name = "line_search";
  run_iterations(state, spec, std::nullopt);
}

BENCHMARK(BM_TwoMatrixVectorProducts)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AumConstantIteration)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AumLineSearchIteration)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
