// AUM value + gradient beside std::sort of the same number of doubles.
//   build/bench/bench_aum --benchmark_min_time=1
// BM_AumValueAndGradient/N/T runs the kernel on T threads; times are wall-clock.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/study/grad_benchmark.hpp"

namespace {

// The study's problem (grad_benchmark_problem), with its labels turned into error diffs.
struct Problem {
  std::vector<double> scores;
  aumtrain::BinaryTargets targets;
};

Problem make_problem(std::size_t n) {
  aumtrain::GradBenchmarkProblem problem = aumtrain::grad_benchmark_problem(n);
  return {std::move(problem.scores), aumtrain::make_binary_targets(problem.labels)};
}

void BM_AumValueAndGradient(benchmark::State& state) {
  const Problem p = make_problem(static_cast<std::size_t>(state.range(0)));
  const auto denominators =
      aumtrain::make_denominators(p.targets.error_diffs, aumtrain::Denominator::rate);
  std::vector<double> gradient(p.scores.size());
  aumtrain::AumKernel kernel(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        kernel.value_and_gradient(p.scores, p.targets.error_diffs, denominators, gradient));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_StdSort(benchmark::State& state) {
  const Problem p = make_problem(static_cast<std::size_t>(state.range(0)));
  std::vector<double> copy(p.scores.size());
  for (auto _ : state) {
    std::copy(p.scores.begin(), p.scores.end(), copy.begin());
    std::sort(copy.begin(), copy.end());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_AumValueAndGradient)
    ->ArgsProduct({{1000, 10'000, 100'000, 1'000'000, 10'000'000}, {1, 2}})
    ->ArgNames({"N", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StdSort)
    ->RangeMultiplier(10)
    ->Range(1000, 10'000'000)
    ->ArgName("N")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
