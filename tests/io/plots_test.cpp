// render_plots on run directories written by hand: a panel and a series per (loss, optimizer)
// pair, how pairs are labelled, and run directories from before there were optimizers.
#include "aumtrain/io/plots.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/gnuplot.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr const char* kComparisonHeader =
    "dataset,positive_fraction,seed,loss,optimizer,step_size,iteration,validation_auc,test_auc,"
    "test_aum,test_aum_over_score_sd,subtrain_size,subtrain_positives,validation_size,"
    "validation_positives,test_size,test_positives,runs,diverged_runs,status,model\n";
constexpr const char* kCurvesHeader =
    "dataset,positive_fraction,seed,loss,optimizer,step_size,iteration,step,set,metric,value\n";
// As written before there were optimizers: no optimizer column, no step column.
constexpr const char* kOldComparisonHeader =
    "dataset,positive_fraction,seed,loss,step_size,iteration,validation_auc,test_auc,test_aum,"
    "subtrain_size,subtrain_positives,validation_size,validation_positives,test_size,"
    "test_positives,runs,diverged_runs,status,model\n";
constexpr const char* kOldCurvesHeader =
    "dataset,positive_fraction,seed,loss,step_size,iteration,set,metric,value\n";

// A comparison.csv row; `run` is the cells up to step_size.
// Without `scaled_aum`, as written before there was a test_aum_over_score_sd column.
std::string selection_row(const std::string& run, int iteration, const std::string& test_auc,
                          bool scaled_aum = true) {
  return run + "," + std::to_string(iteration) + ",0.7," + test_auc + ",0.2," +
         (scaled_aum ? "0.1," : "") + "60,20,20,7,20,7,1,0,ok,models/m.json\n";
}

// learning_curves.csv rows of one run's AUC on one set, at iterations 0, 1, ...; `run` is the
// cells up to step_size. With `step_column`, each row after the first has the step 0.5.
std::string auc_rows(const std::string& run, const std::string& set,
                     std::initializer_list<const char*> values, bool step_column = true) {
  std::string rows;
  int iteration = 0;
  for (const char* value : values) {
    const std::string step = step_column ? (iteration == 0 ? "," : ",0.5") : "";
    rows += run + "," + std::to_string(iteration) + step + "," + set + ",auc," + value + "\n";
    ++iteration;
  }
  return rows;
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t occurrences(const std::string& text, const std::string& piece) {
  std::size_t count = 0;
  for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) {
    ++count;
  }
  return count;
}

class PlotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  }
  TempDir dir;
};

// One dataset, two seeds; aum.rate with the constant optimizer and with line_search, and
// logistic with the constant optimizer.
void write_mixed_run(const TempDir& dir) {
  dir.write("comparison.csv",
            std::string(kComparisonHeader) +
                selection_row("toy,NA,1,aum.rate,constant,0.1", 2, "0.7") +
                selection_row("toy,NA,1,aum.rate,line_search,", 1, "0.75") +
                selection_row("toy,NA,1,logistic,constant,1", 2, "0.6") +
                selection_row("toy,NA,2,aum.rate,constant,0.1", 1, "0.8") +
                selection_row("toy,NA,2,aum.rate,line_search,", 2, "0.875") +
                selection_row("toy,NA,2,logistic,constant,10", 2, "0.7"));
  std::string curves = kCurvesHeader;
  for (const char* set : {"subtrain", "validation", "test"}) {
    curves += auc_rows("toy,NA,1,aum.rate,constant,0.1", set, {"0.5", "0.6", "0.65"});
    curves += auc_rows("toy,NA,1,aum.rate,constant,0.01", set, {"0.123", "0.123"});
    curves += auc_rows("toy,NA,1,aum.rate,line_search,", set, {"0.5", "0.75", "0.8"});
    curves += auc_rows("toy,NA,1,logistic,constant,1", set, {"0.5", "0.55", "0.6"});
    curves += auc_rows("toy,NA,2,aum.rate,line_search,", set, {"0.321", "0.321"});
  }
  curves += "toy,NA,1,aum.rate,line_search,,1,0.5,model,events,17\n";
  dir.write("learning_curves.csv", curves);
}

