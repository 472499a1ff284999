#include "aumtrain/data/dataset.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

DatasetEntry entry_for(const std::string& path) {
  DatasetEntry entry;
  entry.name = "toy";
  entry.data.path = path;
  return entry;
}

// The raw value of a loaded feature: center + scale * stored.
double raw(const Dataset& d, std::size_t row, std::size_t col) {
  return d.center[col] + d.scale[col] * d.features.row(row)[col];
}

std::string error_of(const DatasetEntry& entry) {
  try {
    load_dataset(entry);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(Dataset, ReadsEachDelimiterWithTheLastColumnAsLabel) {
  testing::TempDir dir;
  for (const auto& [text, delimiter] :
       {std::pair{"a,b,y\n1,2.5,1\n3,4,0\n5,6,1\n", ','}, std::pair{"a;b;y\n1;2.5;1\n3;4;0\n5;6;1\n", ';'},
        std::pair{"a\tb\ty\n1\t2.5\t1\n3\t4\t0\n5\t6\t1\n", '\t'}}) {
    const Dataset d = load_dataset(entry_for(dir.write("d.csv", text)));
    EXPECT_EQ(d.settings.delimiter, delimiter);  // detected, and recorded for model files
    EXPECT_EQ(d.settings.label_column, "y");
    EXPECT_EQ(d.line, (std::vector<std::size_t>{2, 3, 4}));
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(d.is_positive, (std::vector<std::uint8_t>{1, 0, 1}));
    ASSERT_EQ(d.features.rows, 3u);
    EXPECT_NEAR(raw(d, 0, 1), 2.5, 1e-12);
    EXPECT_NEAR(raw(d, 2, 0), 5.0, 1e-12);
  }
}

TEST(Dataset, StoredFeaturesAreConditionedByTheRangeOfTheirColumn) {
  // Column a: 1, 2, 3, 10: low 1, high 10, center 5.5, scale 4.5. Column b is constant: its
  // center is its value, its scale 1, and it is stored as 0.
  testing::TempDir dir;
  const Dataset d =
      load_dataset(entry_for(dir.write("d.csv", "a,b,y\n1,-7,1\n2,-7,0\n3,-7,1\n10,-7,0\n")));
  EXPECT_EQ(d.center, (std::vector<double>{5.5, -7.0}));
  EXPECT_EQ(d.scale, (std::vector<double>{4.5, 1.0}));
  const double a[] = {1, 2, 3, 10};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(d.features.row(i)[0], (a[i] - 5.5) / 4.5) << "row " << i;
    EXPECT_EQ(d.features.row(i)[1], 0.0) << "row " << i;
  }
  EXPECT_EQ(d.features.row(0)[0], -1.0);
  EXPECT_EQ(d.features.row(3)[0], 1.0);
  EXPECT_EQ(d.total_rows, 4u);
  EXPECT_EQ(d.first_row, 0u);
}

TEST(Dataset, ConditioningByRangeStaysFiniteNearTheLargestDoubles) {
  // (low + high) / 2 would overflow here; low / 2 + high / 2 does not.
  testing::TempDir dir;
  const Dataset d = load_dataset(entry_for(dir.write("d.csv", "a,y\n1e308,1\n1.5e308,0\n")));
  EXPECT_EQ(d.center[0], 1e308 / 2 + 1.5e308 / 2);
  EXPECT_EQ(d.scale[0], 1.5e308 / 2 - 1e308 / 2);
  EXPECT_EQ(d.features.row(0)[0], -1.0);
  EXPECT_EQ(d.features.row(1)[0], 1.0);
}

TEST(Dataset, ConditioningTakesALargeOffsetOut) {
  testing::TempDir dir;
  const Dataset d = load_dataset(entry_for(dir.write("d.csv", "a,y\n1000001,1\n1000003,0\n")));
  EXPECT_DOUBLE_EQ(d.center[0], 1000002.0);
  EXPECT_DOUBLE_EQ(d.scale[0], 1.0);
  EXPECT_DOUBLE_EQ(d.features.row(0)[0], -1.0);
  EXPECT_DOUBLE_EQ(d.features.row(1)[0], 1.0);
}

TEST(Dataset, StringLabelsAndOneVersusRest) {
  testing::TempDir dir;
  DatasetEntry entry = entry_for(dir.write("d.csv", "x,class\n1,M\n2,B\n3,\"M\"\n"));
  entry.data.positive_label = "M";
  EXPECT_EQ(load_dataset(entry).is_positive, (std::vector<std::uint8_t>{1, 0, 1}));
  DatasetEntry three = entry_for(dir.write("three.csv", "x,digit\n1,1\n2,2\n3,3\n4,2.0\n"));
  three.data.positive_label = "2";  // numeric labels match as numbers: 2.0 is 2
  const Dataset d = load_dataset(three);
  EXPECT_EQ(d.is_positive, (std::vector<std::uint8_t>{0, 1, 0, 1}));
  EXPECT_EQ(d.label_values, (std::vector<std::string>{"1", "2", "3", "2.0"}));
}

TEST(Dataset, LabelColumnFeaturesAndExclude) {
  testing::TempDir dir;
  DatasetEntry entry = entry_for(dir.write("d.csv", "id,y,a,b,c\n7,1,1,2,3\n8,0,4,5,6\n"));
  entry.data.label = "y";
  entry.data.exclude = {"id"};
  Dataset d = load_dataset(entry);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(d.settings.exclude, (std::vector<std::string>{"id"}));
  entry.data.features = {"c", "a"};
  entry.data.exclude = {};
  d = load_dataset(entry);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"c", "a"}));
  EXPECT_NEAR(raw(d, 1, 0), 6.0, 1e-12);
}

