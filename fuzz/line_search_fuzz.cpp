// Fuzzes the exact line search with small tie-heavy problems whose crossings can be found as
// exact fractions, and checks every row of the walk against that reference (steps, AUM and its
// slope after, AUC at and after the step, intersections and intervals), then that each stop rule
// chooses what the rule says on the whole path. A violation, a crash, a sanitizer report or any
// exception aborts (a finding).
//
// Input: byte 0 chooses the problem, then two bytes per example (three when weighted), at most
// kMaxExamples examples.
//   byte 0   bit 0: denominator rate, count; bit 1: weighted; bit 2: direction: the exact
//            prediction-space descent direction, or whole numbers from the input; bits 3-5:
//            scores range over -r..r with r = 1 + (bits & 7); bits 6-7: the max_events of the
//            capped rules, 1, 2, 5 or 1000
//   example  byte 1: bit 0: positive; bits 1-7: score level; byte 2: the whole-number direction
//            d in -8..8 (byte mod 17, minus 8); (weighted) byte 3: weight 1 to 4
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/line_search.hpp"
#include "fuzz_support.hpp"
#include "line_search_reference.hpp"

namespace {

using aumtrain::fuzzing::require;
using aumtrain::testing::Reference;
using aumtrain::testing::ReferenceRow;

constexpr std::size_t kMaxExamples = 14;
constexpr std::size_t kCaps[4] = {1, 2, 5, 1000};

struct Problem {
  std::vector<std::int64_t> scores, units;
  std::vector<double> score_values, direction;
  aumtrain::BinaryTargets targets;
  aumtrain::Denominators denominators;
  double per_one = 1.0;  // direction = units / per_one
  std::size_t cap = 1;
};

bool close(double a, double b, double tolerance) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= tolerance;
}

// Whole-number directions from the input, or the exact descent direction on its grid.
bool make_direction(Problem& p, bool descent, const std::vector<std::int64_t>& input_units) {
  if (!descent) {
    p.units = input_units;
    for (const auto u : p.units) p.direction.push_back(static_cast<double>(u));
    return true;
  }
  p.direction.resize(p.scores.size());
  aumtrain::exact_prediction_direction(p.score_values, p.targets.error_diffs, p.denominators,
                                       p.direction);
  p.per_one = 2.0 * p.denominators.fp * p.denominators.fn;
  for (const double d : p.direction) {
    const double u = std::nearbyint(d * p.per_one);
    require(u / p.per_one == d, "the exact descent direction is on the grid 1 / (2 D_fp D_fn)");
    p.units.push_back(static_cast<std::int64_t>(u));
  }
  return true;
}

bool decode(const std::uint8_t* data, std::size_t size, Problem& p) {
  if (size < 1) return false;
  const std::uint8_t settings = data[0];
  const bool weighted = settings & 2;
  const int range = 1 + ((settings >> 3) & 7);
  p.cap = kCaps[settings >> 6];
  std::vector<double> labels, weights;
  std::vector<std::int64_t> units;
  const std::size_t stride = weighted ? 3 : 2;
  for (std::size_t at = 1; at + stride <= size && labels.size() < kMaxExamples; at += stride) {
    labels.push_back(data[at] & 1);
    p.scores.push_back(static_cast<std::int64_t>((data[at] >> 1) % (2 * range + 1)) - range);
    p.score_values.push_back(static_cast<double>(p.scores.back()));
    units.push_back(static_cast<std::int64_t>(data[at + 1] % 17) - 8);
    if (weighted) weights.push_back(1 + (data[at + 2] & 3));
  }
  if (labels.empty()) return false;
  p.targets = aumtrain::make_binary_targets(labels, weights);
  const auto denominator = settings & 1 ? aumtrain::Denominator::count : aumtrain::Denominator::rate;
  if (denominator == aumtrain::Denominator::rate &&
      (!(p.targets.positive_weight > 0) || !(p.targets.negative_weight > 0))) {
    return false;
  }
  p.denominators = aumtrain::make_denominators(p.targets.error_diffs, denominator);
  return make_direction(p, settings & 4, units);
}

