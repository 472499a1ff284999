// Reading data to score: features matched by name or index, line numbers as in the file, labels,
// missing values under both rules, and what is ignored.
#include "aumtrain/data/scoring_data.hpp"

#include <gtest/gtest.h>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

struct ReadRow {
  std::size_t line;
  std::vector<double> features;
  bool has_label;
  std::string label;
};

struct Read {
  ScoringSummary summary;
  std::vector<ReadRow> rows;
};

Read read_for_scoring(const std::string& path, const DataReadSettings& settings,
              const std::vector<std::string>& features, bool need_labels = false) {
  Read read;
  read.summary = read_rows_to_score(path, settings, features, need_labels, [&](const ScoringRow& row) {
    std::vector<double> values(row.features.begin(), row.features.end());
    if (values.empty()) {  // a libsvm row comes as its nonzeros
      values.assign(features.size(), 0.0);
      for (const FeatureValue& x : row.nonzeros) values[x.position] = x.value;
    }
    read.rows.push_back({row.line, values, row.has_label, std::string(row.label)});
  });
  return read;
}

std::string scoring_error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const DataError& error) {
    return error.what();
  }
  return "no error";
}

DataReadSettings csv_settings(MissingPolicy missing = MissingPolicy::error) {
  return {DataFormat::csv, ',', "y", "1", {"id"}, missing, {}};
}

DataReadSettings libsvm_settings() { return {DataFormat::libsvm, 0, "", "+1", {}, MissingPolicy::error, {}}; }

TEST(ScoringData, CsvFeaturesByNameWithFileLinesAndRawValues) {
  testing::TempDir dir;
  // Columns in another order than the model's, an excluded id and an extra column; a blank line
  // and a quoted field over two lines, so records and lines differ.
  const auto path = dir.write("new.csv", "id,b,note,y,a\n7,20,x,1,1000001\n\n8,30,\"two\nlines\",0,1000003\n9,40,z,maybe,1000002\n");
  const Read read = read_for_scoring(path, csv_settings(), {"a", "b"});
  ASSERT_EQ(read.rows.size(), 3u);
  EXPECT_EQ(read.rows[0].line, 2u);
  EXPECT_EQ(read.rows[1].line, 4u);
  EXPECT_EQ(read.rows[2].line, 6u);
  EXPECT_EQ(read.rows[1].features, (std::vector<double>{1000003, 30}));
  EXPECT_EQ(read.rows[2].label, "maybe");
  EXPECT_TRUE(read.summary.has_labels);
  EXPECT_EQ(read.summary.ignored_columns, (std::vector<std::string>{"note"}));
  EXPECT_EQ(read.summary.rows, 3u);
}

TEST(ScoringData, CsvWithoutTheLabelColumnScoresButCannotBeEvaluated) {
  testing::TempDir dir;
  const auto path = dir.write("new.csv", "a,b\n1,2\n3,4\n");
  const Read read = read_for_scoring(path, csv_settings(), {"a", "b"});
  EXPECT_FALSE(read.summary.has_labels);
  EXPECT_FALSE(read.rows[0].has_label);
  EXPECT_EQ(scoring_error_of([&] { read_for_scoring(path, csv_settings(), {"a", "b"}, true); }),
            path + ":1: no label column 'y'; evaluating compares the scores with the labels, so "
                   "the data needs the label column the model was trained with");
}

TEST(ScoringData, AMissingFeatureColumnIsNamed) {
  testing::TempDir dir;
  const auto path = dir.write("new.csv", "a,y\n1,0\n");
  EXPECT_EQ(scoring_error_of([&] { read_for_scoring(path, csv_settings(), {"a", "b"}); }),
            path + ":1: no column 'b', which the model uses (feature 2 of 2); the file's columns "
                   "are a, y; give the data every feature column the model was trained on");
}

