// Trainer iterations on sparse X in compressed sparse row form, beside the two sparse
// matrix-vector products alone, for N = 1e5 and 1e6 rows, D = 1e4 and 1e5 features, K = 10 and
// 100 nonzeros per row:
//   build/bench/bench_sparse --benchmark_min_time=1 --benchmark_repetitions=3
//       --benchmark_report_aggregates_only=true
// Each benchmark's arguments are N/D/K/kind/threads, kind 0: X w and X^T g alone; 1: an AUM
// (rate) iteration; 2: a logistic iteration, both with constant steps: the loss's value and
// score gradient at the current scores, then X^T g and the update (the next iteration's X w
// included, as the trainer does). The rows are those `aumtrain make-data --sparse` draws: K
// distinct columns per row, values N(0, 1) plus 0.3 in positive rows on the first tenth of the
// columns, positives with probability 0.1.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <tuple>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/data/split.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/model/losses.hpp"
#include "aumtrain/train/objective.hpp"
#include "aumtrain/train/optimizer.hpp"

namespace {

struct SparseProblem {
  std::int64_t rows = 0, cols = 0, per_row = 0;
  std::vector<std::int64_t> row_start;
  std::vector<std::int32_t> column;
  std::vector<double> value;
  std::vector<std::uint32_t> order;
  aumtrain::FeatureMap map;
  aumtrain::BinaryTargets targets;

  aumtrain::SparseRowsView view() const {
    return {rows, cols, row_start.data(), column.data(), value.data(), order.data()};
  }
};

// One problem at a time (the largest holds 1e8 nonzeros, 1.2 GB): benchmarks are registered so
// that those of one problem run one after another.
const SparseProblem& problem(std::int64_t rows, std::int64_t cols, std::int64_t per_row) {
  static std::unique_ptr<SparseProblem> p;
  if (p && std::tie(p->rows, p->cols, p->per_row) == std::tie(rows, cols, per_row)) return *p;
  p.reset();
  auto q = std::make_unique<SparseProblem>();
  q->rows = rows;
  q->cols = cols;
  q->per_row = per_row;
  aumtrain::SplitMix64 rng(1);
  const auto positive_below = static_cast<std::uint64_t>(0.1 * 0x1.0p64);
  const std::int64_t informative = (cols + 9) / 10;
  q->row_start.reserve(static_cast<std::size_t>(rows) + 1);
  q->row_start.push_back(0);
  q->column.reserve(static_cast<std::size_t>(rows * per_row));
  q->value.reserve(static_cast<std::size_t>(rows * per_row));
  std::vector<double> labels(static_cast<std::size_t>(rows));
  std::vector<std::int32_t> picked;
  for (std::int64_t i = 0; i < rows; ++i) {
    const bool positive = rng.next() < positive_below;
    labels[static_cast<std::size_t>(i)] = positive ? 1.0 : 0.0;
    picked.clear();
    while (static_cast<std::int64_t>(picked.size()) < per_row) {
      const auto j = static_cast<std::int32_t>(rng.next() % static_cast<std::uint64_t>(cols));
      if (std::find(picked.begin(), picked.end(), j) == picked.end()) picked.push_back(j);
    }
    std::sort(picked.begin(), picked.end());
    for (const std::int32_t j : picked) {
      q->column.push_back(j);
      q->value.push_back(rng.normal() + (positive && j < informative ? 0.3 : 0.0));
    }
    q->row_start.push_back(static_cast<std::int64_t>(q->column.size()));
  }
  q->order.resize(static_cast<std::size_t>(rows));
  for (std::size_t r = 0; r < q->order.size(); ++r) q->order[r] = static_cast<std::uint32_t>(r);
  q->targets = aumtrain::make_binary_targets(labels);
  q->map = aumtrain::FeatureMap::identity(static_cast<std::size_t>(cols));
  p = std::move(q);
  return *p;
}

// A start away from the tie at w = 0: the same random weights for every benchmark.
aumtrain::LinearModel start_weights(std::int64_t cols) {
  aumtrain::SplitMix64 rng(2);
  aumtrain::LinearModel model;
  model.weights = Eigen::VectorXd::NullaryExpr(cols, [&] { return 0.1 * rng.normal(); });
  return model;
}

void BM_Sparse(benchmark::State& state) {
  const SparseProblem& p = problem(state.range(0), state.range(1), state.range(2));
  const std::int64_t kind = state.range(3);
  const int threads = static_cast<int>(state.range(4));
  const aumtrain::SparseRowsView x = p.view();
  const auto n = static_cast<std::size_t>(p.rows);
  if (kind == 0) {
    const aumtrain::LinearModel model = start_weights(p.cols);
    std::vector<double> scores(n), g(n, 1e-6);
    Eigen::VectorXd weight_gradient(p.cols);
    double intercept_gradient = 0;
    for (auto _ : state) {
      model.scores(x, p.map, scores, threads);
      aumtrain::parameter_gradient(x, p.map, g, weight_gradient, intercept_gradient, threads);
      benchmark::DoNotOptimize(weight_gradient.data());
    }
    state.SetLabel("X w and X^T g");
    return;
  }
  std::unique_ptr<aumtrain::Loss> loss;
  if (kind == 1) {
    loss = std::make_unique<aumtrain::AumLoss>(aumtrain::Denominator::rate, threads);
  } else {
    loss = std::make_unique<aumtrain::LogisticLoss>();
  }
  const aumtrain::LabeledRows rows{aumtrain::FeatureRows(x), &p.targets};
  aumtrain::LinearObjective objective({rows, rows, rows, &p.map}, *loss, threads);
  aumtrain::OptimizerSpec spec;
  auto optimizer = aumtrain::optimizer_maker(spec.name).make(spec, 1e-3);
  aumtrain::TrainState train_state;
  train_state.model = start_weights(p.cols);
  train_state.score_gradient.resize(n);
  for (auto _ : state) {
    const auto& scores = train_state.up_to_date_scores(objective, aumtrain::SetName::subtrain);
    train_state.loss = objective.value_and_score_gradient(aumtrain::SetName::subtrain, scores,
                                                          train_state.score_gradient);
    optimizer->step(objective, train_state);
    ++train_state.iteration;
  }
  state.SetLabel(kind == 1 ? "AUM iteration" : "logistic iteration");
}

void sparse_grid(benchmark::internal::Benchmark* b) {
  for (const std::int64_t rows : {100'000, 1'000'000}) {
    for (const std::int64_t cols : {10'000, 100'000}) {
      for (const std::int64_t per_row : {10, 100}) {
        for (const std::int64_t kind : {0, 1, 2}) {
          for (const std::int64_t threads : {1, 2}) b->Args({rows, cols, per_row, kind, threads});
        }
      }
    }
  }
  b->ArgNames({"N", "D", "K", "kind", "threads"});
}

BENCHMARK(BM_Sparse)->Apply(sparse_grid)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
