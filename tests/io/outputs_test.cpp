// The result files' formatting: column labels per loss and optimizer, the comparison table's
// rules (sizes, few validation positives, what is bold, interrupted cells), the cost table and
// the comparison CSV.
#include "aumtrain/io/outputs.hpp"

#include <gtest/gtest.h>

#include <cmath>
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

// A selected model of `loss` (constant optimizer) on dataset d, as-is, with this seed and test
// AUC; 100 (40) / 50 (`validation_positives`) / 60 (20) examples (positives).
Selection scored(const std::string& loss, std::uint64_t seed, double test_auc,
                 std::size_t validation_positives = 20) {
  Selection s;
  s.key = {"d", std::nullopt, seed, loss, "constant", 0.1};
  s.iteration = 3;
  s.validation_auc = 0.9;
  s.test = {0.5, 0.25, test_auc};
  s.test_score_sd = 2;
  s.counts = {{100, 50, 60}, {40, validation_positives, 20}};
  s.runs = 1;
  return s;
}

// A selection whose runs never produced a model: diverged, or never started before a stop.
Selection without_model(const std::string& loss, std::uint64_t seed, bool interrupted) {
  Selection s = scored(loss, seed, std::nan(""));
  s.iteration = -1;
  s.interrupted = interrupted;
  return s;
}

// The first cells of the row of `scored` selections: dataset, fraction, sizes.
const std::string kAsIsRow = "| d       | as-is             | 100 (40) / 50 (20) / 60 (20)             | ";

std::string row_of(const std::string& table, const std::string& start) {
  const auto at = table.find("\n" + start);
  if (at == std::string::npos) return "no row starting " + start + " in:\n" + table;
  return table.substr(at + 1, table.find('\n', at + 1) - at - 1);
}

TEST(Outputs, ComparisonTableShowsSizesAndStatesItsBoldRule) {
  // a beats b on both seeds: a alone is bold.
  const std::vector<Selection> s = {scored("a", 1, 0.9), scored("b", 1, 0.8),
                                    scored("a", 2, 0.7), scored("b", 2, 0.6)};
  EXPECT_EQ(comparison_markdown(s),
            "| dataset | positive fraction | subtrain / validation / test (positives) | a                 | b             |\n"
            "|---------|-------------------|------------------------------------------|-------------------|---------------|\n"
            "| d       | as-is             | 100 (40) / 50 (20) / 60 (20)             | **0.800 ± 0.141** | 0.700 ± 0.141 |\n"
            "\n"
            "Cells: test AUC of the model selected by validation AUC, mean ± sd over seeds. Bold: "
            "the best mean and every column that it does not beat on every seed (test AUC paired "
            "by seed); a single bold cell beats every other column on every seed.\n");
  EXPECT_TRUE(few_validation_positive_warnings(s).empty());
}

TEST(Outputs, ComparisonTableBoldsEveryColumnTheBestDoesNotBeatOnEverySeed) {
  // a has the best mean but loses to b on seed 2, so b is bold too; c loses on both seeds; d
  // ties a on seed 1 (a tie is not a win); e has no model on seed 2, which counts against it.
  const std::vector<Selection> s = {
      scored("a", 1, 0.9), scored("b", 1, 0.7), scored("c", 1, 0.5), scored("d", 1, 0.9),
      scored("e", 1, 0.6), scored("a", 2, 0.8), scored("b", 2, 0.85), scored("c", 2, 0.4),
      scored("d", 2, 0.3), without_model("e", 2, false)};
  const std::string table = comparison_markdown(s);
  EXPECT_EQ(row_of(table, "| d "), kAsIsRow +
                                       "**0.850 ± 0.071** | **0.775 ± 0.106** | 0.450 ± 0.071 | "
                                       "**0.600 ± 0.424** | 0.600 (1 diverged) |")
      << table;
}

TEST(Outputs, ComparisonTableMarksRowsWithFewValidationPositives) {
  std::vector<Selection> s = {scored("a", 1, 0.9, 4), scored("b", 1, 0.8, 4),
                              scored("a", 2, 0.7, 5), scored("b", 2, 0.6, 5)};
  for (Selection& selection : s) selection.key.positive_fraction = 0.02;
  const std::string table = comparison_markdown(s);
  EXPECT_EQ(row_of(table, "| d "),
            "| d       | 0.02              | 100 (40) / 50 (4-5) / 60 (20) †          | "
            "**0.800 ± 0.141** | 0.700 ± 0.141 |")
      << table;
  EXPECT_NE(table.find("\n†: validation has fewer than 5 positives on some seed; its AUC takes "
                       "few values (often exactly 1), so the selection by it is close to "
                       "arbitrary.\n"),
            std::string::npos)
      << table;
  EXPECT_EQ(few_validation_positive_warnings(s),
            std::vector<std::string>{
                "d, positive fraction 0.02: validation has as few as 4 positives (fewer "
                "than 5); validation AUC, which selects the models, takes few values there, so "
                "the selection is close to arbitrary (marked † in the table)"});
}

TEST(Outputs, InterruptedCellsAreMarkedNeverBoldAndNeverCalledDiverged) {
  // a was cut short on seed 2 with the best values; b finished both seeds; c never started
  // on seed 1 and diverged on seed 2; d never started at all.
  Selection a_cut = scored("a", 2, 0.99);
  a_cut.interrupted = true;
  const std::vector<Selection> s = {scored("a", 1, 0.95), scored("b", 1, 0.8),
                                    without_model("c", 1, true), without_model("d", 1, true),
                                    a_cut, scored("b", 2, 0.7), without_model("c", 2, false),
                                    without_model("d", 2, true)};
  const std::string table = comparison_markdown(s);
  EXPECT_EQ(row_of(table, "| d "), kAsIsRow +
                                       "0.970 ± 0.028 (1 interrupted) | **0.750 ± 0.071** | "
                                       "1 diverged, 1 interrupted | interrupted |")
      << table;
  EXPECT_NE(table.find("\n(k interrupted): k seeds had runs cut short by a stop signal; the "
                       "values are those of the models reached so far, and such cells are "
                       "never bold nor compared for bold.\n"),
            std::string::npos)
      << table;
}

TEST(Outputs, ComparisonCsvScalesAumByTheSpreadOfTheTestScores) {
  Selection tied = scored("b", 1, 0.5);
  tied.test.aum = 0;
  tied.test_score_sd = 0;
  const std::string csv = comparison_csv({scored("a", 1, 0.9), tied, without_model("c", 1, false)});
  EXPECT_NE(csv.find(",test_auc,test_aum,test_aum_over_score_sd,subtrain_size,"), std::string::npos);
  EXPECT_NE(csv.find("\nd,NA,1,a,constant,0.1,3,0.9,0.9,0.25,0.125,100,40,50,20,60,20,1,0,ok,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\nd,NA,1,b,constant,0.1,3,0.9,0.5,0,0,100,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nd,NA,1,c,constant,0.1,-1,0.9,NaN,0.25,0.125,"), std::string::npos) << csv;
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
  EXPECT_NE(table.find("| d       | 0.5 (not reached) | 0 (0) / 0 (0) / 0 (0) †                  | **0.750 ± 0.000** |"), std::string::npos)
      << table;
  EXPECT_NE(table.find("| d       | 0.1               | 0 (0) / 0 (0) / 0 (0) †                  | **0.750**         |"), std::string::npos)
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
