// One-hot encoding of categorical CSV columns: levels, missing values, sparse and dense storage,
// and the levels a split's subtrain set lacks.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/split.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

constexpr const char* kTable =
    "color,x,size,y\n"
    "red,1.5,S,1\n"
    "blue,0,M,0\n"
    "red,-2,,1\n"
    "green,3,S,0\n"
    "blue,0,L,1\n";

DatasetEntry csv_entry(const std::string& path) {
  DatasetEntry entry;
  entry.name = "table";
  entry.data.path = path;
  return entry;
}

std::string categorical_load_error(const DatasetEntry& entry) {
  try {
    load_dataset(entry);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// The raw values of every row, densely, whatever the storage.
std::vector<std::vector<double>> raw_rows(const Dataset& d) {
  std::vector<std::vector<double>> rows(d.size(), std::vector<double>(d.feature_count(), 0.0));
  for (std::size_t r = 0; r < d.size(); ++r) {
    for (std::size_t j = 0; j < d.feature_count(); ++j) {
      if (!d.sparse) rows[r][j] = d.center[j] + d.scale[j] * d.features.row(r)[j];
    }
    if (!d.sparse) continue;
    const SparseFeatureMatrix& m = d.sparse_features;
    for (auto k = m.row_start[r]; k < m.row_start[r + 1]; ++k) {
      const auto j = static_cast<std::size_t>(m.column[static_cast<std::size_t>(k)]);
      rows[r][j] = d.scale[j] * m.value[static_cast<std::size_t>(k)];
    }
  }
  return rows;
}

void expect_rows_near(const Dataset& d, const std::vector<std::vector<double>>& expected,
                      const std::string& what) {
  const auto rows = raw_rows(d);
  ASSERT_EQ(rows.size(), expected.size()) << what;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t j = 0; j < expected[r].size(); ++j) {
      EXPECT_NEAR(rows[r][j], expected[r][j], 1e-12) << what << ", row " << r << ", feature " << d.feature_names[j];
    }
  }
}

TEST(Categorical, EachLevelIsAZeroOneFeatureNamedColumnEqualsLevel) {
  testing::TempDir dir;
  DatasetEntry entry = csv_entry(dir.write("t.csv", kTable));
  entry.data.categorical = {"color", "size"};
  entry.data.missing = MissingPolicy::category;
  const Dataset d = load_dataset(entry);
  EXPECT_TRUE(d.sparse);  // storage: auto with categorical columns
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"color=red", "color=blue", "color=green", "x",
                                                       "size=S", "size=M", "size=NA", "size=L"}));
  ASSERT_EQ(d.settings.categorical.size(), 2u);
  EXPECT_EQ(d.settings.categorical[1].column, "size");
  EXPECT_EQ(d.settings.categorical[1].first_feature, 4u);
  const std::vector<std::vector<double>> expected = {{1, 0, 0, 1.5, 1, 0, 0, 0},
                                                     {0, 1, 0, 0, 0, 1, 0, 0},
                                                     {1, 0, 0, -2, 0, 0, 1, 0},
                                                     {0, 0, 1, 3, 1, 0, 0, 0},
                                                     {0, 1, 0, 0, 0, 0, 0, 1}};
  expect_rows_near(d, expected, "sparse");
  entry.data.storage = FeatureStorage::dense;
  const Dataset dense = load_dataset(entry);
  EXPECT_FALSE(dense.sparse);
  EXPECT_EQ(dense.feature_names, d.feature_names);
  expect_rows_near(dense, expected, "dense");
  // auto finds the columns with text; the label is never one of them.
  DatasetEntry automatic = csv_entry(entry.data.path);
  automatic.data.categorical_auto = true;
  automatic.data.missing = MissingPolicy::category;
  EXPECT_EQ(load_dataset(automatic).feature_names, d.feature_names);
}

