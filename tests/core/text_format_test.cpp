#include "aumtrain/core/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

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

TEST(TextFormat, CountNounUsesTheSingularForOneOnly) {
  EXPECT_EQ(count_noun(1, "run"), "1 run");
  EXPECT_EQ(count_noun(0, "run"), "0 runs");
  EXPECT_EQ(count_noun(2, "split"), "2 splits");
  EXPECT_EQ(count_noun(1, "line search", "line searches"), "1 line search");
  EXPECT_EQ(count_noun(3, "line search", "line searches"), "3 line searches");
}

TEST(ReadCount, TakesDigitsUnderscoresAndWholePowersOfTen) {
  const std::pair<const char*, std::uint64_t> good[] = {
      {"0", 0},          {"100000", 100000},  {"100_000", 100000}, {"1_0", 10},
      {"1e5", 100000},   {"1E5", 100000},     {"1e+5", 100000},    {"2.5e3", 2500},
      {"1.0e2", 100},    {"1000e-3", 1},      {"7.", 7},           {"0e5", 0},
      {"18446744073709551615", 18446744073709551615ull},           {"1.8e19", 18000000000000000000ull}};
  for (const auto& [text, value] : good) {
    const CountReading count = read_count(text);
    EXPECT_EQ(count.value, value) << text << ": " << count.problem;
    EXPECT_EQ(count.problem, "") << text;
  }
}

TEST(ReadCount, SaysWhatIsWrongWithAnythingElse) {
  const std::pair<const char*, const char*> bad[] = {
      {"1.5", "is not a whole number"},   {"1e-3", "is not a whole number"},
      {"2.55e1", "is not a whole number"}, {"-5", "is negative"},
      {"", "is empty"},                    {"abc", "is not a number"},
      {"1e", "is not a number"},           {"1_", "is not a number"},
      {"_1", "is not a number"},           {"1__0", "is not a number"},
      {"1.2.3", "is not a number"},        {"0x10", "is not a number"},
      {"18446744073709551616", "is too large"}, {"1e20", "is too large"},
      {"1e99999", "is too large"}};
  for (const auto& [text, reason] : bad) {
    const CountReading count = read_count(text);
    EXPECT_FALSE(count.value.has_value()) << text;
    EXPECT_EQ(count.problem, fmt::format("'{}' {}; write a count as digits (100000 or 100_000) "
                                         "or as a power of ten (1e5, 2.5e3)",
                                         text, reason));
  }
}

}  // namespace
}  // namespace aumtrain
