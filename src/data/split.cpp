#include "aumtrain/data/split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <stdexcept>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/data/column_statistics.hpp"

namespace aumtrain {
namespace {

// Moves the dataset's rows so that position k holds the row whose id is order[k]. Sparse
// features stay where they are: their rows are found through row_id (SparseRowsView).
void reorder_rows(Dataset& dataset, const std::vector<std::uint32_t>& order) {
  const std::size_t n = dataset.size();
  const std::size_t cols = dataset.features.cols;
  std::vector<std::uint32_t> position_of(n);
  for (std::size_t p = 0; p < n; ++p) position_of[dataset.row_id[p]] = static_cast<std::uint32_t>(p);
  std::vector<std::uint32_t> source(n);  // new row k = old row source[k]
  for (std::size_t k = 0; k < n; ++k) source[k] = position_of[order[k]];
  position_of.clear();
  position_of.shrink_to_fit();
  std::vector<std::uint8_t> placed(n, 0);
  std::vector<double> buffer(cols);
  for (std::size_t start = 0; start < n; ++start) {
    if (placed[start]) continue;
    if (source[start] == start) {
      placed[start] = 1;
      continue;
    }
    // Follow the cycle through `start`, holding its first row aside.
    if (cols > 0) std::copy_n(dataset.features.row(start), cols, buffer.data());
    const std::uint8_t first_label = dataset.is_positive[start];
    const std::uint32_t first_id = dataset.row_id[start];
    const std::size_t first_line = dataset.line[start];
    std::size_t k = start;
    for (;;) {
      placed[k] = 1;
      const std::size_t s = source[k];
      if (s == start) {
        if (cols > 0) std::copy_n(buffer.data(), cols, dataset.features.row(k));
        dataset.is_positive[k] = first_label;
        dataset.row_id[k] = first_id;
        dataset.line[k] = first_line;
        break;
      }
      if (cols > 0) std::copy_n(dataset.features.row(s), cols, dataset.features.row(k));
      dataset.is_positive[k] = dataset.is_positive[s];
      dataset.row_id[k] = dataset.row_id[s];
      dataset.line[k] = dataset.line[s];
      k = s;
    }
  }
}

// The map of one column from its subtrain statistics (in stored units): constant columns keep
// weight 0; others are standardised, or only brought back to the file's units.
void map_column(const Dataset& dataset, std::size_t j, bool standardize, double low, double high,
                double mean, double sd, FeatureMap& map, std::vector<std::size_t>& constant_columns) {
  const auto jj = static_cast<Eigen::Index>(j);
  const double center = dataset.center[j], scale = dataset.scale[j];
  if (!standardize) {
    map.multiplier[jj] = scale;
    map.offset[jj] = center;
    map.mean[jj] = 0.0;
    map.sd[jj] = 1.0;
  } else if (low == high) {
    constant_columns.push_back(j);
    map.multiplier[jj] = 0.0;
    map.offset[jj] = 0.0;
    map.mean[jj] = center + scale * low;
    map.sd[jj] = 0.0;
    map.fixed_at_zero[j] = 1;
  } else {
    map.multiplier[jj] = 1.0 / sd;
    map.offset[jj] = -mean / sd;
    map.mean[jj] = center + scale * mean;
    map.sd[jj] = scale * sd;
  }
}

FeatureMap empty_feature_map(std::size_t cols) {
  const auto d = static_cast<Eigen::Index>(cols);
  FeatureMap map;
  map.multiplier.resize(d);
  map.offset.resize(d);
  map.mean.resize(d);
  map.sd.resize(d);
  map.fixed_at_zero.assign(cols, 0);
  return map;
}

// The feature map of sparse features from subtrain rows [begin, end): the same statistics as
// the dense map's, the rows' implicit zeros included.
FeatureMap make_sparse_feature_map(const Dataset& dataset, std::size_t begin, std::size_t end,
                                   bool standardize, std::vector<std::size_t>& constant_columns) {
  const SparseFeatureMatrix& m = dataset.sparse_features;
  const std::size_t cols = m.cols;
  FeatureMap map = empty_feature_map(cols);
  std::vector<double> low(cols, 0.0), high(cols, 0.0), sum(cols, 0.0), squares(cols, 0.0);
  std::vector<std::size_t> count(cols, 0);
  auto for_each_nonzero = [&](auto&& visit) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t row = dataset.row_id[i];
      for (auto k = m.row_start[row]; k < m.row_start[row + 1]; ++k) {
        visit(static_cast<std::size_t>(m.column[static_cast<std::size_t>(k)]),
              m.value[static_cast<std::size_t>(k)]);
      }
    }
  };
  for_each_nonzero([&](std::size_t j, double z) {
    low[j] = count[j] ? std::min(low[j], z) : z;
    high[j] = count[j] ? std::max(high[j], z) : z;
    sum[j] += z;
    ++count[j];
  });
  const auto n = static_cast<double>(end - begin);
  for_each_nonzero([&](std::size_t j, double z) {
    const double deviation = z - sum[j] / n;
    squares[j] += deviation * deviation;
  });
  for (std::size_t j = 0; j < cols; ++j) {
    const double mean = sum[j] / n;
    if (count[j] < end - begin) {  // the column has zeros on subtrain
      low[j] = std::min(low[j], 0.0);
      high[j] = std::max(high[j], 0.0);
      squares[j] += static_cast<double>(end - begin - count[j]) * mean * mean;
    }
    map_column(dataset, j, standardize, low[j], high[j], mean, std::sqrt(squares[j] / n), map,
               constant_columns);
  }
  return map;
}

