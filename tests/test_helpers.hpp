// Shared by the tests: brute-force references, random data with many ties, and a way to run the
// aumtrain executable.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <span>
#include <string>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain::testing {

/// The integral over the threshold t of min_at(t), a function that is constant between
/// consecutive distinct thresholds -s_i and is evaluated at the middle of each such interval.
template <class MinAt>
double integral_between_thresholds(std::span<const double> scores, MinAt&& min_at) {
  std::vector<double> thresholds;
  for (double s : scores) thresholds.push_back(-s);
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  double area = 0;
  for (std::size_t k = 0; k + 1 < thresholds.size(); ++k) {
    const double middle = 0.5 * (thresholds[k] + thresholds[k + 1]);
    area += min_at(middle) * (thresholds[k + 1] - thresholds[k]);
  }
  return area;
}

/// AUM as the integral of min(FP, FN) over the threshold, evaluating FP and FN at the middle of
/// every interval by direct sums over all examples: O(N^2), independent of the kernel.
inline double brute_force_aum(std::span<const double> scores, const ErrorDiffs& diffs,
                              Denominators denominators) {
  return integral_between_thresholds(scores, [&](double middle) {
    double fp = 0, fn = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (-scores[i] < middle) fp += diffs.diff(i).fp;
      if (-scores[i] > middle) fn += diffs.diff(i).fn;
    }
    return std::min(fp / denominators.fp, fn / denominators.fn);
  });
}

/// AUM from the labels (1 positive, anything else negative) and weights (empty: all 1) alone,
/// as brute_force_aum does but with no ErrorDiffs: FP sums the weights of the negatives below
/// the threshold and FN those of the positives above it, each divided, for the rate denominator,
/// by its own class's total weight summed here (FP by the negatives', FN by the positives').
/// Checks the error diffs and the denominators as well as the kernel.
inline double brute_force_aum_of_labels(std::span<const double> scores,
                                        std::span<const double> labels,
                                        std::span<const double> weights, Denominator denominator) {
  auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  double positive_total = 0, negative_total = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    (labels[i] == 1.0 ? positive_total : negative_total) += weight(i);
  }
  const bool rate = denominator == Denominator::rate;
  return integral_between_thresholds(scores, [&](double middle) {
    double fp = 0, fn = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (labels[i] != 1.0 && -scores[i] < middle) fp += weight(i);
      if (labels[i] == 1.0 && -scores[i] > middle) fn += weight(i);
    }
    return std::min(rate ? fp / negative_total : fp, rate ? fn / positive_total : fn);
  });
}

/// AUM and the left and right derivatives by the formulas of docs/math.md
/// ("False positives, false negatives and AUM", "Directional derivatives"): a stable comparison
/// sort of the thresholds, then one sequential pass over the tie groups. Independent of the
/// kernel's partition into buckets.
struct ReferenceDerivatives {
  double aum = 0;
  std::vector<double> left, right;
};

inline ReferenceDerivatives reference_derivatives(std::span<const double> scores,
                                                  const ErrorDiffs& diffs,
                                                  Denominators denominators) {
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  auto threshold = [&](std::size_t i) { return -scores[i] + 0.0; };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return threshold(a) < threshold(b); });
  auto min_of = [&](double fp, double fn) {
    return std::min(fp / denominators.fp, fn / denominators.fn);
  };
  ReferenceDerivatives out;
  out.left.resize(n);
  out.right.resize(n);
  double fp = 0, fn = diffs.fn_total, previous_threshold = 0, previous_min = 0;
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin;
    double fp_sum = 0, fn_sum = 0;
    for (; end < n && threshold(order[end]) == threshold(order[begin]); ++end) {
      fp_sum += diffs.diff(order[end]).fp;
      fn_sum += diffs.diff(order[end]).fn;
    }
    double fp_after = fp + fp_sum, fn_after = std::max(0.0, fn - fn_sum);
    if (end == n) fp_after = diffs.fp_total, fn_after = 0;
    const double min_before = min_of(fp, fn), min_after = min_of(fp_after, fn_after);
    if (begin > 0) out.aum += previous_min * (threshold(order[begin]) - previous_threshold);
    for (std::size_t k = begin; k < end; ++k) {
      const DiffRow& d = diffs.diff(order[k]);
      out.right[order[k]] = min_of(fp + d.fp, fn - d.fn) - min_before;
      out.left[order[k]] = min_after - min_of(fp_after - d.fp, fn_after + d.fn);
    }
    previous_threshold = threshold(order[begin]);
    previous_min = min_after;
    fp = fp_after;
    fn = fn_after;
    begin = end;
  }
  return out;
}

