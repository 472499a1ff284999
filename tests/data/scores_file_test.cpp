#include "aumtrain/data/scores_file.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

std::string error_of(const std::string& path) {
  try {
    read_scores_file(path);
  } catch (const DataError& error) {
    return error.what();
  }
  return "";
}

TEST(ScoresFile, ReadsPredLabelAndWeightInAnyColumnOrder) {
  testing::TempDir dir;
  const auto path = dir.write("s.csv", "id;label;weight;pred\nx;1;2;0.5\ny;-1;0.5;-1\n");
  const ScoresFile file = read_scores_file(path);
  EXPECT_EQ(file.scores, (std::vector<double>{0.5, -1}));
  EXPECT_EQ(file.targets.is_positive, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(file.targets.weight, (std::vector<double>{2, 0.5}));
  EXPECT_TRUE(file.has_weights);
  EXPECT_EQ(file.label_header.column, 4u);
}

TEST(ScoresFile, EveryBadInputIsLocated) {
  testing::TempDir dir;
  struct Case {
    const char* content;
    std::string expected;  // appended to the file's path
  };
  const Case cases[] = {
      {"", ": the file is empty"},
      {"score,label\n1,0\n", ":1: no column named 'pred'"},
      {"pred,label\n", ": the file has a header but no data rows"},
      {"pred,label\n1,0\nabc,1\n", ":3:1: column 'pred': 'abc' is not a number"},
      {"pred,label\n1,0\nNaN,1\n", ":3:1: column 'pred' has a missing value"},
      {"pred,label\n1,0\n-inf,1\n", ":3:1: column 'pred': score -inf is not finite"},
      {"pred,label\n1,0\n2,3\n", ":3:3: column 'label': '3' is not a binary label"},
      {"pred,label\n1,0\n2,-1\n", ":3:3: column 'label' is -1 here but 0 at line 2"},
      {"pred,label\n1,0\n2\n", ":3: this row has 1 fields but the header has 2"},
      {"pred,label,weight\n1,0,1\n2,1,-2\n", ":3:5: column 'weight': -2 is not usable"},
      {"pred,label,pred\n1,0,1\n", ":1:12: column 'pred' is named twice"},
  };
  for (const Case& c : cases) {
    const auto path = dir.write("bad.csv", c.content);
    const std::string message = error_of(path);
    EXPECT_NE(message.find(path + c.expected), std::string::npos)
        << "input:\n" << c.content << "\nmessage: " << message;
  }
}

}  // namespace
}  // namespace aumtrain