FeatureMap make_feature_map(const Dataset& dataset, std::size_t begin, std::size_t end,
                            bool standardize, std::vector<std::size_t>& constant_columns,
                            const RowBlocks* blocks) {
  if (dataset.sparse) {
    return make_sparse_feature_map(dataset, begin, end, standardize, constant_columns);
  }
  const std::size_t cols = dataset.features.cols;
  FeatureMap map = empty_feature_map(cols);
  if (!standardize) {
    for (std::size_t j = 0; j < cols; ++j) {
      map_column(dataset, j, false, 0.0, 0.0, 0.0, 0.0, map, constant_columns);
    }
    return map;
  }
  // Sums over the rows go block by block up the tree, as over rows held by several ranks.
  const std::vector<ColumnStatistics> statistics =
      blocks ? dense_column_statistics(*blocks, dataset.features.row(begin), end - begin, cols)
             : dense_column_statistics(dataset.features.row(begin), end - begin, cols);
  for (std::size_t j = 0; j < cols; ++j) {
    const ColumnStatistics& column = statistics[j];
    map_column(dataset, j, true, column.low, column.high, column.mean, column.sd, map,
               constant_columns);
  }
  return map;
}

// The ids of each set, per class, in id order: by_set[set][class] with sets subtrain,
// validation, test and class 0 negative, 1 positive; `unused` holds the positives that
// subsampling left out.
struct SetIds {
  std::vector<std::uint32_t> by_set[3][2];
  std::vector<std::uint32_t> unused;
};

// One process: every row of the dataset, by id.
SetIds set_ids(const Dataset& dataset, const SetMembership& membership) {
  SetIds sets;
  for (std::size_t p = 0; p < dataset.size(); ++p) {
    const std::uint8_t set = membership.set_of_row[p];
    const std::uint32_t id = dataset.row_id[p];
    if (set == kUnusedRow) {
      sets.unused.push_back(id);
    } else {
      sets.by_set[set][dataset.is_positive[p]].push_back(id);
    }
  }
  return sets;
}

void require_two_of_each_class(const SetMembership& membership, const std::string& dataset,
                               std::uint64_t seed, std::optional<double> positive_fraction) {
  const auto& parts = membership.count;
  bool too_few = false;
  for (int set = 0; set < 3; ++set) too_few = too_few || parts[set][0] < 2 || parts[set][1] < 2;
  if (!too_few) return;
  throw DataError(fmt::format(
      "{}, seed {}{}: too few examples of a class for AUC: subtrain has {} positive and {} "
      "negative examples, validation {} and {}, test {} and {}; every set needs at least 2 of "
      "each class: give more data, or change split.test or split.validation",
      dataset, seed,
      positive_fraction ? ", positive fraction " + format_number(*positive_fraction) : "",
      parts[0][1], parts[0][0], parts[1][1], parts[1][0], parts[2][1], parts[2][0]));
}

// A cut in one class's key order: the keys below the key of rank `k` (0-based), or every key
// when k is the class's size.
struct KeyCut {
  std::uint64_t key = 0;
  bool everything = false;
  bool below(std::uint64_t k) const { return everything || k < key; }
};

