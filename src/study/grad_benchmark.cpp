#include "aumtrain/study/grad_benchmark.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/study/autograd_aum.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/study/peak_memory.hpp"

namespace aumtrain {
namespace {

constexpr double kLargestN = 1e9;

// floor(10^(k/5)), guarding against 10^3 coming out as 999.999...
std::size_t grid_size(int k) {
  const double value = std::pow(10.0, k / 5.0);
  return static_cast<std::size_t>(std::floor(value * (1 + 1e-12)));
}

// One method's work for one N; `first` is true for the untimed run.
struct MethodRun {
  GradMethod method;
  std::function<void(bool first)> run;
};

GradTiming measure(std::size_t n, const MethodRun& method, int reps) {
  GradTiming timing;
  timing.n = n;
  timing.method = method.method;
  {
    const PeakMemoryProbe probe;
    method.run(true);
    timing.peak_bytes = probe.extra_bytes();
  }
  std::vector<double> seconds;
  for (int r = 0; r < reps; ++r) {
    const auto start = std::chrono::steady_clock::now();
    method.run(false);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  timing.median_seconds = quantile(seconds, 0.5);
  timing.q25_seconds = quantile(seconds, 0.25);
  timing.q75_seconds = quantile(seconds, 0.75);
  return timing;
}

}  // namespace

// The original R study's setup: set.seed(1); pred_vec = rnorm(N); label_vec = rep(0:1, l = N).
GradBenchmarkProblem grad_benchmark_problem(std::size_t n) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  GradBenchmarkProblem problem;
  problem.scores.resize(n);
  problem.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    problem.scores[i] = normal(rng);
    problem.labels[i] = static_cast<double>(i % 2);
  }
  return problem;
}

void GradBenchmarkParams::validate() const {
  if (!(min_n >= 2) || !(min_n <= kLargestN)) {
    throw ConfigError(
        fmt::format("--min-n is {}; it must be between 2 and {:g}", min_n, kLargestN));
  }
  if (!(max_n >= min_n) || !(max_n <= kLargestN)) {
    throw ConfigError(fmt::format("--max-n is {}; it must be between --min-n ({}) and {:g}", max_n,
                                  min_n, kLargestN));
  }
  if (grad_benchmark_sizes(min_n, max_n).empty()) {
    throw ConfigError(fmt::format(
        "no N of the grid 10^(k/5) lies between --min-n {} and --max-n {}; widen the range", min_n,
        max_n));
  }
  if (!(seconds_limit > 0) || !std::isfinite(seconds_limit)) {
    throw ConfigError(fmt::format("--seconds-limit is {}; it must be a positive number of seconds",
                                  seconds_limit));
  }
  if (reps < 1 || reps > 1000) {
    throw ConfigError(fmt::format("--reps is {}; it must be between 1 and 1000", reps));
  }
  if (threads < 1 || threads > 256) {
    throw ConfigError(fmt::format("--threads is {}; it must be between 1 and 256", threads));
  }
}

std::string_view method_name(GradMethod method) {
  switch (method) {
    case GradMethod::explicit_gradient:
      return "explicit";
    case GradMethod::autograd:
      return "autograd";
    case GradMethod::std_sort:
      return "std_sort";
  }
  return "?";
}

std::vector<std::size_t> grad_benchmark_sizes(double min_n, double max_n) {
  std::vector<std::size_t> sizes;
  if (!(min_n > 0) || !(max_n >= min_n)) return sizes;
  for (int k = static_cast<int>(std::floor(5 * std::log10(min_n))) - 1;
       k <= static_cast<int>(std::ceil(5 * std::log10(max_n))) + 1; ++k) {
    const std::size_t n = grid_size(k);
    const double exact = std::pow(10.0, k / 5.0);
    if (exact * (1 + 1e-12) >= min_n && exact <= max_n * (1 + 1e-12) && n >= 1) {
      sizes.push_back(n);
    }
  }
  return sizes;
}

double quantile(std::span<const double> sorted, double probability) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = (static_cast<double>(sorted.size()) - 1) * probability;
  const auto low = static_cast<std::size_t>(std::floor(h));
  if (low + 1 >= sorted.size()) return sorted.back();
  return sorted[low] + (h - static_cast<double>(low)) * (sorted[low + 1] - sorted[low]);
}

