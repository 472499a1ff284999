// The objective of training: a loss of scores, composed with the linear model, the feature map
// and the rows of each set. It is the one place that touches the feature matrix, so that the
// optimizers and the trainer see only scores, score-space gradients and parameter vectors, and
// the one place that holds the rows as either dense or sparse (FeatureRows).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/distributed_aum.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/data/split.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/model/losses.hpp"

namespace aumtrain {

/// The examples of one set as the trainer sees them: rows of stored features and labels.
struct LabeledRows {
  FeatureRows features;  ///< dense or sparse
  const BinaryTargets* targets;
};

/// What one run trains on.
struct TrainingData {
  LabeledRows subtrain;
  LabeledRows validation;
  LabeledRows test;
  const FeatureMap* feature_map;

  const LabeledRows& set(SetName name) const;
};

/// Whether every value is finite (no NaN, no infinity).
bool all_finite(std::span<const double> values);

/// Metrics of one set at one iteration.
struct SetMetrics {
  double loss = 0;  ///< the run's loss
  double aum = 0;   ///< AUM with the rate denominator
  double auc = 0;
};

/// loss o linear model o feature map o rows. Products with the feature matrix use `threads`
/// threads; results do not depend on that number.
class LinearObjective {
 public:
  LinearObjective(const TrainingData& data, Loss& loss, int threads);

  Loss& loss() const noexcept { return *loss_; }
  /// The threads of the products with the feature matrix, which an optimizer may also give its
  /// own work on the scores.
  int threads() const noexcept { return threads_; }
  const FeatureMap& feature_map() const noexcept { return *data_.feature_map; }
  Eigen::Index dimension() const noexcept { return static_cast<Eigen::Index>(feature_map().size()); }
  std::size_t size(SetName set) const;
  const BinaryTargets& targets(SetName set) const { return *data_.set(set).targets; }

  /// The scores of `model` on a set's rows, X w + b (one matrix-vector product). For a direction
  /// (d_w, d_b) in the parameters this is the rate at which the scores move along it.
  void scores(SetName set, const LinearModel& model, std::span<double> out) const;

  /// The loss of `scores` on a set, with dL/dscores written into `score_gradient`.
  double value_and_score_gradient(SetName set, std::span<const double> scores,
                                  std::span<double> score_gradient);

  /// dL/dscores on a set alone (the same bits as value_and_score_gradient writes); returns
  /// whether the loss there is finite.
  bool score_gradient(SetName set, std::span<const double> scores, std::span<double> score_gradient);

  /// The gradient in the parameters, from dL/dscores on subtrain (one X^T g product): weights
  /// through the feature map (constant columns stay 0), and the intercept's when the loss learns
  /// one (0 otherwise).
  void parameter_gradient(std::span<const double> score_gradient, LinearModel& gradient) const;

  /// AUM (rate denominator) and AUC of `scores` on a set; `loss` is left at 0.
  SetMetrics aum_and_auc(SetName set, std::span<const double> scores);

  /// The communicator over which a set is spread (BinaryTargets::spread), or null when this
  /// process holds all of it. Every question below answers for the whole set, the same on every
  /// rank, so that the ranks of a run take the same decisions.
  Communicator* communicator(SetName set) const { return targets(set).spread.communicator; }
  /// Whether every value of the set (this rank's `values`, one per example) is finite.
  bool all_finite(SetName set, std::span<const double> values) const;
  /// Whether every value of the set is equal (true for an empty set).
  bool all_equal(SetName set, std::span<const double> values) const;
  /// sum_i term(i) over the set's examples, block by block up the fixed tree (block_sum.hpp).
  template <class Term>
  double sum(SetName set, std::size_t local_size, Term&& term) const {
    if (Communicator* c = communicator(set); c != nullptr) {
      return block_tree_sum(targets(set).spread, local_size, term);
    }
    return block_tree_sum(local_size, term);
  }
  /// Every rank's `values` of a set, in the set's order (rank 0's first); `values` itself when
  /// the set is not spread.
  std::vector<double> gathered(SetName set, std::span<const double> values) const;

 private:
  TrainingData data_;
  Loss* loss_;
  int threads_;
  AumKernel metrics_kernel_;
  std::optional<DistributedAumKernel> spread_metrics_kernel_;
  Denominators rate_[3];
};

/// The model of the current iteration and what is known about it. Scores of a set are valid
/// while `scores_current` says so; the trainer computes the missing ones.
struct TrainState {
  int iteration = 0;
  LinearModel model;
  std::vector<double> scores[3];    ///< per set (SetName order)
  bool scores_current[3] = {false, false, false};
  std::vector<double> score_gradient;  ///< dL/dscores on subtrain, at scores[subtrain]
  double loss = 0;                     ///< the loss on subtrain

  std::vector<double>& scores_of(SetName set) { return scores[static_cast<int>(set)]; }
  bool& current(SetName set) { return scores_current[static_cast<int>(set)]; }

  /// The scores of `set` for the current model, computed first if they are stale.
  std::vector<double>& up_to_date_scores(const LinearObjective& objective, SetName set);
};

}  // namespace aumtrain