KeyCut cut_at(Communicator& communicator, std::span<const std::uint64_t> keys, std::uint64_t k,
              std::uint64_t size) {
  if (k >= size) return {0, true};
  return {kth_smallest_key(communicator, keys, k), false};
}

// Keeps in subtrain and validation only as many positives as make up the fraction `p` of the
// set (at least 2): the positives of smallest keys. Warns when a set has too few positives to
// reach it, and returns whether both sets reached it. `first_rank` is the rank, among the
// positive keys, of each set's first positive.
bool subsample_positives(Communicator& communicator, std::span<const std::uint64_t> positive_keys,
                         const std::size_t (&first_rank)[2], SetMembership& membership,
                         std::span<const std::size_t> positive_rows, double p,
                         const std::string& dataset, std::uint64_t seed) {
  bool reached = true;
  for (std::uint8_t set = 0; set < 2; ++set) {
    const std::size_t positives = membership.count[set][1];
    const std::size_t negatives = membership.count[set][0];
    const auto keep = static_cast<std::size_t>(
        std::max<long long>(2, std::llround(p * static_cast<double>(negatives) / (1 - p))));
    if (keep < positives) {
      const KeyCut cut = cut_at(communicator, positive_keys, first_rank[set] + keep,
                                std::numeric_limits<std::uint64_t>::max());
      for (std::size_t k = 0; k < positive_keys.size(); ++k) {
        std::uint8_t& row_set = membership.set_of_row[positive_rows[k]];
        if (row_set == set && !cut.below(positive_keys[k])) row_set = kUnusedRow;
      }
      membership.count[set][1] = keep;
    } else if (keep > positives) {
      reached = false;
      membership.warnings.push_back(fmt::format(
          "{}, seed {}: positive fraction {} is not reachable in {}, which has {} for {}: all "
          "are kept, so its positive fraction is {:.3f}; results of this split are labelled "
          "'{} (not reached)'",
          dataset, seed, format_number(p), set_name(static_cast<SetName>(set)),
          count_noun(positives, "positive"), count_noun(negatives, "negative"),
          static_cast<double>(positives) / static_cast<double>(negatives + positives),
          format_number(p)));
    }
  }
  return reached;
}

// Reorders the dataset's rows into subtrain, validation, test, then the unused rows, each part
// in id order, and gives each set its rows and targets.
void arrange_sets(Dataset& dataset, SetIds& sets, PreparedSplit& split) {
  std::vector<std::uint32_t> order;
  order.reserve(dataset.size());
  std::size_t bounds[4] = {0, 0, 0, 0};
  for (int set = 0; set < 3; ++set) {
    const std::size_t start = order.size();
    order.insert(order.end(), sets.by_set[set][0].begin(), sets.by_set[set][0].end());
    order.insert(order.end(), sets.by_set[set][1].begin(), sets.by_set[set][1].end());
    std::sort(order.begin() + static_cast<std::ptrdiff_t>(start), order.end());
    bounds[set + 1] = order.size();
  }
  std::sort(sets.unused.begin(), sets.unused.end());
  order.insert(order.end(), sets.unused.begin(), sets.unused.end());
  reorder_rows(dataset, order);

  SetRows* rows_of[3] = {&split.subtrain, &split.validation, &split.test};
  for (int set = 0; set < 3; ++set) {
    SetRows& rows = *rows_of[set];
    rows.begin = bounds[set];
    rows.end = bounds[set + 1];
    rows.targets = make_binary_targets_from_flags(
        std::vector<std::uint8_t>(dataset.is_positive.begin() + static_cast<std::ptrdiff_t>(rows.begin),
                                  dataset.is_positive.begin() + static_cast<std::ptrdiff_t>(rows.end)));
  }
}

