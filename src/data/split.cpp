#include "aumtrain/data/split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/data/column_statistics.hpp"

namespace aumtrain {
namespace {

// Fisher-Yates with our own generator, so a seed gives the same split everywhere.
void shuffle(std::vector<std::uint32_t>& ids, SplitMix64& rng) {
  for (std::size_t i = ids.size(); i > 1; --i) {
    std::swap(ids[i - 1], ids[rng.below(i)]);
  }
}

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
                            bool standardize, std::vector<std::size_t>& constant_columns) {
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
      dense_column_statistics(dataset.features.row(begin), end - begin, cols);
  for (std::size_t j = 0; j < cols; ++j) {
    const ColumnStatistics& column = statistics[j];
    map_column(dataset, j, true, column.low, column.high, column.mean, column.sd, map,
               constant_columns);
  }
  return map;
}

// The ids of each set, per class, in shuffled order: by_set[set][class] with sets subtrain,
// validation, test and class 0 negative, 1 positive; `unused` holds the positives that
// subsampling left out.
struct SetIds {
  std::vector<std::uint32_t> by_set[3][2];
  std::vector<std::uint32_t> unused;
};

// Stratified: each class is shuffled, round(test * n) of it goes to test, then
// round(validation * rest) to validation, and the remainder to subtrain.
SetIds split_each_class(std::vector<std::uint32_t> (&ids)[2], const SplitConfig& config,
                        SplitMix64& rng) {
  SetIds sets;
  for (int label = 0; label < 2; ++label) {
    shuffle(ids[label], rng);
    const auto count = static_cast<double>(ids[label].size());
    const auto test = static_cast<std::size_t>(std::llround(config.test * count));
    const auto validation =
        static_cast<std::size_t>(std::llround(config.validation * (count - static_cast<double>(test))));
    const auto begin = ids[label].begin();
    sets.by_set[2][label].assign(begin, begin + static_cast<std::ptrdiff_t>(test));
    sets.by_set[1][label].assign(begin + static_cast<std::ptrdiff_t>(test),
                                 begin + static_cast<std::ptrdiff_t>(test + validation));
    sets.by_set[0][label].assign(begin + static_cast<std::ptrdiff_t>(test + validation),
                                 ids[label].end());
  }
  return sets;
}

// Keeps in subtrain and validation only as many positives as make up the fraction `p` of the
// set (at least 2); warns when a set has too few positives to reach it, and returns whether
// both sets reached it.
bool subsample_positives(SetIds& sets, double p, const std::string& dataset, std::uint64_t seed,
                         std::vector<std::string>& warnings) {
  bool reached = true;
  for (int set = 0; set < 2; ++set) {
    auto& positives = sets.by_set[set][1];
    const double negatives = static_cast<double>(sets.by_set[set][0].size());
    const auto keep = static_cast<std::size_t>(std::max<long long>(2, std::llround(p * negatives / (1 - p))));
    if (keep < positives.size()) {
      sets.unused.insert(sets.unused.end(), positives.begin() + static_cast<std::ptrdiff_t>(keep),
                         positives.end());
      positives.resize(keep);
    } else if (keep > positives.size()) {
      reached = false;
      warnings.push_back(fmt::format(
          "{}, seed {}: positive fraction {} is not reachable in {}, which has {} for {}: all "
          "are kept, so its positive fraction is {:.3f}; results of this split are labelled "
          "'{} (not reached)'",
          dataset, seed, format_number(p), set_name(static_cast<SetName>(set)),
          count_noun(positives.size(), "positive"),
          count_noun(sets.by_set[set][0].size(), "negative"),
          static_cast<double>(positives.size()) /
              (negatives + static_cast<double>(positives.size())),
          format_number(p)));
    }
  }
  return reached;
}

void require_two_of_each_class(const SetIds& sets, const std::string& dataset,
                               std::uint64_t seed, std::optional<double> positive_fraction) {
  const auto& parts = sets.by_set;
  bool too_few = false;
  for (int set = 0; set < 3; ++set) too_few = too_few || parts[set][0].size() < 2 || parts[set][1].size() < 2;
  if (!too_few) return;
  throw DataError(fmt::format(
      "{}, seed {}{}: too few examples of a class for AUC: subtrain has {} positive and {} "
      "negative examples, validation {} and {}, test {} and {}; every set needs at least 2 of "
      "each class: give more data, or change split.test or split.validation",
      dataset, seed,
      positive_fraction ? ", positive fraction " + format_number(*positive_fraction) : "",
      parts[0][1].size(), parts[0][0].size(), parts[1][1].size(), parts[1][0].size(),
      parts[2][1].size(), parts[2][0].size()));
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
void map_features(const Dataset& dataset, const SplitConfig& config, PreparedSplit& split) {
  std::vector<std::size_t> constant_columns;
  split.feature_map = make_feature_map(dataset, split.subtrain.begin, split.subtrain.end,
                                       config.standardize, constant_columns);
  if (constant_columns.size() == dataset.feature_count()) {
    throw DataError(fmt::format(
        "{}, seed {}: every feature is constant on the subtrain set, so no model can rank its "
        "examples; check the feature columns (data.features, data.exclude)",
        dataset.name, split.seed));
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

PreparedSplit prepare_split(Dataset& dataset, const SplitConfig& config, std::uint64_t seed,
                            std::optional<double> positive_fraction) {
  const std::size_t n = dataset.size();
  std::vector<std::uint8_t> positive_by_id(n);
  for (std::size_t p = 0; p < n; ++p) positive_by_id[dataset.row_id[p]] = dataset.is_positive[p];
  std::vector<std::uint32_t> ids[2];
  for (std::uint32_t id = 0; id < n; ++id) ids[positive_by_id[id]].push_back(id);

  PreparedSplit split;
  split.seed = seed;
  split.positive_fraction = positive_fraction;
  SplitMix64 rng(seed);
  SetIds sets = split_each_class(ids, config, rng);
  if (positive_fraction) {
    split.positive_fraction_reached =
        subsample_positives(sets, *positive_fraction, dataset.name, seed, split.warnings);
  }
  require_two_of_each_class(sets, dataset.name, seed, positive_fraction);
  arrange_sets(dataset, sets, split);
  map_features(dataset, config, split);
  return split;
}

}  // namespace aumtrain
