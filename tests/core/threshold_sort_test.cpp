#include "aumtrain/core/threshold_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

// Scores drawn in several ways that stress different parts of the partition.
enum class Shape { normal, few_distinct, narrow, one_sign, clustered, all_equal, wide_exponents };

std::string shape_name(Shape shape) {
  switch (shape) {
    case Shape::normal:
      return "normal";
    case Shape::few_distinct:
      return "few distinct";
    case Shape::narrow:
      return "narrow";
    case Shape::one_sign:
      return "one sign";
    case Shape::clustered:
      return "clustered";
    case Shape::all_equal:
      return "all equal";
    case Shape::wide_exponents:
      return "wide exponents";
  }
  return "?";
}

std::vector<double> make_scores(Shape shape, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> small_int(-20, 20);
  std::uniform_real_distribution<double> unit;
  std::vector<double> scores(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (shape) {
      case Shape::normal:
        scores[i] = normal(rng);
        break;
      case Shape::few_distinct:
        scores[i] = 0.25 * small_int(rng);
        break;
      case Shape::narrow:
        scores[i] = 1000.0 + 1e-9 * unit(rng);
        break;
      case Shape::one_sign:
        scores[i] = std::exp(normal(rng));
        break;
      case Shape::clustered:  // most scores within 1e-12 of 0.5, the rest spread out
        scores[i] = i % 10 ? 0.5 + 1e-12 * unit(rng) : 100 * normal(rng);
        break;
      case Shape::all_equal:
        scores[i] = -0.0;
        break;
      case Shape::wide_exponents:
        scores[i] = std::ldexp(unit(rng) - 0.5, small_int(rng) * 40) + (i % 7 == 0 ? 0.0 : -0.0);
        break;
    }
  }
  return scores;
}

// The expected order: ascending threshold (-score), ties in input order.
std::vector<ThresholdEntry> reference_order(const std::vector<double>& scores,
                                            const std::vector<std::uint32_t>& rows) {
  std::vector<ThresholdEntry> entries;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    entries.push_back({threshold_key(-scores[i]), static_cast<std::uint32_t>(i), rows[i]});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const ThresholdEntry& a, const ThresholdEntry& b) { return a.key < b.key; });
  return entries;
}

void expect_sorted_like_reference(ThresholdSorter& sorter, const std::vector<double>& scores,
                                  int threads, bool in_place, const std::string& what) {
  std::vector<std::uint32_t> rows(scores.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::uint32_t>(i % 3);
  sorter.partition(scores, rows, threads);
  const auto expected = reference_order(scores, rows);
  std::size_t position = 0;
  std::uint64_t previous_bucket_max = 0;
  for (std::size_t b = 0; b < sorter.bucket_count(); ++b) {
    const auto bucket = in_place ? sorter.sort_bucket_in_place(b, 0) : sorter.sort_bucket(b, 0);
    ASSERT_FALSE(bucket.empty()) << what << ", bucket " << b;
    if (b > 0) {
      ASSERT_LT(previous_bucket_max, bucket.front().key) << what << ", bucket " << b;
    }
    previous_bucket_max = bucket.back().key;
    for (const ThresholdEntry& entry : bucket) {
      ASSERT_LT(position, expected.size()) << what;
      ASSERT_EQ(entry.key, expected[position].key) << what << ", position " << position;
      ASSERT_EQ(entry.example, expected[position].example) << what << ", position " << position;
      ASSERT_EQ(entry.diff_row, expected[position].diff_row) << what << ", position " << position;
      ++position;
    }
    if (in_place) {
      const auto stored = sorter.bucket(b);
      ASSERT_TRUE(std::equal(stored.begin(), stored.end(), bucket.begin(),
                             [](const ThresholdEntry& a, const ThresholdEntry& c) {
                               return a.key == c.key && a.example == c.example;
                             }))
          << what << ", bucket " << b;
    }
  }
  EXPECT_EQ(position, scores.size()) << what;
}

TEST(ThresholdSort, MatchesStableSortForManyShapesAndSizes) {
  ThresholdSorter sorter;  // reused on purpose: the workspace must not leak between calls
  const Shape shapes[] = {Shape::normal,        Shape::few_distinct, Shape::narrow,
                          Shape::one_sign,      Shape::clustered,    Shape::all_equal,
                          Shape::wide_exponents};
  for (Shape shape : shapes) {
    for (std::size_t n : {0u, 1u, 2u, 31u, 33u, 1000u, 8192u, 8193u, 50'000u, 200'000u}) {
      const auto scores = make_scores(shape, n, static_cast<unsigned>(n) + 3);
      expect_sorted_like_reference(sorter, scores, 1, n % 2 == 0,
                                   shape_name(shape) + ", n " + std::to_string(n));
    }
  }
}

TEST(ThresholdSort, ThreadsGiveTheSameBucketsAndOrder) {
  for (Shape shape : {Shape::normal, Shape::few_distinct, Shape::clustered}) {
    const auto scores = make_scores(shape, 300'001, 11);
    std::vector<std::uint32_t> rows(scores.size(), 0);
    ThresholdSorter one, three;
    one.partition(scores, rows, 1);
    three.partition(scores, rows, 3);
    ASSERT_EQ(one.bucket_count(), three.bucket_count()) << shape_name(shape);
    for (std::size_t b = 0; b < one.bucket_count(); ++b) {
      const auto a = one.bucket(b), c = three.bucket(b);
      ASSERT_EQ(a.size(), c.size()) << shape_name(shape) << ", bucket " << b;
      for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i].example, c[i].example) << shape_name(shape) << ", bucket " << b;
      }
    }
    expect_sorted_like_reference(three, scores, 3, true, shape_name(shape) + ", 3 threads");
  }
}