// The feature map from the subtrain rows; refuses a subtrain set on which every feature is
// constant and warns about the columns that are.
void map_features(const Dataset& dataset, const SplitConfig& config, PreparedSplit& split,
                  const RowBlocks* subtrain_blocks = nullptr) {
  std::vector<std::size_t> constant_columns;
  split.feature_map = make_feature_map(dataset, split.subtrain.begin, split.subtrain.end,
                                       config.standardize, constant_columns, subtrain_blocks);
  // Over ranks every rank finds this alike, and the collective check ends them all with one
  // message (rather than each rank ending on its own).
  auto require_a_varying_feature = [&] {
    if (constant_columns.size() == dataset.feature_count()) {
      throw DataError(fmt::format(
          "{}, seed {}: every feature is constant on the subtrain set, so no model can rank its "
          "examples; check the feature columns (data.features, data.exclude)",
          dataset.name, split.seed));
    }
  };
  if (subtrain_blocks) {
    subtrain_blocks->communicator->collectively(require_a_varying_feature);
  } else {
    require_a_varying_feature();
  }
  // Levels of categorical columns that subtrain lacks are expected, and said apart.
  std::vector<std::uint8_t> is_level(dataset.feature_count(), 0);
  for (const CategoricalColumn& column : dataset.settings.categorical) {
    std::fill_n(is_level.begin() + static_cast<std::ptrdiff_t>(column.first_feature),
                column.levels.size(), 1);
  }
  std::vector<std::string> quoted;
  std::size_t unseen_levels = 0;
  for (std::size_t j : constant_columns) {
    if (is_level[j] && split.feature_map.mean[static_cast<Eigen::Index>(j)] == 0.0) {
      ++unseen_levels;
    } else {
      quoted.push_back("'" + dataset.feature_names[j] + "'");
    }
  }
  if (!quoted.empty()) {
    constexpr std::size_t kShown = 20;
    const std::size_t count = quoted.size();
    if (count > kShown) quoted.resize(kShown);
    split.warnings.push_back(fmt::format(
        "{}, seed {}: {} {} constant on subtrain and keep weight 0: {}{}", dataset.name, split.seed,
        count, count == 1 ? "column is" : "columns are", fmt::join(quoted, ", "),
        count > kShown ? fmt::format(" and {} more", count - kShown) : ""));
  }
  if (unseen_levels > 0) {
    split.notes.push_back(fmt::format(
        "{}, seed {}: {} of categorical columns {} not occur in subtrain; their features are 0 "
        "and left out of the model files",
        dataset.name, split.seed, count_noun(unseen_levels, "level"),
        unseen_levels == 1 ? "does" : "do"));
  }
}

}  // namespace

const char* set_name(SetName set) {
  switch (set) {
    case SetName::subtrain: return "subtrain";
    case SetName::validation: return "validation";
    case SetName::test: return "test";
  }
  return "?";
}

const SetRows& PreparedSplit::set(SetName name) const {
  switch (name) {
    case SetName::subtrain: return subtrain;
    case SetName::validation: return validation;
    case SetName::test: break;
  }
  return test;
}

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  // Rejection sampling removes the bias of a plain modulo.
  const std::uint64_t limit = bound * (UINT64_MAX / bound);
  std::uint64_t x;
  do {
    x = next();
  } while (x >= limit);
  return x % bound;
}

