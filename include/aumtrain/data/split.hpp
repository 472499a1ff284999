// Preparing one seed's data: a stratified subtrain / validation / test split, optional
// subsampling of positives, and standardisation with subtrain statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/core/communicator.hpp"
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
/// Stratified: each class is put in order of split_key(seed, row id), which shuffles it; the
/// first round(test * n) of it go to test, the next round(validation * rest) to validation, the
/// remainder to subtrain. With a positive fraction p, positives in subtrain and in validation
/// are each cut to round(p * negatives / (1 - p)) (at least 2), keeping those of smallest key;
/// the test set is never subsampled. Every set must keep at least 2 examples of each class,
/// otherwise DataError says which set and what to change. Membership depends only on each row's
/// id, label and the class counts, so rows spread over several processes get the same sets
/// (assign_sets).
/// The set of a row left out by subsampling (SetMembership::set_of_row).
inline constexpr std::uint8_t kUnusedRow = 3;

/// Which set each row goes to.
struct SetMembership {
  /// Per row: 0 subtrain, 1 validation, 2 test (SetName order) or kUnusedRow.
  std::vector<std::uint8_t> set_of_row;
  /// Rows of each set and class over every process: count[set][0 negative, 1 positive].
  std::size_t count[3][2] = {{0, 0}, {0, 0}, {0, 0}};
  bool positive_fraction_reached = true;
  std::vector<std::string> warnings;
};

/// The split of prepare_split() for the rows this process holds, when a dataset's rows are
/// spread over the processes of `communicator` (row_id numbering every row of the dataset once):
/// every process calls it, and each row gets the set it gets in one process. Class counts are
/// summed over the processes and the cuts in key order found by kth_smallest_key().
SetMembership assign_sets(const Dataset& rows, const SplitConfig& config, std::uint64_t seed,
                          std::optional<double> positive_fraction, Communicator& communicator);

/// A row's place in the split's shuffle: a one-to-one mix of the row id and a word drawn from
/// the seed, so no two rows of a seed tie.
std::uint64_t split_key(std::uint64_t seed, std::uint64_t row_id);

/// The key of rank k (0-based) among every process's `keys` (distinct), the same on every
/// process. Over several processes, four rounds of a histogram of 2^16 bins summed over them.
/// Throws std::invalid_argument when k is not below the number of keys.
std::uint64_t kth_smallest_key(Communicator& communicator, std::span<const std::uint64_t> keys,
                               std::uint64_t k);

PreparedSplit prepare_split(Dataset& dataset, const SplitConfig& config, std::uint64_t seed,
                            std::optional<double> positive_fraction);

/// A split of a dataset whose rows are spread over the processes of a communicator, arranged
/// for training: each process holds whole blocks of kSumBlockRows rows of each set, in the
/// set's order (by row id), as block_tree_sum() over ranks needs.
struct SharedSplit {
  /// This process's rows: its subtrain rows, then validation, then test (rows left out by
  /// subsampling are dropped). The other fields are the share's.
  Dataset rows;
  /// Sets as ranges of `rows`; targets carry the whole set's class totals and `spread`; the
  /// feature map comes from every process's subtrain rows.
  PreparedSplit split;
  RowBlocks blocks[3];  ///< per set (SetName order)
  /// The set of each row of the share, as it was passed in.
  SetMembership membership;
};

/// prepare_split() of a dataset spread over processes: every process passes its share (rows in
/// row id order, row ids numbering every row of the dataset) and gets the same sets, class
/// counts, warnings and feature map bits as one process holding every row, its rows of each set
/// moved to the process that holds their block. Dense features only (ConfigError otherwise).
SharedSplit prepare_shared_split(const Dataset& share, const SplitConfig& config,
                                 std::uint64_t seed, std::optional<double> positive_fraction,
                                 Communicator& communicator);

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
