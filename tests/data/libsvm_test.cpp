#include "aumtrain/data/libsvm.hpp"

#include <gtest/gtest.h>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

// A libsvm line as the reader hands it out, with copies of its views.
struct ReadLine {
  std::size_t number;
  std::string label;
  std::size_t first_column;
  std::vector<std::pair<std::size_t, double>> features;
  bool operator==(const ReadLine&) const = default;
};

std::ostream& operator<<(std::ostream& out, const ReadLine& line) {
  out << "{line " << line.number << ", label '" << line.label << "', column " << line.first_column;
  for (const auto& [index, value] : line.features) out << ", " << index << ":" << value;
  return out << "}";
}

std::vector<ReadLine> read_lines(const std::string& path) {
  std::vector<ReadLine> lines;
  for_each_libsvm_line(path, [&](const LibsvmLine& line) {
    ReadLine copy{line.number, std::string(line.label), line.first_column, {}};
    for (const auto& feature : line.features) {
      copy.features.emplace_back(feature.index, feature.value);
    }
    lines.push_back(copy);
  });
  return lines;
}

std::string error_of_reading(const std::string& path) {
  try {
    read_lines(path);
  } catch (const DataError& error) {
    return error.what();
  }
  return "";
}

TEST(LibsvmLines, AreNumberedFromOneCountingCommentAndBlankLines) {
  testing::TempDir dir;
  const auto path = dir.write("d.svm",
                              "# written by hand\n"
                              "\n"
                              "+1 1:0.5 4:2 # a trailing comment\n"
                              "   \n"
                              "-1\t2:1\r\n"
                              "  3:-1.5 7:1e3\n"
                              "0\n");
  const std::vector<ReadLine> expected = {{3, "+1", 1, {{1, 0.5}, {4, 2.0}}},
                                          {5, "-1", 1, {{2, 1.0}}},
                                          {6, "", 3, {{3, -1.5}, {7, 1000.0}}},
                                          {7, "0", 1, {}}};
  EXPECT_EQ(read_lines(path), expected);
}

TEST(LibsvmLines, ErrorsNameTheFileLineAndColumn) {
  testing::TempDir dir;
  struct Case {
    const char* content;
    std::string expected;  // after the path
  };
  const Case cases[] = {
      {"# a comment\n\n1 1:0.5\n0 2:x\n", ":4:3: feature 2: 'x' is not a finite number"},
      {"1 1:1\n\n0 3:1 3:2\n",
       ":3:7: feature index 3 comes after 3; indices must increase along a line"},
      {"1 2:1  1:1\n", ":1:8: feature index 1 comes after 2; indices must increase along a line"},
      {"\n\n# only a comment\n1 0:1\n", ":4:3: '0:1' is not index:value with an index >= 1"},
      {"1 1:2\n0 1:inf\n", ":2:3: feature 1: 'inf' is not a finite number"},
  };
  for (const Case& c : cases) {
    const auto path = dir.write("bad.svm", c.content);
    EXPECT_EQ(error_of_reading(path), path + c.expected) << "input:\n" << c.content;
  }
}

}  // namespace
}  // namespace aumtrain