double SplitMix64::normal() {
  const double u1 = (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = static_cast<double>(next() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::uint64_t split_key(std::uint64_t seed, std::uint64_t row_id) {
  // Adding a word drawn from the seed, then SplitMix64's output mix: both are one-to-one on 64
  // bits, so two rows never share a key.
  std::uint64_t z = row_id + SplitMix64(seed).next();
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t kth_smallest_key(Communicator& communicator, std::span<const std::uint64_t> keys,
                               std::uint64_t k) {
  if (communicator.size() == 1) {
    if (k >= keys.size()) throw std::invalid_argument("kth_smallest_key: k is not below the count");
    std::vector<std::uint64_t> copy(keys.begin(), keys.end());
    std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(k), copy.end());
    return copy[k];
  }
  // Radix selection over the ranks: four rounds of a 2^16-bin histogram of the next 16 bits of
  // the keys that share the bits found so far, summed over the ranks.
  constexpr int kBits = 16;
  std::vector<std::uint64_t> histogram(std::size_t{1} << kBits);
  std::uint64_t prefix = 0;
  std::uint64_t rank_left = k;
  for (int shift = 64 - kBits; shift >= 0; shift -= kBits) {
    const std::uint64_t high_mask = shift + kBits == 64 ? 0 : ~std::uint64_t{0} << (shift + kBits);
    std::fill(histogram.begin(), histogram.end(), 0);
    for (const std::uint64_t key : keys) {
      if ((key & high_mask) == prefix) ++histogram[(key >> shift) & ((1u << kBits) - 1)];
    }
    communicator.allreduce_sum(histogram);
    std::size_t bin = 0;
    for (; bin < histogram.size() && rank_left >= histogram[bin]; ++bin) rank_left -= histogram[bin];
    if (bin == histogram.size()) {
      throw std::invalid_argument("kth_smallest_key: k is not below the count");
    }
    prefix |= static_cast<std::uint64_t>(bin) << shift;
  }
  return prefix;
}

SetMembership assign_sets(const Dataset& rows, const SplitConfig& config, std::uint64_t seed,
                          std::optional<double> positive_fraction, Communicator& communicator) {
  SetMembership membership;
  membership.set_of_row.assign(rows.size(), 0);
  // Each class's keys, and where they are.
  std::vector<std::uint64_t> keys[2];
  std::vector<std::size_t> where[2];
  for (std::size_t p = 0; p < rows.size(); ++p) {
    const int label = rows.is_positive[p] ? 1 : 0;
    keys[label].push_back(split_key(seed, rows.row_id[p]));
    where[label].push_back(p);
  }
  std::uint64_t class_size[2] = {keys[0].size(), keys[1].size()};
  communicator.allreduce_sum(class_size);
  std::size_t first_rank[2] = {0, 0};  // of validation and subtrain, among the positives
  for (int label = 0; label < 2; ++label) {
    // By key: the first round(test n) go to test, the next round(validation (n - test)) to
    // validation, the rest to subtrain.
    const auto n = static_cast<double>(class_size[label]);
    const auto test = static_cast<std::size_t>(std::llround(config.test * n));
    const auto validation =
        static_cast<std::size_t>(std::llround(config.validation * (n - static_cast<double>(test))));
    const KeyCut test_cut = cut_at(communicator, keys[label], test, class_size[label]);
    const KeyCut validation_cut =
        cut_at(communicator, keys[label], test + validation, class_size[label]);
    for (std::size_t k = 0; k < keys[label].size(); ++k) {
      const std::uint64_t key = keys[label][k];
      membership.set_of_row[where[label][k]] =
          test_cut.below(key) ? 2 : validation_cut.below(key) ? 1 : 0;
    }
    membership.count[2][label] = test;
    membership.count[1][label] = validation;
    membership.count[0][label] = class_size[label] - test - validation;
    if (label == 1) {
      first_rank[1] = test;
      first_rank[0] = test + validation;
    }
  }
  if (positive_fraction) {
    membership.positive_fraction_reached =
        subsample_positives(communicator, keys[1], first_rank, membership, where[1],
                            *positive_fraction, rows.name, seed);
  }
  return membership;
}

PreparedSplit prepare_split(Dataset& dataset, const SplitConfig& config, std::uint64_t seed,
                            std::optional<double> positive_fraction) {
  PreparedSplit split;
  split.seed = seed;
  split.positive_fraction = positive_fraction;
  SingleProcessCommunicator one_process;
  SetMembership membership = assign_sets(dataset, config, seed, positive_fraction, one_process);
  split.positive_fraction_reached = membership.positive_fraction_reached;
  split.warnings = std::move(membership.warnings);
  require_two_of_each_class(membership, dataset.name, seed, positive_fraction);
  SetIds sets = set_ids(dataset, membership);
  arrange_sets(dataset, sets, split);
  map_features(dataset, config, split);
  return split;
}

namespace {

// Which rank holds each block of a set of `rows` rows: consecutive runs of whole blocks of
// kSumBlockRows rows, rank r from block floor(r K / P) on. Returns every rank's first block,
// and K at the end.
std::vector<std::size_t> first_blocks(std::size_t rows, int ranks) {
  const std::size_t blocks = (rows + kSumBlockRows - 1) / kSumBlockRows;
  std::vector<std::size_t> first(static_cast<std::size_t>(ranks) + 1);
  for (std::size_t r = 0; r <= static_cast<std::size_t>(ranks); ++r) {
    first[r] = r * blocks / static_cast<std::size_t>(ranks);
  }
  return first;
}

// Sends each row of one set to the rank that holds its block, and appends the rows this rank
// receives to `out`, in the set's order (the rows' global order). `rows` are this rank's rows
// of the set, in global order; `position` is the set position of the first.
RowBlocks move_set_rows(Communicator& communicator, const Dataset& share,
                        const std::vector<std::size_t>& rows, std::size_t set_size,
                        std::size_t position, Dataset& out) {
  const int ranks = communicator.size();
  const std::vector<std::size_t> first = first_blocks(set_size, ranks);
  const std::size_t cols = share.features.cols;
  std::vector<std::size_t> send(static_cast<std::size_t>(ranks), 0);
  int destination = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t block = (position + k) / kSumBlockRows;
    while (first[static_cast<std::size_t>(destination) + 1] <= block) ++destination;
    ++send[static_cast<std::size_t>(destination)];
  }
  std::vector<double> values;
  values.reserve(rows.size() * cols);
  std::vector<std::uint8_t> labels;
  std::vector<std::uint32_t> ids;
  std::vector<std::size_t> lines;
  for (const std::size_t p : rows) {
    values.insert(values.end(), share.features.row(p), share.features.row(p) + cols);
    labels.push_back(share.is_positive[p]);
    ids.push_back(share.row_id[p]);
    lines.push_back(share.line[p]);
  }
  std::vector<std::size_t> received;
  auto move = [&](auto& data, std::size_t width, auto& target) {
    std::vector<std::size_t> counts = send;
    for (std::size_t& count : counts) count *= width;
    auto arrived = communicator.alltoallv(std::span(std::as_const(data)), counts, received);
    target.insert(target.end(), arrived.begin(), arrived.end());
  };
  move(values, cols, out.features.values);
  move(labels, 1, out.is_positive);
  move(ids, 1, out.row_id);
  move(lines, 1, out.line);
  out.features.rows = out.is_positive.size();
  const auto rank = static_cast<std::size_t>(communicator.rank());
  return {&communicator, first[rank], first[static_cast<std::size_t>(ranks)]};
}

}  // namespace

SharedSplit prepare_shared_split(const Dataset& share, const SplitConfig& config,
                                 std::uint64_t seed, std::optional<double> positive_fraction,
                                 Communicator& communicator) {
  if (share.sparse) {
    throw ConfigError("train.parallel: data: sparse features are not spread over processes; use "
                      "train.parallel: runs, or data.storage: dense");
  }
  SharedSplit shared;
  PreparedSplit& split = shared.split;
  split.seed = seed;
  split.positive_fraction = positive_fraction;
  shared.membership = assign_sets(share, config, seed, positive_fraction, communicator);
  SetMembership& membership = shared.membership;
  split.positive_fraction_reached = membership.positive_fraction_reached;
  split.warnings = membership.warnings;
  // Every rank finds this alike, from the counts over every rank: the collective check ends
  // them all with one message.
  communicator.collectively(
      [&] { require_two_of_each_class(membership, share.name, seed, positive_fraction); });

  Dataset& rows = shared.rows;
  rows.name = share.name;
  rows.source = share.source;
  rows.feature_names = share.feature_names;
  rows.center = share.center;
  rows.scale = share.scale;
  rows.settings = share.settings;
  rows.label_values = share.label_values;
  rows.fingerprint = share.fingerprint;
  rows.features.cols = share.features.cols;
  SetRows* sets[3] = {&split.subtrain, &split.validation, &split.test};
  for (std::uint8_t set = 0; set < 3; ++set) {
    std::vector<std::size_t> local;
    for (std::size_t p = 0; p < share.size(); ++p) {
      if (membership.set_of_row[p] == set) local.push_back(p);
    }
    const std::size_t set_size = membership.count[set][0] + membership.count[set][1];
    const std::size_t position = communicator.exscan_sum(local.size());
    SetRows& target = *sets[set];
    target.begin = rows.size();
    shared.blocks[set] = move_set_rows(communicator, share, local, set_size, position, rows);
    target.end = rows.size();
    target.targets = make_binary_targets_from_flags(std::vector<std::uint8_t>(
        rows.is_positive.begin() + static_cast<std::ptrdiff_t>(target.begin),
        rows.is_positive.begin() + static_cast<std::ptrdiff_t>(target.end)));
    // The class totals of the whole set: counts, so exact in any order.
    BinaryTargets& targets = target.targets;
    targets.negative_count = membership.count[set][0];
    targets.positive_count = membership.count[set][1];
    targets.negative_weight = static_cast<double>(targets.negative_count);
    targets.positive_weight = static_cast<double>(targets.positive_count);
    targets.error_diffs.fp_total = targets.negative_weight;
    targets.error_diffs.fn_total = targets.positive_weight;
    targets.spread = shared.blocks[set];
  }
  map_features(rows, config, split, &shared.blocks[0]);
  return shared;
}

}  // namespace aumtrain
