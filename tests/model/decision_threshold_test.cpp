// The decision threshold against worked examples and against trying every cut.
#include "aumtrain/model/decision_threshold.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

BinaryTargets targets_of(const std::vector<double>& labels, const std::vector<double>& weights = {}) {
  return make_binary_targets(labels, weights);
}

// Every candidate cut in increasing order, errors counted directly; the first of the fewest.
DecisionThreshold brute_force_threshold(const std::vector<double>& scores,
                                        const BinaryTargets& targets) {
  std::vector<double> distinct = scores;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<double> cuts = {distinct.front() - 1};
  for (std::size_t k = 0; k + 1 < distinct.size(); ++k) {
    cuts.push_back((distinct[k] + distinct[k + 1]) / 2);
  }
  cuts.push_back(distinct.back() + 1);
  DecisionThreshold best{0, INFINITY, INFINITY};
  for (double cut : cuts) {
    double fp = 0, fn = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const bool predicted_positive = scores[i] > cut;
      if (predicted_positive && !targets.is_positive[i]) fp += targets.weight_of(i);
      if (!predicted_positive && targets.is_positive[i]) fn += targets.weight_of(i);
    }
    if (fp + fn < best.false_positives + best.false_negatives) best = {cut, fp, fn};
  }
  return best;
}

void expect_threshold(const DecisionThreshold& got, double threshold, double fp, double fn) {
  EXPECT_EQ(got.threshold, threshold);
  EXPECT_EQ(got.false_positives, fp);
  EXPECT_EQ(got.false_negatives, fn);
}

TEST(DecisionThreshold, SeparatedClassesAreCutInTheMiddleOfTheGap) {
  expect_threshold(decision_threshold(std::vector<double>{4, 1, 3, 2}, targets_of({1, 0, 1, 0})),
                   2.5, 0, 0);
}

TEST(DecisionThreshold, CutsBelowAndAboveEveryScoreAreOneUnitAway) {
  // Three positives of two: predicting all positive (cut below 5) makes one mistake.
  expect_threshold(decision_threshold(std::vector<double>{5, 5, 5}, targets_of({1, 1, 0})), 4, 1, 0);
  // Three negatives of two: predicting all negative (cut above 5) makes one mistake.
  expect_threshold(decision_threshold(std::vector<double>{5, 5, 5}, targets_of({0, 0, 1})), 6, 0, 1);
}

TEST(DecisionThreshold, TiesGoToTheLowestCut) {
  // Scores (1, 2) with labels (1, 0): every positive cut below 1, or every negative above 2,
  // both make one mistake; the cut between them makes two. The lowest of the best wins.
  expect_threshold(decision_threshold(std::vector<double>{1, 2}, targets_of({1, 0})), 0, 1, 0);
}

TEST(DecisionThreshold, WeightsCountAsWeights) {
  // The positive at 1 weighs 3: keep it positive (cut below 1, FP 1 + 1) rather than lose it.
  expect_threshold(decision_threshold(std::vector<double>{1, 2, 3}, targets_of({1, 0, 0}, {3, 1, 1})),
                   0, 2, 0);
}

TEST(DecisionThreshold, NeighbouringDoublesAreStillSeparated) {
  const double low = 1.0, high = std::nextafter(1.0, 2.0);
  const DecisionThreshold t = decision_threshold(std::vector<double>{low, high}, targets_of({0, 1}));
  EXPECT_EQ(t.false_positives + t.false_negatives, 0);
  EXPECT_FALSE(low > t.threshold);
  EXPECT_TRUE(high > t.threshold);
  // Where one unit is lost to rounding, the cut is the next double.
  const double huge = 1e17;
  const DecisionThreshold all_positive = decision_threshold(std::vector<double>{huge}, targets_of({1}));
  EXPECT_EQ(all_positive.threshold, std::nextafter(huge, 0.0));
}

TEST(DecisionThreshold, AgreesWithTryingEveryCut) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    const auto problem = testing::random_problem(seed, 1 + seed % 40, 2 + static_cast<int>(seed % 9),
                                                 seed % 3 == 0);
    const BinaryTargets targets = targets_of(problem.labels, problem.weights);
    const DecisionThreshold fast = decision_threshold(problem.scores, targets);
    const DecisionThreshold slow = brute_force_threshold(problem.scores, targets);
    EXPECT_EQ(fast.threshold, slow.threshold) << "seed " << seed;
    EXPECT_EQ(fast.false_positives, slow.false_positives) << "seed " << seed;
    EXPECT_EQ(fast.false_negatives, slow.false_negatives) << "seed " << seed;
  }
}

TEST(DecisionThreshold, ConfusionMatrixOfAWorkedExample) {
  // Scores 1..6, labels 0 1 0 1 1 0, cut at 2.5: predicted positive are 3, 4, 5, 6.
  const ConfusionMatrix m = confusion_matrix(std::vector<double>{1, 2, 3, 4, 5, 6},
                                             targets_of({0, 1, 0, 1, 1, 0}), 2.5);
  EXPECT_EQ(m.true_positives, 2);
  EXPECT_EQ(m.false_positives, 2);
  EXPECT_EQ(m.true_negatives, 1);
  EXPECT_EQ(m.false_negatives, 1);
  EXPECT_EQ(m.precision(), 0.5);
  EXPECT_DOUBLE_EQ(m.recall(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.f1(), 4.0 / 7);  // 2 TP / (2 TP + FP + FN)
  EXPECT_EQ(m.accuracy(), 0.5);
  // A score equal to the cut is negative; nothing predicted positive leaves precision undefined.
  EXPECT_EQ(confusion_matrix(std::vector<double>{2.5}, targets_of({1}), 2.5).false_negatives, 1);
  EXPECT_TRUE(std::isnan(confusion_matrix(std::vector<double>{1}, targets_of({1}), 2).precision()));
}

TEST(DecisionThreshold, ItsMistakesAreThoseOfItsConfusionMatrix) {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    const auto problem = testing::random_problem(seed, 30, 7, seed % 2 == 0);
    const BinaryTargets targets = targets_of(problem.labels, problem.weights);
    const DecisionThreshold t = decision_threshold(problem.scores, targets);
    const ConfusionMatrix m = confusion_matrix(problem.scores, targets, t.threshold);
    EXPECT_EQ(m.false_positives, t.false_positives) << "seed " << seed;
    EXPECT_EQ(m.false_negatives, t.false_negatives) << "seed " << seed;
  }
}

TEST(DecisionThreshold, RefusesWhatHasNoThreshold) {
  EXPECT_THROW(decision_threshold(std::vector<double>{}, targets_of({})), DataError);
  EXPECT_THROW(decision_threshold(std::vector<double>{1}, targets_of({1, 0})), DataError);
  EXPECT_THROW(decision_threshold(std::vector<double>{1, NAN}, targets_of({1, 0})), DataError);
}

}  // namespace
}  // namespace aumtrain
