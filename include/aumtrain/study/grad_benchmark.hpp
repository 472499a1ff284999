// The original R study's comparison of explicit gradients with autograd (its "Time comparison"), in
// C++: the time and memory to get the mean-gradient vector of AUM from the two raw vectors, by the
// explicit kernel and by libtorch autograd, beside std::sort of the same N doubles, for N from 1e2
// upwards.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aumtrain {

/// Settings of the study (`aumtrain bench-grad`).
struct GradBenchmarkParams {
  /// Smallest N (--min-n, default 1e2, >= 2). N runs over floor(10^(k/5)) between the bounds.
  double min_n = 1e2;
  /// Largest N (--max-n, default 1e7, >= min_n, at most 1e9).
  double max_n = 1e7;
  /// A method stops growing N once its median time passes this many seconds (--seconds-limit,
  /// default 1, > 0), like the R study's atime(seconds.limit = 1).
  double seconds_limit = 1.0;
  /// Timed runs per (N, method) after one untimed run (--reps, default 10, 1 to 1000).
  int reps = 10;
  /// Threads for the explicit kernel and for libtorch alike (--threads, default 1, 1 to 256).
  int threads = 1;
  /// Whether to time libtorch autograd (needs a build with libtorch).
  bool autograd = true;

  /// Throws ConfigError naming the option and the allowed range.
  void validate() const;
};

enum class GradMethod { explicit_gradient, autograd, std_sort };

/// "explicit", "autograd" or "std_sort".
std::string_view method_name(GradMethod method);

/// One (N, method) measurement.
struct GradTiming {
  std::size_t n = 0;
  GradMethod method = GradMethod::explicit_gradient;
  double median_seconds = 0;
  double q25_seconds = 0;
  double q75_seconds = 0;
  /// Peak resident memory above the level before the untimed run, when Linux lets it be read.
  std::optional<std::size_t> peak_bytes;
  /// max |explicit - autograd| over the gradient at this N, on the explicit and autograd rows
  /// when both methods ran at this N.
  std::optional<double> max_abs_diff;
};

/// The N of the grid: floor(10^(k/5)) for every integer k with min_n <= 10^(k/5) <= max_n.
std::vector<std::size_t> grad_benchmark_sizes(double min_n, double max_n);

/// Quantile of sorted values, interpolated as R's default (type 7).
double quantile(std::span<const double> sorted, double probability);

/// How time grows with N, estimated from the larger sizes.
struct ComplexityEstimate {
  double slope = 0;                   ///< least-squares slope of log(seconds) against log(N)
  std::string_view best_class = "?";  ///< closest of 1, log N, N, N log N, N^2, N^3; "?": too few
  std::size_t n_from = 0;             ///< the sizes the estimate used
  std::size_t n_to = 0;
};

/// Fits seconds = c f(N) in log space for each reference class f over the upper half (in log N)
/// of the sizes, at least three of them (as atime's references_best compares a method with
/// reference curves through its largest sizes), and returns the class with the smallest
/// squared error together with the log-log slope over the same sizes.
ComplexityEstimate estimate_complexity(std::span<const std::size_t> n,
                                       std::span<const double> seconds);

/// The study's problem of size n, set up as in the R study: scores ~ N(0, 1) drawn with seed 1
/// (std::mt19937_64), labels alternating 0, 1.
struct GradBenchmarkProblem {
  std::vector<double> scores;
  std::vector<double> labels;
};
GradBenchmarkProblem grad_benchmark_problem(std::size_t n);

/// Runs the study: for each N (ascending) and each method still below the seconds limit, one
/// untimed run (which measures peak memory and gives the gradient that is compared) and then
/// `reps` timed runs. Scores ~ N(0, 1) drawn with seed 1, labels alternating 0, 1, denominator
/// rate. on_timing (if set) is called after each measurement.
std::vector<GradTiming> run_grad_benchmark(
    const GradBenchmarkParams& params,
    const std::function<void(const GradTiming&)>& on_timing = {});

}  // namespace aumtrain
