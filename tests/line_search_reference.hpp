// A reference for the exact line search, shared by its tests and its fuzz target: for integer
// scores and whole-number directions it finds every crossing step as an exact fraction and the
// values of each row with the ordinary AUM kernel on integer-valued scores.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain::testing {

struct Fraction {
  std::int64_t p, q;  // q > 0
};
inline bool operator<(Fraction x, Fraction y) { return x.p * y.q < y.p * x.q; }
inline bool operator==(Fraction x, Fraction y) { return x.p * y.q == y.p * x.q; }

struct ReferenceRow {
  double step, aum, slope, auc, auc_after;
  std::size_t intersections, intervals;
};

// Scores are integers; direction = units / per_one with integer units. Steps are found in the
// unit t' = t / per_one, where every threshold q a + p b is an integer at t' = p / q.
class Reference {
 public:
  Reference(const std::vector<std::int64_t>& scores, const std::vector<std::int64_t>& units,
            double per_one, const ErrorDiffs& diffs, Denominators denominators)
      : scores_(scores), units_(units), per_one_(per_one), diffs_(diffs), den_(denominators) {}

  std::vector<ReferenceRow> rows() {
    const std::vector<Fraction> steps = crossing_steps();
    std::vector<ReferenceRow> rows;
    std::vector<Fraction> at = {{0, 1}};
    at.insert(at.end(), steps.begin(), steps.end());
    for (std::size_t k = 0; k < at.size(); ++k) {
      const Fraction after = k + 1 < at.size() ? middle(at[k], at[k + 1])
                                               : Fraction{at[k].p + at[k].q, at[k].q};
      const AumSummary here = evaluate(at[k]), later = evaluate(after);
      const double t = value(at[k]);
      ReferenceRow row{t * per_one_, here.aum, (later.aum - here.aum) / ((value(after) - t) * per_one_),
                       here.auc, later.auc, 0, 0};
      if (k > 0) count_meetings(at[k], row);
      rows.push_back(row);
    }
    return rows;
  }

 private:
  static double value(Fraction f) { return static_cast<double>(f.p) / static_cast<double>(f.q); }
  static Fraction middle(Fraction x, Fraction y) { return {x.p * y.q + y.p * x.q, 2 * x.q * y.q}; }

  std::vector<Fraction> crossing_steps() const {
    std::vector<Fraction> steps;
    for (std::size_t i = 0; i < scores_.size(); ++i) {
      for (std::size_t j = 0; j < scores_.size(); ++j) {
        // Threshold lines -s - t' u: they meet where (s_j - s_i) = t' (u_i - u_j).
        const std::int64_t num = scores_[j] - scores_[i], den = units_[i] - units_[j];
        if (den <= 0 || num <= 0) continue;
        const std::int64_t g = std::gcd(num, den);
        steps.push_back({num / g, den / g});
      }
    }
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    return steps;
  }
  // AUM and AUC at t' = p / q from the integer scores q s + p u: AUM scales with q.
  AumSummary evaluate(Fraction f) {
    std::vector<double> scaled(scores_.size());
    for (std::size_t i = 0; i < scores_.size(); ++i) {
      scaled[i] = static_cast<double>(f.q * scores_[i] + f.p * units_[i]);
    }
    AumSummary s = kernel_.summary(scaled, diffs_, den_);
    s.aum /= static_cast<double>(f.q);
    return s;
  }
  // Groups the distinct lines by their threshold at the step: each group of two or more meets.
  void count_meetings(Fraction f, ReferenceRow& row) const {
    std::vector<std::pair<std::int64_t, std::int64_t>> lines;  // (threshold * q, slope)
    for (std::size_t i = 0; i < scores_.size(); ++i) {
      lines.push_back({-(f.q * scores_[i] + f.p * units_[i]), -units_[i]});
    }
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    for (std::size_t b = 0; b < lines.size();) {
      std::size_t e = b + 1;
      while (e < lines.size() && lines[e].first == lines[b].first) ++e;
      if (e - b > 1) {
        ++row.intersections;
        row.intervals += e - b - 1;
      }
      b = e;
    }
  }

  std::vector<std::int64_t> scores_, units_;
  double per_one_;
  const ErrorDiffs& diffs_;
  Denominators den_;
  AumKernel kernel_;
};

}  // namespace aumtrain::testing
