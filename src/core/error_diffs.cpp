#include "aumtrain/core/error_diffs.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <unordered_map>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"

namespace aumtrain {

Denominator parse_denominator(std::string_view name) {
  if (name == "rate") return Denominator::rate;
  if (name == "count") return Denominator::count;
  throw ConfigError(fmt::format("unknown denominator '{}'; valid denominators: rate, count", name));
}

std::string_view denominator_name(Denominator denominator) {
  return denominator == Denominator::rate ? "rate" : "count";
}

Denominators make_denominators(const ErrorDiffs& diffs, Denominator denominator) {
  if (denominator == Denominator::count) return {1.0, 1.0};
  if (!(diffs.fp_total > 0) || !(diffs.fn_total > 0)) {
    throw DataError(fmt::format(
        "the rate denominator needs both classes, but the {} have {} negative and {} positive "
        "weight; use --denominator count, or give examples of both classes",
        count_noun(diffs.size(), "example"), diffs.fp_total, diffs.fn_total));
  }
  return {diffs.fp_total, diffs.fn_total};
}

namespace {

// Checks binary labels (0/1 or -1/1, 1 positive) and calls on_label(example, is_positive) for each.
template <class OnLabel>
void for_each_binary_label(std::span<const double> labels, OnLabel&& on_label) {
  std::size_t first_zero = 0, first_minus_one = 0;  // 1-based rows; 0 = not seen
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double label = labels[i];
    if (label == 1.0) {
      on_label(i, true);
    } else if (label == 0.0) {
      if (first_zero == 0) first_zero = i + 1;
      on_label(i, false);
    } else if (label == -1.0) {
      if (first_minus_one == 0) first_minus_one = i + 1;
      on_label(i, false);
    } else {
      throw DataError(fmt::format(
          "label {} at row {} is not a binary label; labels must be 0/1 or -1/1 (1 is positive)",
          label, i + 1));
    }
  }
  if (first_zero != 0 && first_minus_one != 0) {
    throw DataError(fmt::format(
        "labels mix 0 (row {}) and -1 (row {}); use either 0/1 or -1/1 for the negative class",
        first_zero, first_minus_one));
  }
}

}  // namespace

BinaryTargets make_binary_targets(std::span<const double> labels,
                                  std::span<const double> weights) {
  std::vector<std::uint8_t> is_positive(labels.size());
  for_each_binary_label(labels, [&](std::size_t i, bool positive) { is_positive[i] = positive; });
  return make_binary_targets_from_flags(std::move(is_positive),
                                        std::vector<double>(weights.begin(), weights.end()));
}

void assign_binary_error_diffs(std::span<const double> labels, ErrorDiffs& diffs) {
  diffs.row_of_example.resize(labels.size());
  std::uint32_t* const rows = diffs.row_of_example.data();
  std::size_t positives = 0;
  for_each_binary_label(labels, [&](std::size_t i, bool positive) {
    rows[i] = positive;  // row 0: negative, row 1: positive, as make_binary_targets
    positives += positive;
  });
  diffs.rows = {DiffRow{1.0, 0.0}, DiffRow{0.0, 1.0}};
  diffs.fp_total = static_cast<double>(labels.size() - positives);
  diffs.fn_total = static_cast<double>(positives);
}

BinaryTargets make_binary_targets_from_flags(std::vector<std::uint8_t> is_positive,
                                             std::vector<double> weights) {
  BinaryTargets targets;
  const std::size_t n = is_positive.size();
  if (!weights.empty() && weights.size() != n) {
    throw DataError(
        fmt::format("{} given for {}; give one weight per example",
                    count_noun(weights.size(), "weight was", "weights were"),
                    count_noun(n, "label")));
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      throw DataError(fmt::format(
          "weight {} at row {} is not usable; weights must be finite and >= 0", weights[i], i + 1));
    }
  }
  for (auto& flag : is_positive) flag = flag != 0;

  ErrorDiffs& diffs = targets.error_diffs;
  diffs.row_of_example.resize(n);
  if (weights.empty()) {
    // Two rows: 0 for negatives (raise FP by 1), 1 for positives (lower FN by 1).
    diffs.rows = {DiffRow{1.0, 0.0}, DiffRow{0.0, 1.0}};
    for (std::size_t i = 0; i < n; ++i) {
      diffs.row_of_example[i] = is_positive[i];
      targets.positive_count += is_positive[i];
    }
    targets.negative_count = n - targets.positive_count;
    targets.positive_weight = static_cast<double>(targets.positive_count);
    targets.negative_weight = static_cast<double>(targets.negative_count);
  } else {
    // One row per distinct (class, weight): class weights need only two rows, as above.
    std::unordered_map<std::uint64_t, std::uint32_t> row_index[2];
    for (std::size_t i = 0; i < n; ++i) {
      const int positive = is_positive[i];
      const double w = weights[i] == 0.0 ? 0.0 : weights[i];  // -0 and 0 share a row
      auto [it, inserted] = row_index[positive].try_emplace(
          std::bit_cast<std::uint64_t>(w), static_cast<std::uint32_t>(diffs.rows.size()));
      if (inserted) diffs.rows.push_back(positive ? DiffRow{0.0, w} : DiffRow{w, 0.0});
      diffs.row_of_example[i] = it->second;
      targets.positive_count += positive;
    }
    targets.negative_count = n - targets.positive_count;
    // Block by block up the tree, as over rows held by several ranks (adding 0 for the other
    // class changes no sum: weights are >= 0 and -0 is 0 here).
    targets.positive_weight = block_tree_sum(n, [&](std::size_t i) {
      return is_positive[i] ? diffs.rows[diffs.row_of_example[i]].fn : 0.0;
    });
    targets.negative_weight = block_tree_sum(n, [&](std::size_t i) {
      return is_positive[i] ? 0.0 : diffs.rows[diffs.row_of_example[i]].fp;
    });
  }
  diffs.fp_total = targets.negative_weight;
  diffs.fn_total = targets.positive_weight;
  targets.is_positive = std::move(is_positive);
  targets.weight = std::move(weights);
  return targets;
}

BinaryTargets gathered_targets(const BinaryTargets& targets) {
  Communicator* communicator = targets.spread.communicator;
  if (communicator == nullptr) return targets;
  std::vector<std::size_t> counts;
  std::vector<std::uint8_t> flags =
      communicator->allgatherv(std::span<const std::uint8_t>(targets.is_positive), counts);
  std::vector<double> weights;
  if (!targets.weight.empty()) {
    weights = communicator->allgatherv(std::span<const double>(targets.weight), counts);
  }
  return make_binary_targets_from_flags(std::move(flags), std::move(weights));
}

}  // namespace aumtrain
