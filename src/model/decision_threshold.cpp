#include "aumtrain/model/decision_threshold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// One unit below `lowest`, or the next double down where one unit is lost to rounding.
double cut_below(double lowest) {
  const double cut = lowest - 1.0;
  return cut < lowest ? cut : std::nextafter(lowest, -kInfinity);
}

double cut_above(double highest) {
  const double cut = highest + 1.0;
  return cut > highest ? cut : std::nextafter(highest, kInfinity);
}

// The midpoint of lower < higher, kept strictly below `higher` so that it separates them.
double cut_between(double lower, double higher) {
  const double middle = std::midpoint(lower, higher);
  return middle < higher ? middle : lower;
}

void check_threshold_inputs(std::span<const double> scores, const BinaryTargets& targets) {
  if (scores.empty()) {
    throw DataError("a decision threshold needs at least one score; there are none");
  }
  if (scores.size() != targets.size()) {
    throw DataError(fmt::format("a decision threshold needs a label per score: {} scores, {} "
                                "labels",
                                scores.size(), targets.size()));
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw DataError(fmt::format("score {} of example {} is not finite; a decision threshold "
                                  "needs finite scores",
                                  scores[i], i + 1));
    }
  }
}

}  // namespace

DecisionThreshold decision_threshold(std::span<const double> scores, const BinaryTargets& targets) {
  if (Communicator* communicator = targets.spread.communicator) {
    // A set spread over ranks: every rank gathers every score and label, once per model.
    std::vector<std::size_t> counts;
    const std::vector<double> all_scores = communicator->allgatherv(scores, counts);
    return decision_threshold(all_scores, gathered_targets(targets));
  }
  check_threshold_inputs(scores, targets);
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });

  // The cut below every score predicts every example positive: every negative is a mistake.
  DecisionThreshold best{cut_below(scores[order.front()]), targets.negative_weight, 0.0};
  double negatives_at_or_below = 0, positives_at_or_below = 0;
  for (std::size_t k = 0; k < n;) {
    const double score = scores[order[k]];
    for (; k < n && scores[order[k]] == score; ++k) {
      const std::size_t i = order[k];
      (targets.is_positive[i] ? positives_at_or_below : negatives_at_or_below) += targets.weight_of(i);
    }
    // The cut just above this group of tied scores.
    const double false_positives = std::max(0.0, targets.negative_weight - negatives_at_or_below);
    const double false_negatives = positives_at_or_below;
    if (false_positives + false_negatives < best.false_positives + best.false_negatives) {
      const double cut = k < n ? cut_between(score, scores[order[k]]) : cut_above(score);
      best = {cut, false_positives, false_negatives};
    }
  }
  return best;
}

ConfusionMatrix confusion_matrix(std::span<const double> scores, const BinaryTargets& targets,
                                 double threshold) {
  if (scores.size() != targets.size()) {
    throw DataError(fmt::format("a confusion matrix needs a label per score: {} scores, {} labels",
                                scores.size(), targets.size()));
  }
  ConfusionMatrix m;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool predicted_positive = scores[i] > threshold;
    double& cell = targets.is_positive[i]
                       ? (predicted_positive ? m.true_positives : m.false_negatives)
                       : (predicted_positive ? m.false_positives : m.true_negatives);
    cell += targets.weight_of(i);
  }
  return m;
}

double ConfusionMatrix::precision() const {
  const double predicted = true_positives + false_positives;
  return predicted > 0 ? true_positives / predicted : std::nan("");
}

double ConfusionMatrix::recall() const {
  const double positives = true_positives + false_negatives;
  return positives > 0 ? true_positives / positives : std::nan("");
}

double ConfusionMatrix::f1() const {
  const double denominator = 2 * true_positives + false_positives + false_negatives;
  return denominator > 0 ? 2 * true_positives / denominator : std::nan("");
}

double ConfusionMatrix::accuracy() const {
  const double all = true_positives + false_positives + true_negatives + false_negatives;
  return all > 0 ? (true_positives + true_negatives) / all : std::nan("");
}

}  // namespace aumtrain
