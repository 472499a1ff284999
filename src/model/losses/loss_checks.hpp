// Checks and sums shared by the losses' own files.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <span>
#include <stdexcept>
#include <string_view>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/model/losses.hpp"

namespace aumtrain::loss_detail {

inline void check_sizes(std::string_view loss, std::span<const double> scores,
                        const BinaryTargets& targets, std::span<double> gradient) {
  if (scores.size() != targets.size() || gradient.size() != scores.size()) {
    throw std::invalid_argument(fmt::format("{}: {} scores, {} targets, {} gradient entries",
                                            loss, scores.size(), targets.size(),
                                            gradient.size()));
  }
}

inline void require_both_classes(std::string_view loss, const BinaryTargets& targets) {
  if (!(targets.positive_weight > 0) || !(targets.negative_weight > 0)) {
    throw DataError(fmt::format(
        "the {} loss needs examples of both classes, but this set has {} positive and {} "
        "negative examples (weights {} and {})",
        loss, targets.positive_count, targets.negative_count, targets.positive_weight,
        targets.negative_weight));
  }
}

/// The sum of term(i) over a set's examples, block by block up the fixed tree: over every rank
/// when the set is spread over ranks (the same bits as one process holding every example).
template <class Term>
double set_sum(const BinaryTargets& targets, std::size_t size, Term&& term) {
  if (targets.spread.communicator) return block_tree_sum(targets.spread, size, term);
  return block_tree_sum(size, term);
}

/// Both logistic losses: sum_i c_i softplus(-z_i s_i), where c_i is example i's share of the
/// total weight, and dL/ds_i = -z_i c_i sigmoid(-z_i s_i).
template <class ShareOf>
double weighted_logistic(std::span<const double> scores, const BinaryTargets& targets,
                         std::span<double> gradient, ShareOf share_of) {
  return set_sum(targets, scores.size(), [&](std::size_t i) {
    const double z = targets.is_positive[i] ? 1.0 : -1.0;
    const double share = share_of(i);
    gradient[i] = -z * share * sigmoid(-z * scores[i]);
    return share * softplus(-z * scores[i]);
  });
}

/// The gradient of weighted_logistic alone, without the logarithms of the value: whether the
/// value is finite follows from sum_i c_i max(-z_i s_i, 0), which it exceeds by at most log 2.
template <class ShareOf>
bool weighted_logistic_gradient(std::span<const double> scores, const BinaryTargets& targets,
                                std::span<double> gradient, ShareOf share_of) {
  const double linear_part = set_sum(targets, scores.size(), [&](std::size_t i) {
    const double z = targets.is_positive[i] ? 1.0 : -1.0;
    const double share = share_of(i);
    const double margin = -z * scores[i];
    gradient[i] = -z * share * sigmoid(margin);
    return share * (margin > 0 || std::isnan(margin) ? margin : 0.0);
  });
  return std::isfinite(linear_part);
}

}  // namespace aumtrain::loss_detail
