// The decision threshold of a scoring model: the score cut above which an example is predicted
// positive, chosen to make the fewest mistakes on the examples it is computed from.
#pragma once

#include <span>

#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain {

/// A score cut and the mistakes it makes: an example is predicted positive when its score is
/// greater than `threshold`.
struct DecisionThreshold {
  double threshold = 0;
  double false_positives = 0;  ///< negatives scoring above the cut (weighted)
  double false_negatives = 0;  ///< positives scoring at or below it (weighted)
};

/// The cut with the fewest misclassified examples, FP + FN as counts (weighted where `targets`
/// has weights). Only cuts between distinct scores change anything, so the candidates are:
/// below every score (every example positive), the midpoint of each two neighbouring distinct
/// scores, and above every score (every example negative). A cut below or above every score
/// sits one unit (1.0) below the lowest or above the highest score (the next double when one
/// unit is lost to rounding); a midpoint that rounds up to the higher score is replaced by the
/// lower one, so the cut always separates the two. Ties between equally good cuts go to the
/// lowest cut, the one that predicts the most examples positive. O(N log N): one sort.
/// Throws DataError when there are no scores, their number differs from the targets', or a
/// score is not finite.
DecisionThreshold decision_threshold(std::span<const double> scores, const BinaryTargets& targets);

/// The confusion matrix of the cut `threshold` (positive when score > threshold), in (weighted)
/// counts, with the figures made of it.
struct ConfusionMatrix {
  double true_positives = 0;
  double false_positives = 0;
  double true_negatives = 0;
  double false_negatives = 0;

  /// TP / (TP + FP); NaN when nothing is predicted positive.
  double precision() const;
  /// TP / (TP + FN); NaN without positives.
  double recall() const;
  /// 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall (0 when TP is 0); NaN
  /// when there is nothing to count.
  double f1() const;
  /// (TP + TN) / all.
  double accuracy() const;
};

/// Counts every example: O(N). Throws DataError when the numbers of scores and labels differ.
ConfusionMatrix confusion_matrix(std::span<const double> scores, const BinaryTargets& targets,
                                 double threshold);

}  // namespace aumtrain