void check_path(const std::vector<aumtrain::LineSearchRow>& rows,
                const std::vector<ReferenceRow>& reference) {
  require(rows.size() == reference.size(), "as many rows as distinct crossing steps, plus row 0");
  const double scale = std::max(1.0, reference[0].aum);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& row = rows[k];
    const auto& want = reference[k];
    require(close(row.step_size, want.step, 1e-12 * std::abs(want.step)), "step size");
    require(close(row.aum, want.aum, 1e-12 * scale), "AUM at the step");
    require(row.aum >= 0, "AUM is never negative");
    require(close(row.aum_slope_after, want.slope, 1e-9 * std::max(1.0, std::abs(want.slope))),
            "the slope of AUM after the step");
    require(close(row.auc, want.auc, 1e-12), "AUC at the step");
    require(close(row.auc_after, want.auc_after, 1e-12), "AUC after the step");
    require(row.intersections == want.intersections, "intersections");
    require(row.intervals == want.intervals, "intervals");
  }
}

// What each stop rule must choose, read off the whole path.
void check_stop_rules(aumtrain::LineSearch& search, const Problem& p,
                      const std::vector<aumtrain::LineSearchRow>& path) {
  using aumtrain::LineSearchStop;
  auto run = [&](LineSearchStop stop, std::size_t cap) {
    return search.run(p.score_values, p.direction, p.targets.error_diffs, p.denominators,
                      {stop, 1, cap});
  };
  std::size_t first_flat = 0;
  while (first_flat + 1 < path.size() && path[first_flat].aum_slope_after < 0) ++first_flat;
  require(run(LineSearchStop::min_aum, 0).chosen_row == first_flat,
          "min_aum chooses the first row whose slope after is >= 0");
  // With a cap of K events, the rows walked are 0..K; the least AUM among them (earliest).
  const auto capped = run(LineSearchStop::least_aum_within_cap, p.cap);
  const std::size_t walked = std::min(path.size(), p.cap + 1);
  std::size_t least = 0;
  for (std::size_t k = 1; k < walked; ++k) {
    if (path[k].aum < path[least].aum) least = k;
  }
  require(close(capped.chosen.aum, path[least].aum, 1e-12 * std::max(1.0, path[0].aum)),
          "the capped walk chooses the least AUM among the rows it walked");
  // max_auc: the first interval with the largest auc_after before a drop of more than 1e-6.
  std::size_t best = 0;
  for (std::size_t k = 1; k < path.size(); ++k) {
    if (path[k].auc_after < path[best].auc_after - 1e-6) break;
    if (path[k].auc_after > path[best].auc_after) best = k;
  }
  const auto max_auc = run(LineSearchStop::max_auc, 0);
  require(max_auc.chosen_row == best, "max_auc chooses the interval of the largest AUC");
  // The last interval ends, for this purpose, at twice its start (at 1 when it starts at 0).
  const double end = best + 1 < path.size() ? path[best + 1].step_size
                     : path[best].step_size > 0 ? 2 * path[best].step_size
                                                : 1.0;
  require(close(max_auc.chosen.step_size, 0.5 * (path[best].step_size + end),
                1e-12 * std::max(1.0, end)),
          "max_auc's step is the middle of that interval");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aumtrain::fuzzing::expect_only_aumtrain_errors([&] {
    Problem p;
    if (!decode(data, size, p)) return;
    aumtrain::LineSearch search;
    std::vector<aumtrain::LineSearchRow> path;
    const auto whole = search.run(p.score_values, p.direction, p.targets.error_diffs,
                                  p.denominators, {aumtrain::LineSearchStop::rows, 1u << 20, 0},
                                  [&](const aumtrain::LineSearchRow& row) { path.push_back(row); });
    require(whole.rows == path.size() && whole.events + 1 == path.size(), "rows and events");
    Reference reference(p.scores, p.units, p.per_one, p.targets.error_diffs, p.denominators);
    check_path(path, reference.rows());
    check_stop_rules(search, p, path);
  });
  return 0;
}