ComplexityEstimate estimate_complexity(std::span<const std::size_t> n,
                                       std::span<const double> seconds) {
  ComplexityEstimate estimate;
  estimate.slope = std::numeric_limits<double>::quiet_NaN();
  if (n.size() != seconds.size() || n.size() < 2) return estimate;
  // The upper half of the sizes in log N, and at least three points.
  const double middle =
      0.5 * (std::log(static_cast<double>(n.front())) + std::log(static_cast<double>(n.back())));
  std::size_t first = 0;
  while (first < n.size() && std::log(static_cast<double>(n[first])) < middle) ++first;
  first = std::min(first, n.size() >= 3 ? n.size() - 3 : std::size_t{0});
  std::vector<double> log_n, log_t;
  for (std::size_t i = first; i < n.size(); ++i) {
    if (!(seconds[i] > 0)) continue;
    log_n.push_back(std::log(static_cast<double>(n[i])));
    log_t.push_back(std::log(seconds[i]));
  }
  if (log_n.size() < 2) return estimate;
  estimate.n_from = n[first];
  estimate.n_to = n.back();

  const double count = static_cast<double>(log_n.size());
  double mean_x = 0, mean_y = 0;
  for (std::size_t i = 0; i < log_n.size(); ++i) {
    mean_x += log_n[i] / count;
    mean_y += log_t[i] / count;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < log_n.size(); ++i) {
    sxy += (log_n[i] - mean_x) * (log_t[i] - mean_y);
    sxx += (log_n[i] - mean_x) * (log_n[i] - mean_x);
  }
  estimate.slope = sxx > 0 ? sxy / sxx : std::numeric_limits<double>::quiet_NaN();

  struct Reference {
    const char* name;
    double (*log_f)(double log_n);
  };
  static constexpr std::array<Reference, 6> references = {{
      {"1", [](double) { return 0.0; }},
      {"log N", [](double x) { return std::log(x); }},
      {"N", [](double x) { return x; }},
      {"N log N", [](double x) { return x + std::log(x); }},
      {"N^2", [](double x) { return 2 * x; }},
      {"N^3", [](double x) { return 3 * x; }},
  }};
  double best_error = std::numeric_limits<double>::infinity();
  for (const Reference& reference : references) {
    double offset = 0;  // log c: the mean residual
    for (std::size_t i = 0; i < log_n.size(); ++i) {
      offset += (log_t[i] - reference.log_f(log_n[i])) / count;
    }
    double error = 0;
    for (std::size_t i = 0; i < log_n.size(); ++i) {
      const double residual = log_t[i] - offset - reference.log_f(log_n[i]);
      error += residual * residual;
    }
    if (error < best_error) {
      best_error = error;
      estimate.best_class = reference.name;
    }
  }
  return estimate;
}

std::vector<GradTiming> run_grad_benchmark(
    const GradBenchmarkParams& params, const std::function<void(const GradTiming&)>& on_timing) {
  params.validate();
  std::vector<GradMethod> methods = {GradMethod::explicit_gradient};
  if (params.autograd) {
    set_autograd_threads(params.threads);  // throws when there is no libtorch
    methods.push_back(GradMethod::autograd);
  }
  methods.push_back(GradMethod::std_sort);
  std::vector<bool> stopped(methods.size(), false);

  std::vector<GradTiming> timings;
  for (const std::size_t n : grad_benchmark_sizes(params.min_n, params.max_n)) {
    if (std::all_of(stopped.begin(), stopped.end(), [](bool s) { return s; })) break;
    const GradBenchmarkProblem problem = grad_benchmark_problem(n);
    std::vector<double> explicit_gradient(n), autograd_gradient(n), sorted;
    // Fresh: their storage counts in the first run's memory; later runs reuse it.
    AumKernel kernel(params.threads);
    ErrorDiffs diffs;
    const MethodRun runs[] = {
        {GradMethod::explicit_gradient,
         [&](bool) {
           // Everything from the two raw vectors: labels to error diffs, then the kernel.
           assign_binary_error_diffs(problem.labels, diffs);
           const Denominators denominators = make_denominators(diffs, Denominator::rate);
           kernel.value_and_gradient(problem.scores, diffs, denominators, explicit_gradient);
         }},
        {GradMethod::autograd,
         [&](bool) {
           autograd_aum_gradient(problem.scores, problem.labels, Denominator::rate,
                                 autograd_gradient);
         }},
        {GradMethod::std_sort,
         [&](bool first) {
           if (first) {
             sorted = problem.scores;  // the copy is this method's extra memory
           } else {
             std::copy(problem.scores.begin(), problem.scores.end(), sorted.begin());
           }
           std::sort(sorted.begin(), sorted.end());
         }},
    };
    const std::size_t first_row = timings.size();
    bool explicit_ran = false, autograd_ran = false;
    for (std::size_t m = 0; m < methods.size(); ++m) {
      if (stopped[m]) continue;
      const MethodRun& run =
          *std::find_if(std::begin(runs), std::end(runs),
                        [&](const MethodRun& r) { return r.method == methods[m]; });
      timings.push_back(measure(n, run, params.reps));
      explicit_ran |= methods[m] == GradMethod::explicit_gradient;
      autograd_ran |= methods[m] == GradMethod::autograd;
      if (timings.back().median_seconds > params.seconds_limit) stopped[m] = true;
    }
    if (explicit_ran && autograd_ran) {
      double largest = 0;
      for (std::size_t i = 0; i < n; ++i) {
        largest = std::max(largest, std::abs(explicit_gradient[i] - autograd_gradient[i]));
      }
      for (std::size_t row = first_row; row < timings.size(); ++row) {
        if (timings[row].method != GradMethod::std_sort) timings[row].max_abs_diff = largest;
      }
    }
    if (on_timing) {
      for (std::size_t row = first_row; row < timings.size(); ++row) on_timing(timings[row]);
    }
  }
  return timings;
}

}  // namespace aumtrain
