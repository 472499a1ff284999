// `aumtrain train`, `compare` and `plot`, run as a user would run them.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <nlohmann/json.hpp>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;
using testing::run_aumtrain;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string tiny_config(const std::string& name, const std::string& dataset,
                        const std::string& label, const std::string& extra = "") {
  return "name: " + name + "\n" +
         "data: {path: " AUMTRAIN_SOURCE_DIR "/datasets/" + dataset + ".csv, label: " + label +
         "}\n"
         "split: {seeds: [1, 2], positive_fraction: [null, 0.2]}\n"
         "train:\n"
         "  losses: [{name: aum}, {name: logistic}]\n"
         "  step_sizes: [0.1, 1]\n"
         "  max_iterations: 20\n"
         "output:\n"
         "  log_every: 5\n" +
         extra;
}

// Learning curves without the timing rows, which differ between runs.
std::string curves_without_seconds(const fs::path& run) {
  std::istringstream in(slurp(run / "learning_curves.csv"));
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find(",model,seconds,") == std::string::npos) out += line + "\n";
  }
  return out;
}

TEST(CommandCompare, WritesEveryOutput) {
  testing::TempDir dir;
  const auto a = dir.write("sonar.yaml", tiny_config("sonar", "sonar", "label"));
  const auto b = dir.write("pima.yaml", tiny_config("pima", "pima", "label"));
  const auto result = run_aumtrain("compare '" + a + "' '" + b + "' --output runs/both", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path run = dir.path() / "runs/both";
  for (const char* file : {"comparison.csv", "comparison.md", "learning_curves.csv", "runs.csv",
                           "run_info.json", "configs/sonar.yaml", "configs/pima.yaml",
                           "plots/comparison.png", "plots/comparison.svg",
                           "plots/auc_sonar_as-is.png", "plots/auc_pima_0.2.svg"}) {
    EXPECT_TRUE(fs::exists(run / file)) << file;
  }
  // Valid images: the PNG signature, an SVG document.
  EXPECT_EQ(slurp(run / "plots/comparison.png").substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_NE(slurp(run / "plots/auc_sonar_as-is.svg").find("<svg"), std::string::npos);
  // 2 datasets x 2 fractions x 2 seeds x 2 losses selections, with their models.
  const std::string comparison = slurp(run / "comparison.csv");
  EXPECT_EQ(std::count(comparison.begin(), comparison.end(), '\n'), 17);
  EXPECT_TRUE(comparison.starts_with("dataset,positive_fraction,seed,loss,optimizer,step_size,"
                                     "iteration,validation_auc,test_auc,"));
  EXPECT_EQ(std::distance(fs::directory_iterator(run / "models"), fs::directory_iterator{}), 16);
  const auto model = nlohmann::json::parse(slurp(run / "models/sonar__pf-as-is__seed-1__aum.rate.json"));
  EXPECT_EQ(model["feature_names"].size(), 60u);
  EXPECT_EQ(model["original_units"]["weights"].size(), 60u);
  EXPECT_EQ(model["standardized"]["intercept"], 0.0);
  // The printed table has a row per dataset and fraction and a column per loss.
  EXPECT_NE(result.out.find("| sonar   | as-is             |"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("| pima    | 0.2               |"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("aum.rate"), std::string::npos);
  EXPECT_EQ(slurp(run / "comparison.md").find("| dataset"), slurp(run / "comparison.md").find("| dataset"));
  // Tidy learning curves: a row per (run, iteration, set, metric).
  const std::string curves = slurp(run / "learning_curves.csv");
  EXPECT_TRUE(curves.starts_with("dataset,positive_fraction,seed,loss,optimizer,step_size,iteration,"
                                 "step,set,metric,value\n"));
  EXPECT_NE(curves.find("\nsonar,NA,1,aum.rate,constant,0.1,0,,validation,auc,0.5\n"),
            std::string::npos);
  EXPECT_NE(curves.find("\npima,0.2,2,logistic,constant,1,20,1,test,loss,"), std::string::npos);
  // Subsampling positives to 0.2 leaves the test set as it is: the same rows as the split of the
  // same seed as-is, while subtrain and validation give up positives (`unused`).
  std::map<std::string, std::vector<std::string>> test_lines;  // dataset,seed,fraction -> lines
  std::map<std::string, int> unused;
  const auto splits = testing::read_csv(run / "splits.csv");
  ASSERT_FALSE(splits.empty());
  EXPECT_EQ(splits[0],
            (std::vector<std::string>{"dataset", "positive_fraction", "seed", "line", "set"}));
  for (std::size_t r = 1; r < splits.size(); ++r) {
    const auto& row = splits[r];
    ASSERT_EQ(row.size(), 5u) << "splits.csv row " << r;
    const std::string group = row[0] + "," + row[2] + "," + row[1];
    if (row[4] == "test") test_lines[group].push_back(row[3]);
    unused[group] += row[4] == "unused";
  }
  for (const char* dataset : {"sonar", "pima"}) {
    for (const char* seed : {"1", "2"}) {
      const std::string as_is = std::string(dataset) + "," + seed + ",NA";
      const std::string subsampled = std::string(dataset) + "," + seed + ",0.2";
      EXPECT_FALSE(test_lines[as_is].empty()) << as_is;
      EXPECT_EQ(test_lines[subsampled], test_lines[as_is]) << subsampled;
      EXPECT_EQ(unused[as_is], 0) << as_is;
      EXPECT_GT(unused[subsampled], 0) << subsampled;
    }
  }
  // Nothing is left beside the run directory.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "runs"), fs::directory_iterator{}), 1);
}

TEST(CommandTrain, BothOptimizersGiveTheirOwnColumnsRunsAndModels) {
  testing::TempDir dir;
  const auto config = dir.write(
      "c.yaml", tiny_config("sonar", "sonar", "label", "  plots: false\n"));
  const auto result = run_aumtrain(
      "train '" + config +
          "' --set 'train.optimizers=[{name: constant, step_sizes: [0.1, 1]}, {name: "
          "line_search, max_events: 1}]' --set output.directory=run",
      dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path run = dir.path() / "run";
  // 2 fractions x 2 seeds x 2 losses x 2 optimizers selections, one model each.
  const std::string comparison = slurp(run / "comparison.csv");
  EXPECT_EQ(std::count(comparison.begin(), comparison.end(), '\n'), 17);
  EXPECT_NE(comparison.find("\nsonar,NA,1,aum.rate,line_search,,"), std::string::npos) << comparison;
  EXPECT_TRUE(fs::exists(run / "models/sonar__pf-as-is__seed-1__aum.rate__line_search.json"));
  EXPECT_TRUE(fs::exists(run / "models/sonar__pf-as-is__seed-1__aum.rate.json"));
  const auto model =
      nlohmann::json::parse(slurp(run / "models/sonar__pf-as-is__seed-1__logistic__line_search.json"));
  EXPECT_EQ(model["optimizer"], "line_search");
  EXPECT_TRUE(model["step_size"].is_null());
  // The table has a column per loss and optimizer.
  EXPECT_NE(result.out.find("aum.rate, line_search"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("logistic, constant"), std::string::npos) << result.out;
  // With max_events 1 every AUM search past the first step is capped, and says so.
  EXPECT_NE(result.err.find("line searches stopped at max_events"), std::string::npos) << result.err;
  const std::string runs = slurp(run / "runs.csv");
  EXPECT_NE(runs.find("sonar,NA,1,aum.rate,line_search,,completed,20,"), std::string::npos) << runs;
  // Learning curves: the step taken and, for the AUM search, the crossings it walked.
  const std::string curves = slurp(run / "learning_curves.csv");
  EXPECT_NE(curves.find("\nsonar,NA,1,aum.rate,line_search,,1,"), std::string::npos);
  EXPECT_NE(curves.find(",model,events,1\n"), std::string::npos);
}

TEST(CommandTrain, TwoRunsWithOneSeedGiveIdenticalCurves) {
  testing::TempDir dir;
  const auto config = dir.write("c.yaml", tiny_config("sonar", "sonar", "label",
                                                      "  plots: false\n"));
  // Change only the output directory (and the threads, which must not matter).
  ASSERT_EQ(run_aumtrain("train '" + config + "' --set output.directory=one --threads 2", dir.path()).exit_code, 0);
  ASSERT_EQ(run_aumtrain("train '" + config + "' --set output.directory=two --threads 1", dir.path()).exit_code, 0);
  EXPECT_EQ(curves_without_seconds(dir.path() / "one"), curves_without_seconds(dir.path() / "two"));
  EXPECT_EQ(slurp(dir.path() / "one/comparison.csv"), slurp(dir.path() / "two/comparison.csv"));
  EXPECT_FALSE(fs::exists(dir.path() / "one/plots"));
}

TEST(CommandTrain, RunsFromAnyFolderAndItsConfigYamlRunsAgainAsItIs) {
  // The shipped config names its data relative to its own folder; --output is relative to the
  // working directory.
  testing::TempDir first_folder, second_folder;
  const std::string shipped = AUMTRAIN_SOURCE_DIR "/configs/pima.yaml";
  const auto first = run_aumtrain("train '" + shipped +
                                      "' --set split.seeds=[1] --set train.max_iterations=10 "
                                      "--set 'train.losses=[aum, logistic]' "
                                      "--set train.step_sizes=[0.1] --set output.plots=false "
                                      "--output run",
                                  first_folder.path());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const fs::path run = first_folder.path() / "run";
  const std::string comparison = slurp(run / "comparison.csv");
  ASSERT_NE(comparison.find("\npima,NA,1,logistic,constant,0.1,"), std::string::npos) << comparison;
  // config.yaml records absolute paths: the data read and the run directory written.
  const std::string recorded = slurp(run / "config.yaml");
  const std::string data = (fs::path(AUMTRAIN_SOURCE_DIR) / "datasets/pima.csv").lexically_normal();
  EXPECT_NE(recorded.find("  path: " + data + "\n"), std::string::npos) << recorded;
  EXPECT_NE(recorded.find("  directory: " + run.string() + "\n"), std::string::npos) << recorded;

  // Run as it is from a third folder, it reads the same data into the same run directory.
  const auto again = run_aumtrain("train '" + (run / "config.yaml").string() + "' --force",
                                  second_folder.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(slurp(run / "comparison.csv"), comparison);
  EXPECT_EQ(slurp(run / "config.yaml"), recorded);
  EXPECT_TRUE(fs::is_empty(second_folder.path()));
}

TEST(CommandTrain, NeverOverwritesWithoutForce) {
  testing::TempDir dir;
  const auto config = dir.write("c.yaml", tiny_config("sonar", "sonar", "label", "  plots: false\n"));
  fs::create_directories(dir.path() / "runs/sonar");
  dir.write("runs/sonar/keep.txt", "earlier results");
  const auto refused = run_aumtrain("train '" + config + "'", dir.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("already exists and is not empty"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos);
  EXPECT_EQ(slurp(dir.path() / "runs/sonar/keep.txt"), "earlier results");
  const auto forced = run_aumtrain("train '" + config + "' --force", dir.path());
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(fs::exists(dir.path() / "runs/sonar/keep.txt"));
  EXPECT_TRUE(fs::exists(dir.path() / "runs/sonar/comparison.csv"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "runs"), fs::directory_iterator{}), 1);
}

TEST(CommandTrain, BadConfigFailsBeforeWritingAnything) {
  testing::TempDir dir;
  const auto config = dir.write("c.yaml", tiny_config("sonar", "sonar", "label",
                                                      "  colour: blue\n"));
  const auto result = run_aumtrain("train '" + config + "'", dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(config + ":10:3: output.colour: unknown key 'colour'"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir.path() / "runs"));
  const auto good = dir.write("good.yaml", tiny_config("sonar", "sonar", "label"));
  const auto bad_data = run_aumtrain("train '" + good + "' --set data.label=nope", dir.path());
  EXPECT_EQ(bad_data.exit_code, 2);  // a config mistake: the file has no such column
  EXPECT_NE(bad_data.err.find("data.label: no column 'nope'"), std::string::npos) << bad_data.err;
  EXPECT_FALSE(fs::exists(dir.path() / "runs"));
}

TEST(CommandTrain, DataErrorsLeaveNoRunDirectory) {
  testing::TempDir dir;
  dir.write("bad.csv", "a,b,label\n1,2,1\n3,oops,0\n");
  const auto config = dir.write("c.yaml", "data: {path: bad.csv}\n");
  const auto result = run_aumtrain("train '" + config + "'", dir.path());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("bad.csv:3:3: column 'b': 'oops' is not a number"), std::string::npos)
      << result.err;
  EXPECT_TRUE(!fs::exists(dir.path() / "runs") || fs::is_empty(dir.path() / "runs"));
}

TEST(CommandPlot, RerendersPlotsFromTheLoggedCurves) {
  testing::TempDir dir;
  const auto config = dir.write("c.yaml", tiny_config("sonar", "sonar", "label", "  plots: false\n"));
  ASSERT_EQ(run_aumtrain("train '" + config + "'", dir.path()).exit_code, 0);
  const auto result = run_aumtrain("plot runs/sonar", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* file : {"comparison.png", "comparison.svg", "auc_sonar_as-is.png",
                           "auc_sonar_0.2.svg"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "runs/sonar/plots" / file)) << file;
  }
  EXPECT_EQ(run_aumtrain("plot nowhere", dir.path()).exit_code, 3);
}

TEST(CommandCompare, SignalStopsAfterTheCurrentIterationAndKeepsWhatWasDone) {
  for (const int signal : {SIGINT, SIGTERM}) {
    testing::TempDir dir;
    dir.write("c.yaml", "name: sonar\ndata: {path: " AUMTRAIN_SOURCE_DIR "/datasets/sonar.csv}\n"
                        "split: {seeds: [1, 2]}\n"
                        "train: {losses: [aum, logistic], step_sizes: [0.1, 1], "
                        "max_iterations: 5000000}\n"
                        "output: {directory: out, log_every: 10000, plots: false}\n");
    const fs::path err = dir.path() / "stderr.txt";
    const pid_t pid = testing::start_aumtrain(dir.path(), {"compare", "c.yaml"}, err);
    // Signal once the runs have started.
    for (int wait = 0; wait < 600 && slurp(err).find("sonar: 208 rows") == std::string::npos; ++wait) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_EQ(kill(pid, signal), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 130) << slurp(err);
    EXPECT_NE(slurp(err).find(signal == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"),
              std::string::npos)
        << slurp(err);
    const fs::path run = dir.path() / "out";
    // Complete files: every line whole, interrupted runs and selections marked.
    for (const char* file : {"learning_curves.csv", "runs.csv", "comparison.csv"}) {
      const std::string text = slurp(run / file);
      ASSERT_FALSE(text.empty()) << file;
      EXPECT_EQ(text.back(), '\n') << file;
    }
    std::istringstream curves(slurp(run / "learning_curves.csv"));
    std::string line;
    std::size_t rows = 0;
    while (std::getline(curves, line)) {
      ++rows;
      EXPECT_EQ(std::count(line.begin(), line.end(), ','), 10) << line;
    }
    EXPECT_GT(rows, 1u);
    EXPECT_NE(slurp(run / "runs.csv").find(",interrupted,"), std::string::npos);
    EXPECT_NE(slurp(run / "comparison.csv").find(",interrupted,"), std::string::npos);
    EXPECT_NE(slurp(run / "run_info.json").find("\"interrupted\""), std::string::npos);
    // Every run of the first seed was cut short or never started: the table says so, and
    // neither calls them diverged nor bolds a winner among them.
    const std::string table = slurp(run / "comparison.md");
    EXPECT_NE(table.find("(1 interrupted) |"), std::string::npos) << table;
    EXPECT_EQ(table.find("diverged"), std::string::npos) << table;
    EXPECT_EQ(table.find("**"), std::string::npos) << table;
  }
}

TEST(CommandMakeData, WritesASeededSyntheticCsvAndRefusesToOverwrite) {
  testing::TempDir dir;
  ASSERT_EQ(run_aumtrain("make-data --rows 500 --features 3 --positive-fraction 0.2 --seed 4 "
                         "--output a.csv", dir.path()).exit_code, 0);
  ASSERT_EQ(run_aumtrain("make-data --rows 500 --features 3 --positive-fraction 0.2 --seed 4 "
                         "--output b.csv", dir.path()).exit_code, 0);
  const std::string a = slurp(dir.path() / "a.csv");
  EXPECT_EQ(a, slurp(dir.path() / "b.csv"));
  EXPECT_TRUE(a.starts_with("x1,x2,x3,label\n"));
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 501);
  std::size_t positives = 0;
  for (std::size_t at = a.find(",1\n"); at != std::string::npos; at = a.find(",1\n", at + 1)) ++positives;
  EXPECT_NEAR(static_cast<double>(positives), 100.0, 30.0);
  const auto again = run_aumtrain("make-data --rows 5 --features 3 --output a.csv", dir.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
  EXPECT_EQ(slurp(dir.path() / "a.csv"), a);
  EXPECT_EQ(run_aumtrain("make-data --rows 5 --features 3 --positive-fraction 1.5 --output c.csv",
                         dir.path()).exit_code, 2);
  EXPECT_FALSE(fs::exists(dir.path() / "c.csv"));
}

TEST(CommandMakeData, SparseWritesLibsvmRowsAndChecksItsOptions) {
  testing::TempDir dir;
  const auto made = run_aumtrain("make-data --sparse --nonzeros-per-row 1e1 --rows 2e2 "
                                 "--features 40 --seed 3 --output a.svm", dir.path());
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.err.find("wrote a.svm: 200 rows ("), std::string::npos) << made.err;
  EXPECT_NE(made.err.find("40 features, 10 nonzeros per row (libsvm; informative: features 1 "
                          "to 4), positives with probability 0.1 (seed 3)"),
            std::string::npos)
      << made.err;
  const std::string a = slurp(dir.path() / "a.svm");
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 200);
  EXPECT_EQ(std::count(a.begin(), a.end(), ':'), 2000);
  EXPECT_TRUE(a.starts_with("0 ") || a.starts_with("1 ")) << a.substr(0, 40);

  // Never replaced without --force; with it, replaced.
  const auto again = run_aumtrain("make-data --sparse --nonzeros-per-row 2 --rows 5 --features 3 "
                                  "--output a.svm", dir.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(dir.path() / "a.svm"), a);
  EXPECT_EQ(run_aumtrain("make-data --sparse --nonzeros-per-row 2 --rows 5 --features 3 "
                         "--output a.svm --force", dir.path()).exit_code, 0);
  const std::string replaced = slurp(dir.path() / "a.svm");
  EXPECT_EQ(std::count(replaced.begin(), replaced.end(), '\n'), 5);

  const struct {
    std::string options;
    std::string expected;
  } refused[] = {
      {"--sparse --nonzeros-per-row 0 --features 8",
       "--nonzeros-per-row 0 is out of range: each row holds between 1 and --features (8) "
       "distinct features; give at least 1"},
      {"--sparse --nonzeros-per-row 9 --features 8",
       "--nonzeros-per-row 9 is out of range: each row holds between 1 and --features (8) "
       "distinct features; lower it or raise --features"},
      {"--sparse --features 8",
       "--sparse needs --nonzeros-per-row K, the number of features each row holds"},
      {"--nonzeros-per-row 2 --features 8",
       "--nonzeros-per-row is for sparse files; add --sparse to write libsvm"},
      {"--sparse --nonzeros-per-row 2.5 --features 8", "'2.5' is not a whole number"},
  };
  for (const auto& c : refused) {
    const auto result = run_aumtrain("make-data --rows 10 " + c.options + " --output x.svm",
                                     dir.path());
    EXPECT_EQ(result.exit_code, 2) << c.options << ": " << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << c.options << ": " << result.err;
  }
  EXPECT_FALSE(fs::exists(dir.path() / "x.svm"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);

  const auto none = run_aumtrain("make-data --sparse --nonzeros-per-row 2 --rows 5 --features 3 "
                                 "--positive-fraction 0.01 --output few.svm", dir.path());
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.err.find("warning: few.svm has no positive rows, so it cannot be trained on "
                          "(training needs both classes): raise --rows or --positive-fraction"),
            std::string::npos)
      << none.err;
}

}  // namespace
}  // namespace aumtrain
