// Fuzzes AumKernel with scores drawn from a few distinct values (so that ties are the rule),
// 0/1 labels and optional weights, and checks what the math promises:
//   - AUM is finite and >= 0 and matches the brute-force integral of min(FP, FN);
//   - AUC is NaN without both classes, else in [0, 1] and equal to the brute-force pair count;
//   - summary, details and value_and_gradient give the same AUM and AUC to the bit, and the
//     gradient is the mean of the left and right derivatives;
//   - DistributedAumKernel on one rank gives the same gradient, AUM and AUC to the bit;
//   - the left and right derivatives equal the one-sided difference quotients of AUM for a
//     step below the smallest gap between distinct scores;
//   - the ROC table has a row per distinct threshold plus one, FPR rising and FNR falling from
//     (0, FN total) to (FP total, 0).
// A violation, a crash, a sanitizer report or any exception aborts (a finding).
//
// Input: byte 0 chooses the problem, byte 1 the number of distinct scores, then one byte per
// example (two when weighted), at most kMaxExamples examples.
//   byte 0   bit 0: denominator rate, count; bit 1: weighted; bits 2-4: scale; bits 5-7: offset
//   byte 1   distinct scores: 1 + (byte & 15)
//   example  bit 0: positive; bits 1-7: score level, modulo the distinct scores
//            (weighted) a second byte: bits 0-2 weight
// The score of level k is offset + scale * (k - 7). Scales and offsets keep every gap between
// distinct scores many ulps wide, so that the difference quotients are well defined.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/distributed_aum.hpp"
#include "fuzz_support.hpp"
#include "test_helpers.hpp"

