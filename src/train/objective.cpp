#include "aumtrain/train/objective.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "aumtrain/core/threshold_sort.hpp"

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
  if (communicator(SetName::subtrain)) {
    if (data_.subtrain.features.is_sparse()) {
      throw std::invalid_argument("sparse rows are not spread over ranks");
    }
    aumtrain::parameter_gradient(data_.subtrain.features.dense(), feature_map(), score_gradient, gradient.weights,
                                 gradient.intercept, threads_, targets(SetName::subtrain).spread);
  } else {
    aumtrain::parameter_gradient(data_.subtrain.features, feature_map(), score_gradient,
                                 gradient.weights, gradient.intercept, threads_);
  }
  if (!loss_->learns_intercept()) gradient.intercept = 0.0;
}

SetMetrics LinearObjective::aum_and_auc(SetName set, std::span<const double> scores) {
  const ErrorDiffs& diffs = targets(set).error_diffs;
  const Denominators& rate = rate_[static_cast<int>(set)];
  AumSummary summary;
  if (Communicator* c = communicator(set); c != nullptr) {
    if (!spread_metrics_kernel_) spread_metrics_kernel_.emplace(*c);
    summary = spread_metrics_kernel_->summary(scores, diffs, rate);
  } else {
    summary = metrics_kernel_.summary(scores, diffs, rate);
  }
  SetMetrics out;
  out.aum = summary.aum;
  out.auc = summary.auc;
  return out;
}

bool LinearObjective::all_finite(SetName set, std::span<const double> values) const {
  const bool local = aumtrain::all_finite(values);
  Communicator* c = communicator(set);
  return c ? c->all(local) : local;
}

bool LinearObjective::all_equal(SetName set, std::span<const double> values) const {
  Communicator* c = communicator(set);
  if (!c) {
    return std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
  }
  // The smallest and largest value over the ranks, by their order-preserving keys.
  std::uint64_t low = std::numeric_limits<std::uint64_t>::max(), high = 0;
  for (const double v : values) {
    const std::uint64_t key = threshold_key(v);
    low = std::min(low, key);
    high = std::max(high, key);
  }
  c->allreduce_min(std::span(&low, 1));
  c->allreduce_max(std::span(&high, 1));
  return low >= high;
}

std::vector<double> LinearObjective::gathered(SetName set, std::span<const double> values) const {
  Communicator* c = communicator(set);
  if (!c) return {values.begin(), values.end()};
  std::vector<std::size_t> counts;
  return c->allgatherv(values, counts);
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