TEST(Dataset, MissingValuesAreLocatedOrDroppedAndCounted) {
  testing::TempDir dir;
  const auto path = dir.write("d.csv", "a,b,y\n1,2,1\n3,NA,0\n5,6,1\n,8,0\n9,10,?\n11,12,0\n");
  DatasetEntry entry = entry_for(path);
  EXPECT_EQ(error_of(entry), path + ":3:3: column 'b' has a missing value ('NA'); fill it, or set "
                                    "data.missing: drop_rows to drop such rows");
  entry.data.missing = MissingPolicy::drop_rows;
  const Dataset d = load_dataset(entry);
  EXPECT_EQ(d.dropped_rows, 3u);
  EXPECT_EQ(d.first_dropped_lines, (std::vector<std::size_t>{3, 5, 6}));
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.line, (std::vector<std::size_t>{2, 4, 7}));
  EXPECT_NEAR(raw(d, 1, 1), 6.0, 1e-12);
}

TEST(Dataset, BadCellsAreLocated) {
  testing::TempDir dir;
  struct Case {
    const char* content;
    std::string expected;  // after the path
  };
  const Case cases[] = {
      {"a,b,y\n1,2,1\n3,x4,0\n", ":3:3: column 'b': 'x4' is not a number"},
      {"a,b,y\n1,2,1\n3,inf,0\n", ":3:3: column 'b': 'inf' is not a finite number"},
      {"a,b,y\n1,2,1\n3,0\n", ":3: this row has 2 fields but the header has 3"},
      {"a,a,y\n1,2,1\n", ":1:3: column 'a' is named twice (also column 1)"},
      {"", ": the file is empty"},
      {"a,b,y\n", ": the file has a header but no data rows"},
      {"a,b,y\n1,2,1\n3,4,1\n", ": all 2 rows are positive"},
      {"a,y\n1,0\n2,0\n", "data.positive_label: '1' never occurs"},
      {"a,b,y\n1,5,1\n1,5,0\n", ": every feature column is constant"},
  };
  for (const Case& c : cases) {
    const auto path = dir.write("bad.csv", c.content);
    const std::string message = error_of(entry_for(path));
    const std::string expected =
        c.expected.starts_with("data.") ? c.expected : path + c.expected;
    EXPECT_NE(message.find(expected), std::string::npos)
        << "input:\n" << c.content << "\nmessage: " << message;
  }
}

// A row with more fields than the header is refused, located at its first surplus field,
// wherever the label column is; a trailing delimiter makes an empty surplus field.
TEST(Dataset, ARowWithTooManyFieldsIsLocatedAtItsFirstSurplusField) {
  testing::TempDir dir;
  struct Case {
    const char* content;
    const char* label;     // data.label; empty: the last column
    std::string expected;  // after the path
  };
  const std::string rest =
      " but the header has 3; every row needs one field per column (a field that holds the "
      "delimiter ',' must be quoted)";
  const Case cases[] = {
      {"a,b,y\n1,2,1\n3,4,0,9\n", "", ":3:7: this row has 4 fields" + rest},
      {"a,b,y\n1,2,1\n3,4,0,\n", "", ":3:7: this row has 4 fields" + rest},
      {"y,a,b\n1,2,3\n0,5,6\n\n1, 7 ,8,9,10\n", "y", ":5:9: this row has 5 fields" + rest},
  };
  for (const Case& c : cases) {
    DatasetEntry entry = entry_for(dir.write("long.csv", c.content));
    entry.data.label = c.label;
    EXPECT_EQ(error_of(entry), entry.data.path + c.expected) << "input:\n" << c.content;
  }
}