TEST(ThresholdSort, BucketsStayNearTheTargetForSmoothData) {
  const auto scores = make_scores(Shape::normal, 1'000'000, 1);
  const std::vector<std::uint32_t> rows(scores.size(), 0);
  ThresholdSorter sorter;
  sorter.partition(scores, rows);
  std::size_t largest = 0;
  for (std::size_t b = 0; b < sorter.bucket_count(); ++b) {
    largest = std::max(largest, sorter.bucket(b).size());
  }
  EXPECT_LE(largest, 2 * ThresholdSorter::kBucketTarget);
  EXPECT_LE(sorter.bucket_count(), 2 * scores.size() / ThresholdSorter::kBucketTarget + 1);
  // The workspace stays far below 48 bytes per example.
  EXPECT_LT(sorter.workspace_bytes(), 20 * scores.size());
}

TEST(ThresholdSort, NonFiniteScoreThrowsNamingTheFirstBadRow) {
  for (std::size_t n : {10u, 100'000u}) {
    std::vector<double> scores(n, 1.0);
    scores[n / 2] = std::numeric_limits<double>::infinity();
    scores[n - 1] = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::uint32_t> rows(n, 0);
    ThresholdSorter sorter;
    for (int threads : {1, 2}) {
      try {
        sorter.partition(scores, rows, threads);
        FAIL() << "no error, n " << n;
      } catch (const DataError& error) {
        EXPECT_NE(std::string(error.what()).find("row " + std::to_string(n / 2 + 1)),
                  std::string::npos)
            << error.what();
      }
    }
  }
}

TEST(ThresholdSort, SecondCallWithSameOrSmallerSizeAllocatesNothing) {
  ThresholdSorter sorter;
  const auto large = make_scores(Shape::normal, 300'000, 5);
  const auto ties = make_scores(Shape::few_distinct, 300'000, 5);
  const std::vector<std::uint32_t> rows(large.size(), 0);
  sorter.partition(large, rows, 2);
  for (std::size_t b = 0; b < sorter.bucket_count(); ++b) sorter.sort_bucket(b, 1);
  const std::size_t bytes = sorter.workspace_bytes();
  sorter.partition(ties, rows, 2);
  for (std::size_t b = 0; b < sorter.bucket_count(); ++b) sorter.sort_bucket(b, 0);
  sorter.partition(std::span(large).first(5000), std::span(rows).first(5000), 1);
  EXPECT_EQ(sorter.workspace_bytes(), bytes);
}

TEST(ThresholdSort, KeysRoundTripAndKeepOrder) {
  const double inf = std::numeric_limits<double>::infinity();
  const double values[] = {-inf, -1e300, -1.5, -5e-324, -0.0, 0.0, 5e-324, 2.0, 1e300, inf};
  for (std::size_t i = 0; i + 1 < std::size(values); ++i) {
    EXPECT_LE(threshold_key(values[i]), threshold_key(values[i + 1])) << values[i];
    EXPECT_EQ(key_threshold(threshold_key(values[i])), values[i] + 0.0) << values[i];
  }
  EXPECT_EQ(threshold_key(-0.0), threshold_key(0.0));
}

}  // namespace
}  // namespace aumtrain