TEST_F(PlotsTest, DrawsOnePanelAndOneSeriesPerLossAndOptimizer) {
  write_mixed_run(dir);
  const auto files = render_plots(dir.path(), dir.path() / "plots");
  ASSERT_EQ(files.size(), 6u);
  for (const char* name : {"auc_toy_as-is.png", "auc_toy_as-is.svg", "auc_toy_as-is.gp",
                           "comparison.png", "comparison.svg", "comparison.gp"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "plots" / name)) << name;
  }
  EXPECT_EQ(slurp(dir.path() / "plots/comparison.png").substr(0, 8), "\x89PNG\r\n\x1a\n");

  // Each panel and series is drawn twice: once into the PNG, once into the SVG. Three panels
  // and the key's.
  const std::string auc = slurp(dir.path() / "plots/auc_toy_as-is.gp");
  EXPECT_EQ(occurrences(auc, "set multiplot layout 2,3 "), 2u);
  EXPECT_EQ(occurrences(auc, "set title \"aum.rate, constant\\nseeds 1, 2: step size 0.1, 0.1; "
                             "iteration 2, 1\""),
            2u);
  EXPECT_EQ(occurrences(auc, "set title \"aum.rate, line_search\\nseeds 1, 2: iteration 1, 2\""),
            2u);
  EXPECT_EQ(occurrences(auc, "set title \"logistic, constant\\nseeds 1, 2: step size 1, 10; "
                             "iteration 2, 2\""),
            2u);
  EXPECT_EQ(occurrences(auc, "set title "), 6u);
  // The line_search run's validation AUC on seed 1, x = iteration + 1, and a dot at its
  // selected iteration.
  EXPECT_NE(auc.find("$curve_1_0_1 << EOD\n1 0.5\n2 0.75\n3 0.8\nEOD\n"), std::string::npos);
  EXPECT_NE(auc.find("$selected_1_0 << EOD\n2 0.75\nEOD\n"), std::string::npos);
  // Seed 2 in its own dash pattern; its selected iteration 2 has no row, so it gets no dot.
  EXPECT_NE(auc.find("$curve_1_1_2 << EOD\n1 0.321\n2 0.321\nEOD\n"), std::string::npos);
  EXPECT_EQ(occurrences(auc, "$curve_1_1_0 using 1:2 with lines lw 1.5 dt 2 "), 2u);
  EXPECT_EQ(auc.find("$selected_1_1"), std::string::npos);
  // Three panels of three sets for seed 1, one panel for seed 2; three dots.
  EXPECT_EQ(occurrences(auc, "<< EOD"), 15u);
  // The unselected step size is not drawn.
  EXPECT_EQ(auc.find("0.123"), std::string::npos);
  // The key: the sets, each seed, the selected iteration.
  EXPECT_EQ(occurrences(auc, "keyentry with lines lw 1.5 dt 2 lc rgb \"#444444\" title \"seed 2\""), 2u);

  const std::string comparison = slurp(dir.path() / "plots/comparison.gp");
  for (const char* label : {"aum.rate, constant", "aum.rate, line_search", "logistic, constant"}) {
    EXPECT_EQ(occurrences(comparison, fmt::format("title \"{}\"", label)), 2u) << label;
  }
  EXPECT_EQ(occurrences(comparison, "<< EOD"), 3u);
  // aum.rate with line_search, the middle of three series (no shift): test AUC 0.75 and 0.875,
  // mean 0.8125, sd sqrt(2 * 0.0625^2).
  EXPECT_NE(comparison.find("$auc_0_1 << EOD\n0 0.8125 0.08838834764831845\nEOD\n"),
            std::string::npos);
}

TEST_F(PlotsTest, NamesAPairByItsLossWhenEveryRunIsConstant) {
  dir.write("comparison.csv", std::string(kComparisonHeader) +
                                  selection_row("toy,0.1,3,aum.rate,constant,0.1", 4, "0.7") +
                                  selection_row("toy,0.1,3,logistic,constant,1", 2, "0.6"));
  dir.write("learning_curves.csv",
            std::string(kCurvesHeader) +
                auc_rows("toy,0.1,3,aum.rate,constant,0.1", "test", {"0.5", "0.6"}) +
                auc_rows("toy,0.1,3,logistic,constant,1", "test", {"0.5", "0.55"}));
  render_plots(dir.path(), dir.path() / "plots");
  const std::string auc = slurp(dir.path() / "plots/auc_toy_0.1.gp");
  EXPECT_EQ(occurrences(auc, "set title \"aum.rate\\nseed 3: step size 0.1; iteration 4\""), 2u);
  EXPECT_EQ(occurrences(auc, "set title \"logistic\\nseed 3: step size 1; iteration 2\""), 2u);
  const std::string comparison = slurp(dir.path() / "plots/comparison.gp");
  EXPECT_EQ(occurrences(comparison, "title \"aum.rate\""), 2u);
  EXPECT_EQ(occurrences(comparison, "title \"logistic\""), 2u);
  EXPECT_EQ(comparison.find("constant"), std::string::npos);
}

