// The exact line search on the problem of `aumtrain bench-grad` (scores ~ N(0, 1) drawn with
// seed 1, labels alternating 0, 1, rate), along the exact descent direction in prediction space:
//   build/bench/bench_line_search --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// BM_LineSearchRows/N walks N rows (row 0 included); BM_LineSearchMaxAuc/N walks to the max_auc
// stop. `events` is the number of crossings walked, `events_per_second` their rate.
//
//   build/bench/bench_line_search --write-problems DIR [--force]
// writes the same problems as scores files DIR/line_search_N.csv (columns pred,label) for other
// implementations to be timed on, and exits.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/line_search.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/study/grad_benchmark.hpp"

namespace {

constexpr std::size_t kRowSizes[] = {10'000, 100'000, 1'000'000};
constexpr std::size_t kMaxAucSizes[] = {1'000, 3'000, 10'000};

// The study's problem with its labels as error diffs and the descent direction.
struct Problem {
  std::vector<double> scores;
  aumtrain::BinaryTargets targets;
  aumtrain::Denominators denominators;
  std::vector<double> direction;
};

Problem make_problem(std::size_t n) {
  aumtrain::GradBenchmarkProblem raw = aumtrain::grad_benchmark_problem(n);
  Problem p{std::move(raw.scores), aumtrain::make_binary_targets(raw.labels), {}, {}};
  p.denominators = aumtrain::make_denominators(p.targets.error_diffs, aumtrain::Denominator::rate);
  p.direction.resize(n);
  aumtrain::exact_prediction_direction(p.scores, p.targets.error_diffs, p.denominators,
                                       p.direction);
  return p;
}

void run_walks(benchmark::State& state, const aumtrain::LineSearchParams& params) {
  const Problem p = make_problem(static_cast<std::size_t>(state.range(0)));
  aumtrain::LineSearch search;
  std::size_t events = 0;
  for (auto _ : state) {
    const aumtrain::LineSearchResult result = search.run(
        p.scores, p.direction, p.targets.error_diffs, p.denominators, params);
    events = result.events;
    benchmark::DoNotOptimize(result.chosen.step_size);
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_second"] = benchmark::Counter(
      static_cast<double>(events) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_LineSearchRows(benchmark::State& state) {
  run_walks(state, {aumtrain::LineSearchStop::rows, static_cast<std::size_t>(state.range(0)), 0});
}

void BM_LineSearchMaxAuc(benchmark::State& state) {
  run_walks(state, {aumtrain::LineSearchStop::max_auc, 1, 0});
}

BENCHMARK(BM_LineSearchRows)
    ->Arg(kRowSizes[0])
    ->Arg(kRowSizes[1])
    ->Arg(kRowSizes[2])
    ->ArgName("N")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LineSearchMaxAuc)
    ->Arg(kMaxAucSizes[0])
    ->Arg(kMaxAucSizes[1])
    ->Arg(kMaxAucSizes[2])
    ->ArgName("N")
    ->Unit(benchmark::kMillisecond);

// Writes every benchmark problem as a scores file; returns the process exit code.
int write_problems(const std::filesystem::path& directory, bool force) {
  std::vector<std::size_t> sizes(std::begin(kMaxAucSizes), std::end(kMaxAucSizes));
  sizes.insert(sizes.end(), std::begin(kRowSizes), std::end(kRowSizes));
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  for (const std::size_t n : sizes) {
    const std::filesystem::path file = directory / ("line_search_" + std::to_string(n) + ".csv");
    if (std::filesystem::exists(file) && !force) {
      std::fprintf(stderr, "error: %s exists; give --force to replace it\n", file.c_str());
      return 2;
    }
    const aumtrain::GradBenchmarkProblem problem = aumtrain::grad_benchmark_problem(n);
    std::string csv = "pred,label\n";
    for (std::size_t i = 0; i < n; ++i) {
      csv += aumtrain::format_number(problem.scores[i]) + "," +
             aumtrain::format_number(problem.labels[i]) + "\n";
    }
    aumtrain::write_file_atomically(file, csv);
    std::printf("wrote %s\n", file.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write-problems") != 0) continue;
    if (i + 1 >= argc) {
      std::fprintf(stderr, "error: --write-problems needs a directory\n");
      return 2;
    }
    bool force = false;
    for (int j = 1; j < argc; ++j) force = force || std::strcmp(argv[j], "--force") == 0;
    try {
      return write_problems(argv[i + 1], force);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: %s\n", error.what());
      return 4;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
