// Preparing one seed's data: a stratified subtrain / validation / test split, optional
// subsampling of positives, and standardisation with subtrain statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/data/dataset.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/model/linear_model.hpp"

namespace aumtrain {

enum class SetName { subtrain, validation, test };
inline constexpr SetName kAllSets[] = {SetName::subtrain, SetName::validation, SetName::test};
const char* set_name(SetName set);

/// One set of a split: a block of consecutive rows of the dataset's matrix and their labels.
struct SetRows {
  std::size_t begin = 0;
  std::size_t end = 0;
  BinaryTargets targets;
  std::size_t size() const noexcept { return end - begin; }
};

struct PreparedSplit {
  std::uint64_t seed = 0;
  std::optional<double> positive_fraction;
  /// False when subtrain or validation has too few positives for positive_fraction: all of
  /// theirs are kept, and the fraction there is lower (the warning says how much).
  bool positive_fraction_reached = true;
  SetRows subtrain, validation, test;
  /// Maps stored (conditioned) features to the model's features; see FeatureMap.
  FeatureMap feature_map;
  /// Things the person running this should know (constant columns, an unreachable positive
  /// fraction); the application logs them.
  std::vector<std::string> warnings;
  /// Expected things worth a line in the log: levels of categorical columns that subtrain lacks.
  std::vector<std::string> notes;

  const SetRows& set(SetName name) const;
};

/// Splits `dataset` for one seed, reordering its rows in place so that subtrain, validation and
/// test are consecutive blocks (rows left out by subsampling go last). The result depends only
/// on the dataset as loaded, the split settings, the seed and the positive fraction, not on
/// earlier calls.
///
/// Stratified: each class is shuffled with the seed; round(test * n) of it goes to test, then
/// round(validation * rest) to validation, the remainder to subtrain. With a positive fraction
/// p, positives in subtrain and in validation are each cut to round(p * negatives / (1 - p))
/// (at least 2); the test set is never subsampled. Every set must keep at least 2 examples of
/// each class, otherwise DataError says which set and what to change.
PreparedSplit prepare_split(Dataset& dataset, const SplitConfig& config, std::uint64_t seed,
                            std::optional<double> positive_fraction);

/// A deterministic pseudo-random generator for splits and initial weights (SplitMix64), so that
/// results do not depend on the standard library's distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  /// Uniform in [0, bound), bound >= 1.
  std::uint64_t below(std::uint64_t bound);
  /// Standard normal (Box-Muller).
  double normal();

 private:
  std::uint64_t state_;
};

}  // namespace aumtrain