/// AUC as P(f_pos > f_neg) + P(f_pos = f_neg) / 2 over all weighted pairs.
inline double brute_force_auc(std::span<const double> scores, const BinaryTargets& targets) {
  double wins = 0, pairs = 0;
  for (std::size_t p = 0; p < scores.size(); ++p) {
    if (!targets.is_positive[p]) continue;
    for (std::size_t q = 0; q < scores.size(); ++q) {
      if (targets.is_positive[q]) continue;
      const double w = targets.weight_of(p) * targets.weight_of(q);
      pairs += w;
      wins += w * (scores[p] > scores[q] ? 1.0 : scores[p] == scores[q] ? 0.5 : 0.0);
    }
  }
  return wins / pairs;
}

/// The worked example of the line search: labels (0, 0, 0, 1, 1, 1), scores (2, 3, -1, 1, -2, 0),
/// denominator count, along the exact descent direction; three lines meet at one point at step 1.
/// Each row: step size, AUM, slope of AUM after it, AUC at it, AUC after it, intersections,
/// intervals.
inline const std::vector<std::vector<double>>& six_example_path() {
  static const std::vector<std::vector<double>> rows = {{0, 7, -4, 2.0 / 9, 2.0 / 9, 0, 0},
                                                        {1, 3, -2, 7.0 / 18, 5.0 / 9, 2, 3},
                                                        {1.5, 2, -2, 11.0 / 18, 2.0 / 3, 1, 1},
                                                        {2, 1, -2, 7.0 / 9, 8.0 / 9, 2, 2},
                                                        {2.5, 0, 0, 17.0 / 18, 1, 1, 1},
                                                        {3, 0, 0, 1, 1, 2, 2},
                                                        {4, 0, 0, 1, 1, 1, 1}};
  return rows;
}

/// Scores drawn from a few integers (so ties are common), and random 0/1 labels.
struct RandomProblem {
  std::vector<double> scores;
  std::vector<double> labels;
  std::vector<double> weights;  // empty unless asked for
};

inline RandomProblem random_problem(unsigned seed, std::size_t n, int distinct_scores,
                                    bool weighted = false) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> score(-distinct_scores / 2, distinct_scores / 2);
  std::bernoulli_distribution positive(0.4);
  std::uniform_int_distribution<int> weight(0, 4);
  RandomProblem problem;
  for (std::size_t i = 0; i < n; ++i) {
    problem.scores.push_back(score(rng));
    problem.labels.push_back(positive(rng) ? 1.0 : 0.0);
    if (weighted) problem.weights.push_back(0.5 * weight(rng));
  }
  return problem;
}

/// The smallest gap between two distinct scores (infinity when fewer than two distinct).
inline double smallest_gap(std::span<const double> scores) {
  std::vector<double> sorted(scores.begin(), scores.end());
  std::sort(sorted.begin(), sorted.end());
  double gap = INFINITY;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i] > sorted[i - 1]) gap = std::min(gap, sorted[i] - sorted[i - 1]);
  }
  return gap;
}

/// Central finite difference of f at x along coordinate i.
template <class F>
double central_difference(F&& f, std::vector<double> x, std::size_t i, double h) {
  const double x0 = x[i];
  x[i] = x0 + h;
  const double up = f(x);
  x[i] = x0 - h;
  const double down = f(x);
  return (up - down) / (2 * h);
}

/// A fresh empty directory under the system temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("aumtrain_test_" + std::to_string(device()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to a file in the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

/// The cells of a simple CSV file (no quoting), one vector per line.
inline std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

#ifdef AUMTRAIN_EXECUTABLE  // defined for the test suite; the fuzz targets use only the above
struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

/// Runs the aumtrain executable with `arguments` (a shell-quoted string) in `directory`.
inline CommandResult run_aumtrain(const std::string& arguments,
                                  const std::filesystem::path& directory = ".") {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("aumtrain_run_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string out_file = base.string() + ".out", err_file = base.string() + ".err";
  const std::string command = "cd '" + directory.string() + "' && '" AUMTRAIN_EXECUTABLE "' " +
                              arguments + " > '" + out_file + "' 2> '" + err_file + "' < /dev/null";
  const int status = std::system(command.c_str());
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out_file);
  result.err = slurp(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return result;
}

/// Starts aumtrain in `directory` with `arguments` without waiting for it; its standard output is
/// discarded and its standard error goes to `err_file`. Returns the child's process id.
inline pid_t start_aumtrain(const std::filesystem::path& directory,
                            const std::vector<std::string>& arguments,
                            const std::filesystem::path& err_file) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(directory.c_str()) != 0) _exit(120);
    if (!freopen("/dev/null", "w", stdout) || !freopen(err_file.c_str(), "w", stderr)) _exit(121);
    std::vector<char*> argv = {const_cast<char*>("aumtrain")};
    for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(AUMTRAIN_EXECUTABLE, argv.data());
    _exit(122);
  }
  return pid;
}
#endif  // AUMTRAIN_EXECUTABLE

}  // namespace aumtrain::testing
