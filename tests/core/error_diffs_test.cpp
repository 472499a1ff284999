#include "aumtrain/core/error_diffs.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

std::string error_of(std::vector<double> labels, std::vector<double> weights = {}) {
  try {
    make_binary_targets(labels, weights);
  } catch (const DataError& error) {
    return error.what();
  }
  return "";
}

TEST(BinaryTargets, ZeroOneAndMinusOneOneLabelsGiveTheSameDiffs) {
  for (const auto& labels : {std::vector<double>{0, 1, 1, 0, 1}, std::vector<double>{-1, 1, 1, -1, 1}}) {
    const BinaryTargets t = make_binary_targets(labels);
    EXPECT_EQ(t.is_positive, (std::vector<std::uint8_t>{0, 1, 1, 0, 1}));
    EXPECT_EQ(t.positive_count, 3u);
    EXPECT_EQ(t.negative_count, 2u);
    EXPECT_EQ(t.error_diffs.fp_total, 2.0);
    EXPECT_EQ(t.error_diffs.fn_total, 3.0);
    EXPECT_EQ(t.error_diffs.rows.size(), 2u);
    EXPECT_EQ(t.error_diffs.diff(0).fp, 1.0);
    EXPECT_EQ(t.error_diffs.diff(0).fn, 0.0);
    EXPECT_EQ(t.error_diffs.diff(1).fp, 0.0);
    EXPECT_EQ(t.error_diffs.diff(1).fn, 1.0);
  }
}

TEST(BinaryTargets, RateDenominatorsAreTheClassTotals) {
  const BinaryTargets t = make_binary_targets(std::vector<double>{0, 1, 1, 0, 1});
  const Denominators rate = make_denominators(t.error_diffs, Denominator::rate);
  EXPECT_EQ(rate.fp, 2.0);
  EXPECT_EQ(rate.fn, 3.0);
  const Denominators count = make_denominators(t.error_diffs, Denominator::count);
  EXPECT_EQ(count.fp, 1.0);
  EXPECT_EQ(count.fn, 1.0);
}

TEST(BinaryTargets, RateWithOneClassIsAnErrorNotNaN) {
  const BinaryTargets t = make_binary_targets(std::vector<double>{1, 1, 1});
  EXPECT_THROW(make_denominators(t.error_diffs, Denominator::rate), DataError);
  EXPECT_NO_THROW(make_denominators(t.error_diffs, Denominator::count));
}

TEST(BinaryTargets, InvalidLabelNamesValueAndRow) {
  const std::string message = error_of({0, 1, 2, 0});
  EXPECT_NE(message.find("label 2"), std::string::npos) << message;
  EXPECT_NE(message.find("row 3"), std::string::npos) << message;
  EXPECT_NE(error_of({0, 1, 0.5}).find("row 3"), std::string::npos);
  EXPECT_NE(error_of({1, NAN}).find("row 2"), std::string::npos);
}

TEST(BinaryTargets, MixingZeroAndMinusOneIsAnError) {
  const std::string message = error_of({0, 1, -1});
  EXPECT_NE(message.find("row 1"), std::string::npos) << message;
  EXPECT_NE(message.find("row 3"), std::string::npos) << message;
}

TEST(BinaryTargets, WeightsShareRowsPerClassAndWeight) {
  const BinaryTargets t =
      make_binary_targets(std::vector<double>{0, 1, 0, 1, 0}, std::vector<double>{2, 3, 2, 0.5, -0.0});
  EXPECT_EQ(t.error_diffs.rows.size(), 4u);  // (neg, 2), (pos, 3), (pos, 0.5), (neg, 0)
  EXPECT_EQ(t.error_diffs.row_of_example[0], t.error_diffs.row_of_example[2]);
  EXPECT_EQ(t.error_diffs.fp_total, 4.0);
  EXPECT_EQ(t.error_diffs.fn_total, 3.5);
  EXPECT_EQ(t.error_diffs.diff(1).fn, 3.0);
  EXPECT_EQ(t.weight_of(3), 0.5);
}

TEST(BinaryTargets, BadWeightsAreErrors) {
  EXPECT_NE(error_of({0, 1}, {1, -1}).find("row 2"), std::string::npos);
  EXPECT_NE(error_of({0, 1}, {INFINITY, 1}).find("row 1"), std::string::npos);
  EXPECT_NE(error_of({0, 1}, {1}).find("1 weight was given for 2 labels"), std::string::npos);
  EXPECT_NE(error_of({0}, {1, 1}).find("2 weights were given for 1 label;"), std::string::npos);
}

TEST(BinaryErrorDiffs, AssignedDiffsEqualTheTargetsAndReuseStorage) {
  ErrorDiffs diffs;
  const std::vector<std::vector<double>> label_sets = {
      {0, 1, 1, 0, 1}, {-1, 1, -1}, {1, 1}, {}, {0, 1, 1, 0, 1}};
  for (const auto& labels : label_sets) {
    assign_binary_error_diffs(labels, diffs);
    const ErrorDiffs expected = make_binary_targets(labels).error_diffs;
    EXPECT_EQ(diffs.row_of_example, expected.row_of_example) << labels.size() << " labels";
    ASSERT_EQ(diffs.rows.size(), expected.rows.size());
    for (std::size_t r = 0; r < diffs.rows.size(); ++r) {
      EXPECT_EQ(diffs.rows[r].fp, expected.rows[r].fp);
      EXPECT_EQ(diffs.rows[r].fn, expected.rows[r].fn);
    }
    EXPECT_EQ(diffs.fp_total, expected.fp_total);
    EXPECT_EQ(diffs.fn_total, expected.fn_total);
  }
  const std::uint32_t* storage = diffs.row_of_example.data();
  assign_binary_error_diffs(std::vector<double>{1, 0, 0}, diffs);
  EXPECT_EQ(diffs.row_of_example.data(), storage);  // no new allocation for fewer labels
}

TEST(BinaryErrorDiffs, AssignedDiffsRejectWhatTheTargetsReject) {
  ErrorDiffs diffs;
  for (const std::vector<double>& labels :
       {std::vector<double>{0, 2}, std::vector<double>{0, -1, 1}}) {
    std::string expected, actual;
    try {
      make_binary_targets(labels);
    } catch (const DataError& error) {
      expected = error.what();
    }
    try {
      assign_binary_error_diffs(labels, diffs);
    } catch (const DataError& error) {
      actual = error.what();
    }
    EXPECT_FALSE(actual.empty());
    EXPECT_EQ(actual, expected);
  }
}

TEST(Denominator, ParsesNamesAndListsValidOnes) {
  EXPECT_EQ(parse_denominator("rate"), Denominator::rate);
  EXPECT_EQ(parse_denominator("count"), Denominator::count);
  try {
    parse_denominator("rates");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("rate, count"), std::string::npos);
  }
}

}  // namespace
}  // namespace aumtrain
