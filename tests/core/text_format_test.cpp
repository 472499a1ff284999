#include "aumtrain/core/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace aumtrain {
namespace {

TEST(TextFormat, NumbersRoundTripAndNameNonFiniteValues) {
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_number(INFINITY), "Inf");
  EXPECT_EQ(format_number(-INFINITY), "-Inf");
  EXPECT_EQ(format_json_number(0.1), "0.10000000000000001");
  EXPECT_EQ(format_json_number(-INFINITY), "\"-Inf\"");
  EXPECT_EQ(format_json_number(NAN), "null");
}

TEST(TextTable, AlignsColumns) {
  TextTable table({"name", "value"});
  table.add_row({"a", "1.5"});
  table.add_row({"long name", "-2"});
  EXPECT_EQ(table.render(1), "name       value\na            1.5\nlong name     -2\n");
  EXPECT_EQ(table.render_markdown(),
            "| name      | value |\n|-----------|-------|\n| a         | 1.5   |\n"
            "| long name | -2    |\n");
}

TEST(TextFormat, CsvFieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csv_field("benign"), "benign");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
}

}  // namespace
}  // namespace aumtrain