TEST(Categorical, MissingLevelsFollowDataMissing) {
  testing::TempDir dir;
  DatasetEntry entry = csv_entry(dir.write("t.csv", kTable));
  entry.data.categorical = {"color", "size"};
  EXPECT_EQ(categorical_load_error(entry),
            entry.data.path + ":4:8: column 'size' has a missing value (''); fill it, or set "
                              "data.missing: drop_rows to drop such rows or category to make it a "
                              "level of its own");
  entry.data.missing = MissingPolicy::drop_rows;
  const Dataset dropped = load_dataset(entry);
  EXPECT_EQ(dropped.size(), 4u);
  EXPECT_EQ(dropped.first_dropped_lines, (std::vector<std::size_t>{4}));
  // category makes a level of a categorical cell only: a numeric cell stays an error.
  DatasetEntry numeric = csv_entry(dir.write("n.csv", "color,x,y\nred,,1\nblue,2,0\n"));
  numeric.data.categorical = {"color"};
  numeric.data.missing = MissingPolicy::category;
  EXPECT_NE(categorical_load_error(numeric).find(":2:5: column 'x' has a missing value"), std::string::npos);
}

TEST(Categorical, ListedColumnsMustBeFeatureColumns) {
  testing::TempDir dir;
  const std::string path = dir.write("t.csv", kTable);
  struct Case {
    std::vector<std::string> categorical;
    std::vector<std::string> exclude;
    const char* message;
  };
  for (const Case& c : {Case{{"shape"}, {}, "data.categorical: no column 'shape' in"},
                        Case{{"y"}, {}, "data.categorical: 'y' is the label column; leave it out"},
                        Case{{"color"}, {"color"}, "data.categorical: 'color' is not a feature column"},
                        Case{{"color", "color"}, {}, "data.categorical: 'color' is listed twice"}}) {
    DatasetEntry entry = csv_entry(path);
    entry.data.categorical = c.categorical;
    entry.data.exclude = c.exclude;
    entry.data.missing = MissingPolicy::category;
    EXPECT_EQ(categorical_load_error(entry).rfind(c.message, 0), 0u) << c.message << " / " << categorical_load_error(entry);
  }
  DatasetEntry text = csv_entry(path);
  text.data.missing = MissingPolicy::category;
  EXPECT_NE(categorical_load_error(text).find(":2:1: column 'color': 'red' is not a number; fix the cell, leave "
                                  "the column out with data.exclude, or one-hot encode it with "
                                  "data.categorical"),
            std::string::npos);
}

// Levels that subtrain lacks are constant 0 there: fixed at zero, and a note says how many.
TEST(Categorical, LevelsMissingFromSubtrainAreFixedAtZero) {
  testing::TempDir dir;
  std::string text = "kind,x,y\n";
  for (int i = 0; i < 80; ++i) text += fmt::format("{},{},{}\n", i % 2 ? "a" : "b", i % 7, i % 2);
  text += "rare,1,1\n";
  DatasetEntry entry = csv_entry(dir.write("t.csv", text));
  entry.data.categorical_auto = true;
  Dataset d = load_dataset(entry);
  ASSERT_EQ(d.feature_names, (std::vector<std::string>{"kind=b", "kind=a", "kind=rare", "x"}));
  SplitConfig config;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const PreparedSplit split = prepare_split(d, config, seed, std::nullopt);
    const bool rare_in_subtrain = [&] {
      for (std::size_t p = split.subtrain.begin; p < split.subtrain.end; ++p) {
        if (d.line[p] == 82) return true;
      }
      return false;
    }();
    EXPECT_EQ(split.feature_map.fixed_at_zero[2], rare_in_subtrain ? 0 : 1) << "seed " << seed;
    EXPECT_EQ(split.notes.size(), rare_in_subtrain ? 0u : 1u) << "seed " << seed;
    EXPECT_TRUE(split.warnings.empty()) << "seed " << seed << ": " << split.warnings.front();
  }
}

}  // namespace
}  // namespace aumtrain
