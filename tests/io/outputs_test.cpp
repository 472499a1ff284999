// The result files' formatting: column labels per loss and optimizer, the cost table.
#include "aumtrain/io/outputs.hpp"

#include <gtest/gtest.h>

namespace aumtrain {
namespace {

Selection selection(const std::string& loss, const std::string& optimizer, int iteration,
                    double seconds_to_selected, double seconds_all_runs) {
  Selection s;
  s.key = {"d", std::nullopt, 1, loss, optimizer, std::nullopt};
  s.iteration = iteration;
  s.seconds_to_selected = seconds_to_selected;
  s.seconds_all_runs = seconds_all_runs;
  return s;
}

TEST(Outputs, MethodLabelNamesTheOptimizerOnlyWhenThereIsMoreThanConstant) {
  const RunKey key{"d", std::nullopt, 1, "aum.rate", "line_search", std::nullopt};
  EXPECT_EQ(method_label(key, true), "aum.rate");
  EXPECT_EQ(method_label(key, false), "aum.rate, line_search");
}

TEST(Outputs, CostTableHasMediansPerLossAndOptimizerAndSkipsUnusableSelections) {
  std::vector<Selection> s = {selection("aum.rate", "constant", 4, 0.5, 10),
                              selection("aum.rate", "line_search", 2, 0.25, 1),
                              selection("aum.rate", "constant", 9, 1.5, 30),
                              selection("aum.rate", "line_search", 3, 0.75, 2),
                              selection("aum.rate", "line_search", 7, 0.125, 5),
                              selection("aum.rate", "constant", -1, 0, 0)};  // every run diverged
  const std::string table = cost_markdown(s);
  EXPECT_NE(table.find("| aum.rate, constant    | 2          | 6.5                         | 1                                 | 20                               |"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("| aum.rate, line_search | 3          | 3                           | 0.25                              | 2                                |"),
            std::string::npos)
      << table;
}

}  // namespace
}  // namespace aumtrain