namespace {

using aumtrain::fuzzing::require;

constexpr std::size_t kMaxExamples = 1024;
// Examples with the same score and the same diff row have the same derivatives, so the
// difference quotients (two kernel calls each) are checked once per such pair, at most this often.
constexpr std::size_t kMaxQuotientChecks = 64;
// The brute-force AUC visits every pair.
constexpr std::size_t kMaxBruteForceAucExamples = 300;
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr double kScales[8] = {1.0, 0.37, 1e-3, 1e3, 1e-200, 1e200, 3.1e-5, 1.0 / 3.0};
constexpr double kOffsets[8] = {0.0, 0.5, -3.0, 1000.0, -0.3, 7.25, 1e-3, -1000.0};
// Every weight but 1e-3 is a multiple of 1/4, so sums of them are exact; 1e-3 makes them round.
constexpr double kWeights[8] = {0.0, 0.5, 1.0, 1.0, 2.0, 3.25, 1e-3, 7.0};

struct Problem {
  std::vector<double> scores;
  aumtrain::BinaryTargets targets;
  aumtrain::Denominator denominator = aumtrain::Denominator::rate;
};

Problem decode(const std::uint8_t* data, std::size_t size) {
  Problem problem;
  const std::uint8_t settings = data[0];
  const int distinct = 1 + (data[1] & 15);
  const bool weighted = settings & 2;
  const double scale = kScales[(settings >> 2) & 7];
  const double offset = kOffsets[(settings >> 5) & 7];
  problem.denominator = settings & 1 ? aumtrain::Denominator::count : aumtrain::Denominator::rate;
  std::vector<std::uint8_t> is_positive;
  std::vector<double> weights;
  const std::size_t stride = weighted ? 2 : 1;
  for (std::size_t at = 2; at + stride <= size && is_positive.size() < kMaxExamples; at += stride) {
    const int level = (data[at] >> 1) % distinct;
    problem.scores.push_back(offset + scale * (level - 7));
    is_positive.push_back(data[at] & 1);
    if (weighted) weights.push_back(kWeights[data[at + 1] & 7]);
  }
  problem.targets = aumtrain::make_binary_targets_from_flags(std::move(is_positive), std::move(weights));
  return problem;
}

void check(const Problem& problem) {
  const std::vector<double>& scores = problem.scores;
  const aumtrain::ErrorDiffs& diffs = problem.targets.error_diffs;
  const std::size_t n = scores.size();
  const bool both_classes = diffs.fp_total > 0 && diffs.fn_total > 0;
  if (n == 0 || (problem.denominator == aumtrain::Denominator::rate && !both_classes)) return;
  const aumtrain::Denominators den = aumtrain::make_denominators(diffs, problem.denominator);

  aumtrain::AumKernel kernel;
  const aumtrain::AumDetails details = kernel.details(scores, diffs, den);
  const aumtrain::AumSummary summary = kernel.summary(scores, diffs, den);
  std::vector<double> gradient(n);
  const double aum = kernel.value_and_gradient(scores, diffs, den, gradient);

  require(std::isfinite(details.aum) && details.aum >= 0, "AUM is finite and >= 0");
  require(summary.aum == details.aum && aum == details.aum,
          "summary, details and value_and_gradient give the same AUM");
  require(gradient == details.gradient, "value_and_gradient gives the details' gradient");
  require(summary.auc == details.auc || (std::isnan(summary.auc) && std::isnan(details.auc)),
          "summary and details give the same AUC");
  aumtrain::SingleProcessCommunicator one_rank;
  aumtrain::DistributedAumKernel distributed(one_rank);
  std::vector<double> distributed_gradient(n);
  require(distributed.value_and_gradient(scores, diffs, den, distributed_gradient) == aum &&
              distributed_gradient == gradient,
          "the distributed kernel on one rank gives the same AUM and gradient");
  const aumtrain::AumSummary distributed_summary = distributed.summary(scores, diffs, den);
  require(distributed_summary.aum == summary.aum &&
              (distributed_summary.auc == summary.auc ||
               (std::isnan(distributed_summary.auc) && std::isnan(summary.auc))),
          "the distributed kernel on one rank gives the same summary");
  // With exact sums the results are exact. With 1e-3 weights the kernel's running FP and FN
  // sums (in threshold order) can differ from the totals (in input order) by a few ulps; the
  // kernel keeps FP and FN within their totals and AUC within [0, 1], and the rest is tolerated.
  const bool exact_sums = std::all_of(problem.targets.weight.begin(), problem.targets.weight.end(),
                                      [](double w) { return std::floor(4 * w) == 4 * w; });
  const double sum_rounding = exact_sums ? 0.0 : 4 * kEpsilon * static_cast<double>(n);
  if (both_classes) {
    require(details.auc >= 0 && details.auc <= 1, "AUC is in [0, 1]");
    if (n <= kMaxBruteForceAucExamples) {
      require(std::abs(details.auc - aumtrain::testing::brute_force_auc(scores, problem.targets)) <=
                  64 * kEpsilon * static_cast<double>(n),
              "AUC equals the brute-force count of ordered pairs");
    }
  } else {
    require(std::isnan(details.auc), "AUC is NaN when a class has no weight");
  }

  // Rounding bound: every AUM term is at most the largest error value (M) times a threshold
  // difference, and each of the n sums and G threshold differences rounds by one ulp of M * S.
  std::set<double> distinct_scores;
  double largest_score = 0;
  for (double s : scores) {
    distinct_scores.insert(s + 0.0);
    largest_score = std::max(largest_score, std::abs(s));
  }
  const double largest_error = std::max(diffs.fp_total / den.fp, diffs.fn_total / den.fn);
  const double aum_tolerance = 64 * kEpsilon * static_cast<double>(n + distinct_scores.size() + 2) *
                               largest_error * largest_score;
  require(std::abs(details.aum - aumtrain::testing::brute_force_aum(scores, diffs, den)) <=
              aum_tolerance,
          "AUM equals the brute-force integral of min(FP, FN)");

  const aumtrain::RocCurve& roc = details.roc;
  require(roc.size() == distinct_scores.size() + 1, "a ROC row per distinct threshold, plus one");
  require(roc.fpr.front() == 0 && roc.fnr.front() == diffs.fn_total / den.fn &&
              roc.fpr.back() == diffs.fp_total / den.fp && roc.fnr.back() == 0,
          "the ROC table runs from (0, FN total) to (FP total, 0)");
  const double row_rounding = sum_rounding * largest_error;
  for (std::size_t k = 1; k < roc.size(); ++k) {
    require(roc.fpr[k] >= roc.fpr[k - 1] - row_rounding && roc.fnr[k] <= roc.fnr[k - 1] + row_rounding,
            "FPR never falls and FNR never rises along the ROC table");
  }

  const double gap = aumtrain::testing::smallest_gap(scores);
  const double step = std::isfinite(gap) ? gap / 4 : 0.25 * std::max(1.0, largest_score);
  const double quotient_tolerance = 2 * aum_tolerance / step + 64 * kEpsilon * largest_error;
  std::vector<double> moved = scores;
  auto aum_at = [&](std::size_t i, double score) {
    moved[i] = score;
    const double value = kernel.summary(moved, diffs, den).aum;
    moved[i] = scores[i];
    return value;
  };
  for (std::size_t i = 0; i < n; ++i) {
    require(details.gradient[i] == 0.5 * (details.left[i] + details.right[i]),
            "the gradient is the mean of the left and right derivatives");
    require(details.total_error.threshold[i] == -scores[i], "an example's threshold is -score");
  }
  std::set<std::pair<double, std::uint32_t>> checked;  // (score, diff row)
  for (std::size_t i = 0; i < n && checked.size() < kMaxQuotientChecks; ++i) {
    if (!checked.emplace(scores[i] + 0.0, diffs.row_of_example[i]).second) continue;
    const double up = scores[i] + step, down = scores[i] - step;
    const double right_quotient = (aum_at(i, up) - details.aum) / (up - scores[i]);
    const double left_quotient = (details.aum - aum_at(i, down)) / (scores[i] - down);
    require(std::abs(details.right[i] - right_quotient) <= quotient_tolerance,
            "the right derivative equals the one-sided difference quotient");
    require(std::abs(details.left[i] - left_quotient) <= quotient_tolerance,
            "the left derivative equals the one-sided difference quotient");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Problem problem = decode(data, size);
  // Every input is valid: even an aumtrain::Error is a finding here.
  try {
    check(problem);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "finding: exception %s: %s\n",
                 aumtrain::fuzzing::type_name(error).c_str(), error.what());
    std::abort();
  }
  return 0;
}
