#include "aumtrain/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

// A dataset of n rows whose first feature is the row's id and second is id^2, every third row
// positive, and row i read from line 2 i + 3 of its file.
Dataset synthetic(std::size_t n) {
  Dataset d;
  d.name = "synthetic";
  d.feature_names = {"id", "square", "constant"};
  d.features.cols = 3;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    d.features.values.insert(d.features.values.end(), {x, x * x / 100.0, 7.0});
    d.is_positive.push_back(i % 3 == 0);
    d.row_id.push_back(static_cast<std::uint32_t>(i));
    d.line.push_back(2 * i + 3);
  }
  d.features.rows = n;
  d.center.assign(3, 0.0);
  d.scale.assign(3, 1.0);
  return d;
}

std::vector<std::uint32_t> ids_of(const Dataset& d, const SetRows& set) {
  return {d.row_id.begin() + static_cast<std::ptrdiff_t>(set.begin),
          d.row_id.begin() + static_cast<std::ptrdiff_t>(set.end)};
}

TEST(Split, IsStratifiedWithTheDocumentedCounts) {
  Dataset d = synthetic(300);  // 100 positives, 200 negatives
  SplitConfig config;
  config.test = 0.25;
  config.validation = 0.2;
  const PreparedSplit s = prepare_split(d, config, 1, std::nullopt);
  // Per class: test = round(0.25 n), validation = round(0.2 (n - test)), the rest subtrain.
  EXPECT_EQ(s.test.targets.positive_count, 25u);
  EXPECT_EQ(s.test.targets.negative_count, 50u);
  EXPECT_EQ(s.validation.targets.positive_count, 15u);
  EXPECT_EQ(s.validation.targets.negative_count, 30u);
  EXPECT_EQ(s.subtrain.targets.positive_count, 60u);
  EXPECT_EQ(s.subtrain.targets.negative_count, 120u);
  EXPECT_EQ(s.subtrain.begin, 0u);
  EXPECT_EQ(s.validation.begin, s.subtrain.end);
  EXPECT_EQ(s.test.begin, s.validation.end);
  // Every row lands in exactly one set, with its own features and label.
  std::set<std::uint32_t> all;
  for (std::size_t p = 0; p < d.size(); ++p) {
    all.insert(d.row_id[p]);
    EXPECT_EQ(d.features.row(p)[0], d.row_id[p]) << "row " << p;
    EXPECT_EQ(d.is_positive[p], d.row_id[p] % 3 == 0) << "row " << p;
    EXPECT_EQ(d.line[p], 2 * d.row_id[p] + 3) << "row " << p;
  }
  EXPECT_EQ(all.size(), 300u);
}

TEST(Split, DependsOnlyOnTheSeed) {
  Dataset a = synthetic(120), b = synthetic(120);
  SplitConfig config;
  prepare_split(b, config, 5, 0.1);  // an earlier, different split of b
  prepare_split(b, config, 2, std::nullopt);
  const PreparedSplit from_a = prepare_split(a, config, 7, std::nullopt);
  const PreparedSplit from_b = prepare_split(b, config, 7, std::nullopt);
  for (SetName set : kAllSets) {
    EXPECT_EQ(ids_of(a, from_a.set(set)), ids_of(b, from_b.set(set))) << set_name(set);
  }
  EXPECT_EQ(a.features.values, b.features.values);
  const PreparedSplit other = prepare_split(b, config, 8, std::nullopt);
  EXPECT_NE(ids_of(a, from_a.test), ids_of(b, other.test));
}

TEST(Split, PositiveFractionSubsamplesSubtrainAndValidationOnly) {
  Dataset d = synthetic(600);  // 200 positives, 400 negatives
  SplitConfig config;
  const PreparedSplit full = prepare_split(d, config, 3, std::nullopt);
  const auto full_test = ids_of(d, full.test);
  const PreparedSplit s = prepare_split(d, config, 3, 0.1);
  // negatives: test 100, validation round(0.25 * 300) = 75, subtrain 225.
  EXPECT_EQ(s.subtrain.targets.negative_count, 225u);
  EXPECT_EQ(s.subtrain.targets.positive_count, 25u);   // round(0.1 * 225 / 0.9)
  EXPECT_EQ(s.validation.targets.negative_count, 75u);
  EXPECT_EQ(s.validation.targets.positive_count, 8u);  // round(0.1 * 75 / 0.9) = round(8.33)
  EXPECT_EQ(s.test.targets.positive_count, 50u);       // untouched
  EXPECT_EQ(ids_of(d, s.test), full_test);             // the same test set
  const PreparedSplit tiny = prepare_split(d, config, 3, 0.001);
  EXPECT_EQ(tiny.validation.targets.positive_count, 2u);  // never below 2
  const PreparedSplit unreachable = prepare_split(d, config, 3, 0.9);
  EXPECT_EQ(unreachable.subtrain.targets.positive_count, 112u);  // all of them
  EXPECT_EQ(std::count_if(unreachable.warnings.begin(), unreachable.warnings.end(),
                          [](const std::string& w) { return w.find("not reachable") != std::string::npos; }),
            2);
}

