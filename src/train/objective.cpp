#include "aumtrain/train/objective.hpp"

#include <algorithm>
#include <cmath>

namespace aumtrain {

bool all_finite(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

const LabeledRows& TrainingData::set(SetName name) const {
  switch (name) {
    case SetName::subtrain: return subtrain;
    case SetName::validation: return validation;
    case SetName::test: break;
  }
  return test;
}

LinearObjective::LinearObjective(const TrainingData& data, Loss& loss, int threads)
    : data_(data), loss_(&loss), threads_(std::max(threads, 1)), metrics_kernel_(threads_) {
  for (SetName set : kAllSets) {
    rate_[static_cast<int>(set)] =
        make_denominators(data_.set(set).targets->error_diffs, Denominator::rate);
  }
}

std::size_t LinearObjective::size(SetName set) const {
  return static_cast<std::size_t>(data_.set(set).features.rows());
}

void LinearObjective::scores(SetName set, const LinearModel& model, std::span<double> out) const {
  model.scores(data_.set(set).features, feature_map(), out, threads_);
}

double LinearObjective::value_and_score_gradient(SetName set, std::span<const double> scores,
                                                 std::span<double> score_gradient) {
  return loss_->value_and_gradient(scores, targets(set), score_gradient);
}

bool LinearObjective::score_gradient(SetName set, std::span<const double> scores,
                                     std::span<double> score_gradient) {
  return loss_->gradient(scores, targets(set), score_gradient);
}

void LinearObjective::parameter_gradient(std::span<const double> score_gradient,
                                         LinearModel& gradient) const {
  aumtrain::parameter_gradient(data_.subtrain.features, feature_map(), score_gradient,
                               gradient.weights, gradient.intercept, threads_);
  if (!loss_->learns_intercept()) gradient.intercept = 0.0;
}

SetMetrics LinearObjective::aum_and_auc(SetName set, std::span<const double> scores) {
  const AumSummary summary =
      metrics_kernel_.summary(scores, targets(set).error_diffs, rate_[static_cast<int>(set)]);
  SetMetrics out;
  out.aum = summary.aum;
  out.auc = summary.auc;
  return out;
}

std::vector<double>& TrainState::up_to_date_scores(const LinearObjective& objective, SetName set) {
  std::vector<double>& out = scores_of(set);
  if (!current(set)) {
    out.resize(objective.size(set));
    objective.scores(set, model, out);
    current(set) = true;
  }
  return out;
}

}  // namespace aumtrain