TEST(ScoringData, MissingValuesAreLocatedOrDroppedAndReported) {
  testing::TempDir dir;
  const auto path = dir.write("new.csv", "a,b,y\n1,2,1\n3,NA,0\n5,6,\n,8,0\n9,10,1\n");
  EXPECT_EQ(scoring_error_of([&] { read_for_scoring(path, csv_settings(), {"a", "b"}); }),
            path + ":3:3: column 'b' has a missing value ('NA'); the model was trained with "
                   "missing: error, so every row needs one: fill it, or leave the row out");
  const Read dropped = read_for_scoring(path, csv_settings(MissingPolicy::drop_rows), {"a", "b"});
  // Scoring alone does not need the label, so the row without one (line 4) stays.
  EXPECT_EQ(dropped.summary.dropped_rows, 2u);
  EXPECT_EQ(dropped.summary.first_dropped_lines, (std::vector<std::size_t>{3, 5}));
  ASSERT_EQ(dropped.rows.size(), 3u);
  EXPECT_EQ(dropped.rows[1].line, 4u);
  const Read evaluated = read_for_scoring(path, csv_settings(MissingPolicy::drop_rows), {"a", "b"}, true);
  EXPECT_EQ(evaluated.summary.first_dropped_lines, (std::vector<std::size_t>{3, 4, 5}));
  EXPECT_EQ(scoring_error_of([&] { read_for_scoring(path, csv_settings(), {"a"}, true); }),
            path + ":4:5: column 'y' has a missing value (''); the model was trained with missing: "
                   "error, so every row needs one: fill it, or leave the row out");
  const auto all_missing = dir.write("none.csv", "a,y\nNA,1\n");
  EXPECT_NE(scoring_error_of([&] { read_for_scoring(all_missing, csv_settings(MissingPolicy::drop_rows), {"a"}); })
                .find("all 1 data rows have missing values and were dropped"),
            std::string::npos);
}

TEST(ScoringData, BadCellsAndRowsAreLocated) {
  testing::TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"a,y\n1x,0\n", ":2:1: column 'a': '1x' is not a number"},
      {"a,y\ninf,0\n", ":2:1: column 'a': 'inf' is not a finite number"},
      {"a,y\n1,0,5\n", ":2: this row has 3 fields but the header has 2"},
      {"a,y\n", ": the file has no data rows to score"},
      {"", ": the file is empty"},
  };
  for (const auto& [content, expected] : cases) {
    const auto path = dir.write("bad.csv", content);
    EXPECT_EQ(scoring_error_of([&] { read_for_scoring(path, csv_settings(), {"a"}); }).rfind(path + expected, 0), 0u)
        << scoring_error_of([&] { read_for_scoring(path, csv_settings(), {"a"}); });
  }
}

TEST(ScoringData, LibsvmByIndexWithCommentLinesCounted) {
  testing::TempDir dir;
  const auto path = dir.write("new.svm", "# scored later\n+1 1:0.5 3:2 7:1\n\n-1 2:9 # no f1\n-1 1:-1 3:4 8:2\n");
  const Read read = read_for_scoring(path, libsvm_settings(), {"f1", "f3"});
  ASSERT_EQ(read.rows.size(), 3u);
  EXPECT_EQ(read.rows[0].line, 2u);
  EXPECT_EQ(read.rows[1].line, 4u);
  EXPECT_EQ(read.rows[2].line, 5u);
  EXPECT_EQ(read.rows[0].features, (std::vector<double>{0.5, 2}));
  EXPECT_EQ(read.rows[1].features, (std::vector<double>{0, 0}));  // absent features are 0
  EXPECT_EQ(read.rows[2].label, "-1");
  EXPECT_EQ(read.summary.ignored_columns, (std::vector<std::string>{"f2", "f7", "f8"}));
}

TEST(ScoringData, LibsvmLabelsOnEveryLineOrNone) {
  testing::TempDir dir;
  const auto unlabelled = dir.write("u.svm", "1:0.5 2:1\n1:2\n");
  const Read read = read_for_scoring(unlabelled, libsvm_settings(), {"f1"});
  EXPECT_FALSE(read.summary.has_labels);
  EXPECT_EQ(read.rows[1].features, (std::vector<double>{2}));
  EXPECT_EQ(scoring_error_of([&] { read_for_scoring(unlabelled, libsvm_settings(), {"f1"}, true); }),
            unlabelled + ":1:1: the line has no label (it starts with the feature '1:0.5'); "
                         "evaluating needs a label first on every line");
  const auto mixed = dir.write("m.svm", "+1 1:0.5\n\n  1:2\n");
  EXPECT_EQ(scoring_error_of([&] { read_for_scoring(mixed, libsvm_settings(), {"f1"}); }),
            mixed + ":3:3: this line has no label but line 1 has one; give every line a label, "
                    "or none");
}

}  // namespace
}  // namespace aumtrain