TEST(Split, AnUnreachedPositiveFractionIsMarkedAndTheWarningSaysTheFractionReached) {
  Dataset d = synthetic(600);  // 200 positives, 400 negatives
  SplitConfig config;
  EXPECT_TRUE(prepare_split(d, config, 3, 0.1).positive_fraction_reached);
  EXPECT_TRUE(prepare_split(d, config, 3, std::nullopt).positive_fraction_reached);
  const PreparedSplit s = prepare_split(d, config, 3, 0.9);
  EXPECT_FALSE(s.positive_fraction_reached);
  std::vector<std::string> warnings;  // leaving out the one about the constant feature
  for (const std::string& w : s.warnings) {
    if (w.find("not reachable") != std::string::npos) warnings.push_back(w);
  }
  ASSERT_EQ(warnings.size(), 2u);
  // Subtrain keeps its 112 positives beside 225 negatives: 112 / 337 = 0.332.
  EXPECT_EQ(warnings[0],
            "synthetic, seed 3: positive fraction 0.9 is not reachable in subtrain, which has 112 "
            "positives for 225 negatives: all are kept, so its positive fraction is 0.332; "
            "results of this split are labelled '0.9 (not reached)'");
  EXPECT_NE(warnings[1].find("in validation, which has 38 positives for 75 negatives"),
            std::string::npos)
      << warnings[1];
  EXPECT_EQ(positive_fraction_label(0.9, false), "0.9 (not reached)");
  EXPECT_EQ(positive_fraction_label(0.9, true), "0.9");
  EXPECT_EQ(positive_fraction_label(std::nullopt, true), "as-is");
}

TEST(Split, TooFewOfAClassIsAnError) {
  Dataset d = synthetic(12);  // 4 positives: test 1
  SplitConfig config;
  try {
    prepare_split(d, config, 1, std::nullopt);
    FAIL();
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("subtrain has 2 positive and 4 negative examples, validation 1 and 2, test 1 and 2"), std::string::npos)
        << error.what();
  }
}

TEST(Split, StandardisationUsesSubtrainStatistics) {
  Dataset d = synthetic(90);
  SplitConfig config;
  const PreparedSplit s = prepare_split(d, config, 4, std::nullopt);
  const FeatureMap& map = s.feature_map;
  // Model features on subtrain have mean 0 and sd 1.
  for (Eigen::Index j = 0; j < 2; ++j) {
    double sum = 0, squares = 0;
    for (std::size_t i = s.subtrain.begin; i < s.subtrain.end; ++i) {
      const double x = map.multiplier[j] * d.features.row(i)[j] + map.offset[j];
      sum += x;
      squares += x * x;
    }
    const double n = static_cast<double>(s.subtrain.size());
    EXPECT_NEAR(sum / n, 0.0, 1e-12) << "feature " << j;
    EXPECT_NEAR(squares / n, 1.0, 1e-12) << "feature " << j;
  }
  // The constant column is fixed at zero, with a warning.
  EXPECT_EQ(map.fixed_at_zero, (std::vector<std::uint8_t>{0, 0, 1}));
  EXPECT_EQ(map.multiplier[2], 0.0);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("'constant'"), std::string::npos) << s.warnings[0];

  config.standardize = false;
  const PreparedSplit raw = prepare_split(d, config, 4, std::nullopt);
  EXPECT_EQ(raw.feature_map.multiplier[0], 1.0);
  EXPECT_EQ(raw.feature_map.offset[0], 0.0);
  EXPECT_TRUE(raw.warnings.empty());
}

TEST(SplitMix64, IsDeterministicAndUniformEnough) {
  SplitMix64 a(42), b(42);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next(), b.next());
  SplitMix64 rng(1);
  std::vector<int> counts(5, 0);
  for (int i = 0; i < 50000; ++i) ++counts[rng.below(5)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
  double sum = 0, squares = 0;
  for (int i = 0; i < 50000; ++i) {
    const double x = rng.normal();
    sum += x;
    squares += x * x;
  }
  EXPECT_NEAR(sum / 50000, 0.0, 0.02);
  EXPECT_NEAR(squares / 50000, 1.0, 0.03);
}

}  // namespace
}  // namespace aumtrain
