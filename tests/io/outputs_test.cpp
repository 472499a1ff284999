// The result files' formatting: column labels per loss and optimizer, the cost table.
#include "aumtrain/io/outputs.hpp"

#include <gtest/gtest.h>

#include <sstream>

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

TEST(Outputs, AnUnreachedPositiveFractionIsMarkedInTheTableAndTheCsv) {
  std::vector<Selection> s = {selection("logistic", "constant", 4, 0.5, 1),
                              selection("logistic", "constant", 4, 0.5, 1),
                              selection("logistic", "constant", 4, 0.5, 1)};
  s[0].key.positive_fraction = 0.5;
  s[1].key.positive_fraction = 0.5;
  s[1].key.seed = 2;
  s[1].positive_fraction_reached = false;  // one seed's split lacked positives
  s[2].key.positive_fraction = 0.1;
  for (Selection& one : s) one.test.auc = 0.75;
  const std::string table = comparison_markdown(s);
  EXPECT_NE(table.find("| d       | 0.5 (not reached) | **0.750 ± 0.000** |"), std::string::npos)
      << table;
  EXPECT_NE(table.find("| d       | 0.1               | **0.750**         |"), std::string::npos)
      << table;
  EXPECT_NE(table.find("\n(not reached): some splits have too few positives for that fraction"),
            std::string::npos)
      << table;
  const std::string csv = comparison_csv(s);
  EXPECT_NE(csv.find(",status,model,positive_fraction_reached\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("d,0.5,1,logistic,constant,,4,"), std::string::npos) << csv;
  // Rows end with the marker: yes, no, and NA for data taken as it is.
  std::vector<std::string> endings;
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) {
    endings.push_back(line.substr(line.rfind(',') + 1));
  }
  EXPECT_EQ(endings, (std::vector<std::string>{"positive_fraction_reached", "yes", "no", "yes"}));
  s[0].key.positive_fraction = std::nullopt;
  EXPECT_TRUE(comparison_csv({s[0]}).ends_with(",NA\n"));
}

}  // namespace
}  // namespace aumtrain
