#include "aumtrain/study/subdifferential.hpp"

#include <gtest/gtest.h>

#include "aumtrain/study/autograd_aum.hpp"

namespace aumtrain {
namespace {

// The explicit rows of the original R study's printed table: for d < 0 (1, 1) and (-1, -1);
// at d = 0 the ranges [0, 1] and [-1, 0]; for d > 0 zeros.
TEST(Subdifferential, ExplicitRowsMatchTheOriginalStudy) {
  const auto rows = subdifferential_grid(false);
  ASSERT_EQ(rows.size(), 26u);
  for (const SubdifferentialRow& row : rows) {
    EXPECT_EQ(row.method, "explicit");
    const double d = row.pred_diff;
    const double sign = row.label == 0 ? 1.0 : -1.0;
    double min = 0, max = 0;
    if (d < 0) {
      min = max = sign;
    } else if (d == 0) {
      min = row.label == 0 ? 0.0 : -1.0;
      max = row.label == 0 ? 1.0 : 0.0;
    }
    EXPECT_EQ(row.min, min) << "label " << row.label << ", d " << d;
    EXPECT_EQ(row.max, max) << "label " << row.label << ", d " << d;
    EXPECT_EQ(row.mean, 0.5 * (min + max)) << "label " << row.label << ", d " << d;
  }
  EXPECT_EQ(rows.front().pred_diff, -3.0);
  EXPECT_EQ(rows.back().pred_diff, 3.0);
}

TEST(Subdifferential, AutogradRowsFollowEachExplicitPair) {
  if (!autograd_available()) GTEST_SKIP() << "built without libtorch";
  const auto rows = subdifferential_grid(true);
  ASSERT_EQ(rows.size(), 52u);
  for (std::size_t i = 0; i < rows.size(); i += 4) {
    EXPECT_EQ(rows[i].method, "explicit");
    EXPECT_EQ(rows[i + 2].method, "autograd");
    EXPECT_EQ(rows[i + 2].min, rows[i + 2].max);
    if (rows[i].pred_diff != 0) {
      EXPECT_EQ(rows[i + 2].mean, rows[i].mean) << "d " << rows[i].pred_diff;
      EXPECT_EQ(rows[i + 3].mean, rows[i + 1].mean) << "d " << rows[i].pred_diff;
    }
  }
}

}  // namespace
}  // namespace aumtrain