TEST_F(PlotsTest, ReadsRunDirectoriesWrittenBeforeOptimizers) {
  dir.write("comparison.csv", std::string(kOldComparisonHeader) +
                                  selection_row("toy,NA,1,aum.count,0.01", 3, "0.7", false) +
                                  selection_row("toy,NA,1,logistic,1", 1, "0.6", false));
  std::string curves = kOldCurvesHeader;
  for (const char* set : {"subtrain", "validation", "test"}) {
    curves += auc_rows("toy,NA,1,aum.count,0.01", set, {"0.5", "0.625", "0.75", "0.8"}, false);
    curves += auc_rows("toy,NA,1,logistic,1", set, {"0.5", "0.6"}, false);
  }
  dir.write("learning_curves.csv", curves);
  const auto result = testing::run_aumtrain("plot .", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string auc = slurp(dir.path() / "plots/auc_toy_as-is.gp");
  EXPECT_EQ(occurrences(auc, "set title \"aum.count\\nseed 1: step size 0.01; iteration 3\""),
            2u);
  EXPECT_EQ(occurrences(auc, "set title \"logistic\\nseed 1: step size 1; iteration 1\""), 2u);
  EXPECT_NE(auc.find("$curve_0_0_2 << EOD\n1 0.5\n2 0.625\n3 0.75\n4 0.8\nEOD\n"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(dir.path() / "plots/comparison.png"));
  EXPECT_EQ(occurrences(slurp(dir.path() / "plots/comparison.gp"), "title \"aum.count\""), 2u);
}

// The y range set for the panel titled `title` (its first line), as drawn into the PNG.
std::pair<double, double> yrange_of_panel(const std::string& script, const std::string& title) {
  const auto panel = script.find("set title \"" + title + "\\n");
  if (panel == std::string::npos) return {NAN, NAN};
  const auto range = script.find("set yrange [", panel) + std::strlen("set yrange [");
  const auto colon = script.find(':', range);
  return {std::stod(script.substr(range, colon - range)), std::stod(script.substr(colon + 1))};
}

TEST_F(PlotsTest, EachPanelsAucRangeCoversItsCurvesWithRoomAboveAndBelow) {
  write_mixed_run(dir);
  render_plots(dir.path(), dir.path() / "plots");
  const std::string auc = slurp(dir.path() / "plots/auc_toy_as-is.gp");
  // aum.rate with line_search: from 0.321 (seed 2) to 0.8 (seed 1), 5% of that added each side.
  const auto [low, high] = yrange_of_panel(auc, "aum.rate, line_search");
  EXPECT_NEAR(low, 0.321 - 0.05 * 0.479, 1e-4);
  EXPECT_NEAR(high, 0.8 + 0.05 * 0.479, 1e-4);
  // logistic: 0.5 to 0.6; the margin is at least 0.02.
  const auto [logistic_low, logistic_high] = yrange_of_panel(auc, "logistic, constant");
  EXPECT_NEAR(logistic_low, 0.48, 1e-9);
  EXPECT_NEAR(logistic_high, 0.62, 1e-9);

  // A subtrain AUC of 1 stays below the top border; the worst validation AUC above the bottom.
  dir.write("comparison.csv", std::string(kComparisonHeader) +
                                  selection_row("toy,NA,1,aum.count,constant,0.1", 1, "0.7"));
  dir.write("learning_curves.csv",
            std::string(kCurvesHeader) +
                auc_rows("toy,NA,1,aum.count,constant,0.1", "subtrain", {"0.5", "0.9", "1"}) +
                auc_rows("toy,NA,1,aum.count,constant,0.1", "validation", {"0.5", "0.2", "0.6"}));
  render_plots(dir.path(), dir.path() / "plots");
  const auto [one_low, one_high] =
      yrange_of_panel(slurp(dir.path() / "plots/auc_toy_as-is.gp"), "aum.count");
  EXPECT_NEAR(one_low, 0.2 - 0.04, 1e-9);
  EXPECT_NEAR(one_high, 1 + 0.04, 1e-9);
}

TEST_F(PlotsTest, AMissingColumnIsADataError) {
  dir.write("comparison.csv", "dataset,positive_fraction,seed,loss,step_size,iteration\n");
  dir.write("learning_curves.csv", kCurvesHeader);
  EXPECT_THROW(render_plots(dir.path(), dir.path() / "plots"), DataError);
}

}  // namespace
}  // namespace aumtrain