TEST(Dataset, ConfigMismatchesNameTheKey) {
  testing::TempDir dir;
  DatasetEntry entry = entry_for(dir.write("d.csv", "a,b,y\n1,2,1\n3,4,0\n"));
  entry.data.label = "label";
  EXPECT_NE(error_of(entry).find("data.label: no column 'label'"), std::string::npos);
  entry.data.label = "";
  entry.data.exclude = {"zz"};
  EXPECT_NE(error_of(entry).find("data.exclude: no column 'zz'"), std::string::npos);
  entry.data.exclude = {"a", "b"};
  EXPECT_NE(error_of(entry).find("no feature columns are left"), std::string::npos);
  entry.data.exclude = {};
  entry.data.features = {"y"};
  EXPECT_NE(error_of(entry).find("'y' is the label column"), std::string::npos);
}

// A few bytes can name a huge feature index. The loader used to make a name per feature before
// its memory check, and failed with std::bad_alloc (an internal error) or, for the largest
// index, sized its index map by max_index + 1 = 0.
TEST(Dataset, HugeLibsvmFeatureIndexFailsTheMemoryCheckFirst) {
  testing::TempDir dir;
  for (const std::string index : {"4000000000000", "18446744073709551615"}) {
    DatasetEntry entry = entry_for(dir.write("d.svm", "1 " + index + ":1\n0 1:2\n"));
    entry.data.format = DataFormat::libsvm;
    entry.data.storage = FeatureStorage::dense;  // sparse storage holds it in a few bytes
    const std::string message = error_of(entry);
    EXPECT_NE(message.find("GiB of memory, but only"), std::string::npos)
        << "index " << index << ": " << message;
  }
}

TEST(Dataset, ReadsLibsvm) {
  testing::TempDir dir;
  DatasetEntry entry =
      entry_for(dir.write("d.svm", "+1 1:0.5 3:2 # comment\n-1 2:1\n\n# only a comment\n+1 3:-1\n"));
  entry.data.format = DataFormat::libsvm;
  entry.data.storage = FeatureStorage::dense;
  const Dataset d = load_dataset(entry);
  EXPECT_EQ(d.line, (std::vector<std::size_t>{1, 2, 5}));
  EXPECT_EQ(d.settings.format, DataFormat::libsvm);
  EXPECT_EQ(d.settings.label_column, "");
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"f1", "f2", "f3"}));
  EXPECT_EQ(d.is_positive, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_NEAR(raw(d, 0, 0), 0.5, 1e-12);
  EXPECT_NEAR(raw(d, 0, 1), 0.0, 1e-12);
  EXPECT_NEAR(raw(d, 2, 2), -1.0, 1e-12);
  const auto bad = dir.write("bad.svm", "1 1:0.5\n0 2:x\n");
  DatasetEntry bad_entry = entry_for(bad);
  bad_entry.data.format = DataFormat::libsvm;
  EXPECT_NE(error_of(bad_entry).find(bad + ":2:3: feature 2: 'x' is not a finite number"),
            std::string::npos);
  DatasetEntry unlabelled = entry_for(dir.write("unlabelled.svm", "1 1:0.5\n  2:1 3:4\n"));
  unlabelled.data.format = DataFormat::libsvm;
  EXPECT_EQ(error_of(unlabelled), unlabelled.data.path +
                                      ":2:3: the line starts with the feature '2:1' and has no "
                                      "label; a libsvm line starts with its label (e.g. +1 or 0), "
                                      "then index:value pairs");
}

TEST(Dataset, ShippedDatasetsLoad) {
  struct Case {
    const char* name;
    const char* label;
    std::size_t rows, features, positives;
  };
  const Case cases[] = {{"breast_cancer", "malignant", 569, 30, 212},
                        {"sonar", "label", 208, 60, 111},
                        {"ionosphere", "label", 351, 33, 126},
                        {"pima", "label", 768, 8, 268}};
  for (const Case& c : cases) {
    DatasetEntry entry = entry_for(std::string(AUMTRAIN_SOURCE_DIR) + "/datasets/" + c.name + ".csv");
    entry.data.label = c.label;
    const Dataset d = load_dataset(entry);
    EXPECT_EQ(d.size(), c.rows) << c.name;
    EXPECT_EQ(d.features.cols, c.features) << c.name;
    EXPECT_EQ(d.positive_count(), c.positives) << c.name;
  }
}

}  // namespace
}  // namespace aumtrain
