// `aumtrain predict` and `evaluate` on models that `aumtrain train` wrote, run as a user would run
// them: the run's test AUC recomputed from predictions and splits.csv, line numbers, labels,
// missing columns and values, and the evaluation's figures against the kernel.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/io/model_file.hpp"
#include "aumtrain/model/decision_threshold.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;
using testing::read_csv;
using testing::run_aumtrain;

std::string slurp_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kPimaForPredict = AUMTRAIN_SOURCE_DIR "/datasets/pima.csv";

// One training run on pima shared by the tests: two losses, line search, the data as it is and
// with positives subsampled to 20%, two seeds.
class TrainedPima : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    dir_->write("pima.yaml",
                "name: pima\ndata: {path: '" + kPimaForPredict + "', label: label}\n"
                "split: {seeds: [1, 2], positive_fraction: [null, 0.2]}\n"
                "train:\n  losses: [{name: aum, denominator: rate}, {name: logistic}]\n"
                "  optimizers: [{name: line_search, max_iterations: 10}]\n"
                "output: {directory: run, plots: false}\n");
    const auto result = run_aumtrain("-q train pima.yaml", dir_->path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path run() { return dir_->path() / "run"; }
  static fs::path model(const std::string& name) { return run() / "models" / name; }
  static testing::TempDir* dir_;
};
testing::TempDir* TrainedPima::dir_ = nullptr;

// The AUC of scores with their labels, from the kernel.
double kernel_auc(const std::vector<double>& scores, const std::vector<double>& labels) {
  const BinaryTargets targets = make_binary_targets(labels);
  AumKernel kernel;
  return kernel.summary(scores, targets.error_diffs,
                        make_denominators(targets.error_diffs, Denominator::rate))
      .auc;
}

TEST_F(TrainedPima, TestAucRecomputedFromPredictionsAndSplits) {
  const auto comparison = read_csv(run() / "comparison.csv");
  const auto splits = read_csv(run() / "splits.csv");
  ASSERT_EQ(splits.front(), (std::vector<std::string>{"dataset", "positive_fraction", "seed", "line", "set"}));
  ASSERT_EQ(comparison.size(), 9u);  // 2 fractions x 2 seeds x 2 losses, and the header
  const auto& header = comparison.front();
  const auto column = [&](const std::string& name) {
    const auto at = std::find(header.begin(), header.end(), name);
    EXPECT_NE(at, header.end()) << name;
    return static_cast<std::size_t>(at - header.begin());
  };
  const std::size_t test_auc = column("test_auc"), test_size = column("test_size"),
                    model_file = column("model");
  std::size_t checked = 0;
  for (std::size_t r = 1; r < comparison.size(); ++r) {
    const auto& row = comparison[r];  // dataset, positive_fraction, seed come first
    const fs::path predictions = dir_->path() / ("predictions_" + std::to_string(r) + ".csv");
    const auto result = run_aumtrain("predict --model '" + (run() / row[model_file]).string() + "' '" +
                                     kPimaForPredict + "' --output '" + predictions.string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::map<std::string, std::pair<double, double>> by_line;  // line -> (score, label)
    for (const auto& p : read_csv(predictions)) {
      if (p[0] != "line") by_line[p[0]] = {std::stod(p[1]), std::stod(p[3])};
    }
    EXPECT_EQ(by_line.size(), 768u);
    std::vector<double> scores, labels;
    std::size_t listed = 0;
    for (const auto& s : splits) {
      if (s[0] != row[0] || s[1] != row[1] || s[2] != row[2]) continue;
      ++listed;
      if (s[4] != "test") continue;
      scores.push_back(by_line.at(s[3]).first);
      labels.push_back(by_line.at(s[3]).second);
    }
    EXPECT_EQ(listed, 768u) << "every row of the split once";
    EXPECT_EQ(std::to_string(scores.size()), row[test_size]) << "test_size";
    EXPECT_NEAR(kernel_auc(scores, labels), std::stod(row[test_auc]), 1e-12) << row[model_file];
    ++checked;
  }
  EXPECT_EQ(checked, 8u);
}

TEST_F(TrainedPima, SplitsListEachLineOnceWithUnusedPositivesLast) {
  const auto splits = read_csv(run() / "splits.csv");
  std::map<std::string, std::set<std::string>> lines;
  std::map<std::string, std::map<std::string, int>> sets;
  for (std::size_t r = 1; r < splits.size(); ++r) {
    const auto& s = splits[r];
    const std::string group = s[0] + "," + s[1] + "," + s[2];
    EXPECT_TRUE(lines[group].insert(s[3]).second) << "line " << s[3] << " twice in " << group;
    ++sets[group][s[4]];
  }
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& [group, lines_of_group] : lines) {
    EXPECT_EQ(lines_of_group.size(), 768u) << group;
    EXPECT_TRUE(lines_of_group.count("2") && lines_of_group.count("769")) << group;
  }
  EXPECT_EQ(sets["pima,NA,1"].count("unused"), 0u);
  EXPECT_GT(sets["pima,0.2,1"]["unused"], 0);
  EXPECT_EQ(sets["pima,0.2,1"]["test"], sets["pima,NA,1"]["test"]);  // test is never subsampled
}

TEST_F(TrainedPima, ModelFilesReadBackWithTheirThreshold) {
  const ModelFile m = read_model_file(model("pima__pf-as-is__seed-1__aum.rate__line_search.json").string());
  EXPECT_EQ(m.data.label_column, "label");
  EXPECT_EQ(m.data.positive_label, "1");
  EXPECT_EQ(m.negative_label, "0");
  EXPECT_EQ(m.training_data.bytes, fs::file_size(kPimaForPredict));
  EXPECT_EQ(m.feature_names.size(), 8u);
  EXPECT_EQ(m.threshold_rule, "min_fp_plus_fn_on_subtrain");
  EXPECT_GT(m.threshold.false_positives + m.threshold.false_negatives, 0);
}

// A copy of a model file with some keys changed, as a person might edit it.
fs::path edited_model(const fs::path& original, const fs::path& copy,
                      const std::function<void(nlohmann::json&)>& edit) {
  std::ifstream in(original);
  nlohmann::json json = nlohmann::json::parse(in);
  edit(json);
  std::ofstream(copy) << json.dump(2);
  return copy;
}

// The pima rows' cells (header first) as read_csv gives them.
const std::vector<std::vector<std::string>>& pima_cells() {
  static const auto cells = read_csv(kPimaForPredict);
  return cells;
}

TEST_F(TrainedPima, PredictCountsCsvLinesAsTheFileDoes) {
  testing::TempDir dir;
  // The model's columns in another order, an extra quoted column over two lines, a blank line.
  const auto& p = pima_cells();
  std::string csv = "label,note,age,pedigree,mass,insulin,triceps,pressure,glucose,pregnant\n";
  for (std::size_t r : {1, 2, 3}) {
    csv += p[r][8] + (r == 2 ? ",\"two\nlines\"," : ",x,");
    for (int c = 7; c >= 0; --c) csv += p[r][static_cast<std::size_t>(c)] + (c > 0 ? "," : "\n");
    if (r == 1) csv += "\n";
  }
  const std::string data = dir.write("new.csv", csv);
  const fs::path m = model("pima__pf-as-is__seed-1__aum.rate__line_search.json");
  const auto result = run_aumtrain("predict --model '" + m.string() + "' '" + data + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const ModelFile model = read_model_file(m.string());
  std::vector<std::string> expected = {"line,score,predicted,label"};
  std::size_t line = 2;
  for (std::size_t r : {1, 2, 3}) {
    std::vector<double> x;
    for (int c = 0; c < 8; ++c) x.push_back(std::stod(p[r][static_cast<std::size_t>(c)]));
    const double score = model.score(x);
    expected.push_back(fmt::format("{},{:.17g},{},{}", line, score, model.predicted_label(score), p[r][8]));
    line += 2;  // a blank line after the first row, and the second row spans two lines
  }
  std::vector<std::string> lines;
  std::stringstream out(result.out);
  for (std::string text; std::getline(out, text);) lines.push_back(text);
  EXPECT_EQ(lines, expected);
  EXPECT_NE(result.err.find("note: " + data + " has a column the model does not use, ignored: note"),
            std::string::npos)
      << result.err;
}

TEST_F(TrainedPima, PredictNamesAMissingFeatureColumn) {
  testing::TempDir dir;
  const std::string data = dir.write("new.csv", "pregnant,glucose,pressure,triceps,insulin,mass,age\n1,2,3,4,5,6,7\n");
  const fs::path m = model("pima__pf-0.2__seed-2__logistic__line_search.json");
  const auto result = run_aumtrain("predict --model '" + m.string() + "' '" + data + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_EQ(result.err, "error: " + data + ":1: no column 'pedigree', which the model uses (feature 7 "
                        "of 8); the file's columns are pregnant, glucose, pressure, triceps, insulin, "
                        "mass, age; give the data every feature column the model was trained on\n");
}

TEST_F(TrainedPima, PredictDropsRowsWithMissingValuesAndSaysWhich) {
  testing::TempDir dir;
  const fs::path m = edited_model(model("pima__pf-as-is__seed-1__logistic__line_search.json"),
                                  dir.path() / "drop.json",
                                  [](nlohmann::json& j) { j["data"]["missing"] = "drop_rows"; });
  const std::string data = dir.write(
      "new.csv", "pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n"
                 "6,148,72,35,0,33.6,0.627,50\n1,NA,66,29,0,26.6,0.351,31\n8,183,64,0,0,23.3,0.672,32\n"
                 "1,89,66,23,94,?,0.167,21\n");
  auto result = run_aumtrain("predict --model '" + m.string() + "' '" + data + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("line,score,predicted\n2,")) << result.out;
  EXPECT_NE(result.out.find("\n4,"), std::string::npos) << result.out;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3);
  EXPECT_NE(result.err.find("warning: " + data + ": dropped 2 rows with missing values (the model "
                            "was trained with missing: drop_rows), at lines 3, 5"),
            std::string::npos)
      << result.err;
  // Under the model as trained (missing: error) the first missing value is an error.
  result = run_aumtrain("predict --model '" +
                        model("pima__pf-as-is__seed-1__logistic__line_search.json").string() + "' '" +
                        data + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find(data + ":3:3: column 'glucose' has a missing value ('NA')"),
            std::string::npos)
      << result.err;
}

TEST_F(TrainedPima, PredictWritesFilesOnlyWhenAskedToReplace) {
  testing::TempDir dir;
  const std::string m = model("pima__pf-as-is__seed-2__aum.rate__line_search.json").string();
  const std::string out = (dir.path() / "p.csv").string();
  ASSERT_EQ(run_aumtrain("predict --model '" + m + "' '" + kPimaForPredict + "' -o '" + out + "'").exit_code, 0);
  EXPECT_EQ(read_csv(out).size(), 769u);
  std::ofstream(out) << "keep me\n";
  const auto refused = run_aumtrain("predict --model '" + m + "' '" + kPimaForPredict + "' -o '" + out + "'");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--output: " + out + " already exists"), std::string::npos) << refused.err;
  EXPECT_EQ(testing::read_csv(out).size(), 1u);
  EXPECT_EQ(run_aumtrain("predict --force --model '" + m + "' '" + kPimaForPredict + "' -o '" + out + "'").exit_code, 0);
  EXPECT_EQ(read_csv(out).size(), 769u);
}

TEST_F(TrainedPima, ABadModelFileIsADataError) {
  testing::TempDir dir;
  const std::string m = dir.write("m.json", "{\"format\": \"aumtrain-model\"}");
  const auto result = run_aumtrain("predict --model '" + m + "' '" + kPimaForPredict + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err, "error: " + m + ": key 'format_version' is missing; use the model file that "
                        "`aumtrain train` wrote, or add it\n");
}

// A libsvm copy of pima with comment and blank lines: "# ..." first, a blank line after row 1.
std::string pima_as_libsvm(std::size_t rows) {
  std::string text = "# pima as libsvm\n";
  const auto& p = pima_cells();
  for (std::size_t r = 1; r <= rows; ++r) {
    text += p[r][8] == "1" ? "+1" : "-1";
    for (std::size_t c = 0; c < 8; ++c) {
      if (p[r][c] != "0") text += fmt::format(" {}:{}", c + 1, p[r][c]);
    }
    text += r == 1 ? "  # first\n\n" : "\n";
  }
  return text;
}

TEST(CommandPredict, LibsvmModelsScoreLibsvmLinesByIndex) {
  testing::TempDir dir;
  dir.write("pima.svm", pima_as_libsvm(768));
  dir.write("svm.yaml", "name: svm\ndata: {path: pima.svm, format: libsvm, positive_label: '+1'}\n"
                        "split: {seeds: [3]}\ntrain: {losses: [{name: logistic}], optimizers: "
                        "[{name: line_search, max_iterations: 5}]}\noutput: {directory: run, plots: false}\n");
  ASSERT_EQ(run_aumtrain("-q train svm.yaml", dir.path()).exit_code, 0);
  const fs::path m = dir.path() / "run/models/svm__pf-as-is__seed-3__logistic__line_search.json";
  const ModelFile model = read_model_file(m.string());
  EXPECT_EQ(model.data.format, DataFormat::libsvm);
  EXPECT_EQ(model.negative_label, "-1");
  const std::string data = dir.write("new.svm", pima_as_libsvm(3) + "-1 1:2 9:5\n");
  const auto result = run_aumtrain("predict --model '" + m.string() + "' '" + data + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto rows = read_csv(dir.write("out.csv", result.out));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"line", "score", "predicted", "label"}));
  EXPECT_EQ(rows[1][0], "2");
  EXPECT_EQ(rows[2][0], "4");
  EXPECT_EQ(rows[3][0], "5");
  EXPECT_EQ(rows[4][0], "6");
  std::vector<double> x(8, 0.0);
  x[0] = 2;
  EXPECT_EQ(std::stod(rows[4][1]), model.score(x));
  EXPECT_EQ(rows[4][2], model.predicted_label(model.score(x)));
  EXPECT_NE(result.err.find("has a column the model does not use, ignored: f9"), std::string::npos)
      << result.err;
}

TEST_F(TrainedPima, EvaluateAgreesWithTheKernelOnPredictedScores) {
  testing::TempDir dir;
  const std::string m = model("pima__pf-0.2__seed-1__aum.rate__line_search.json").string();
  const auto predicted = run_aumtrain("predict --model '" + m + "' '" + kPimaForPredict + "'");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  std::vector<double> scores, labels;
  for (const auto& row : read_csv(dir.write("p.csv", predicted.out))) {
    if (row[0] == "line") continue;
    scores.push_back(std::stod(row[1]));
    labels.push_back(std::stod(row[3]));
  }
  const BinaryTargets targets = make_binary_targets(labels);
  AumKernel kernel;
  const AumDetails rate = kernel.details(scores, targets.error_diffs,
                                         make_denominators(targets.error_diffs, Denominator::rate));
  const double aum_count = kernel.summary(scores, targets.error_diffs, {1, 1}).aum;
  const ModelFile model = read_model_file(m);
  const ConfusionMatrix c = confusion_matrix(scores, targets, model.threshold.threshold);

  const auto result = run_aumtrain("evaluate --model '" + m + "' '" + kPimaForPredict + "' --output ev", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(slurp_file(dir.path() / "ev/evaluation.json"));
  EXPECT_EQ(json["rows"], 768);
  EXPECT_EQ(json["positives"], 268);
  EXPECT_EQ(json["auc"].get<double>(), rate.auc);
  EXPECT_EQ(json["aum_rate"].get<double>(), rate.aum);
  EXPECT_EQ(json["aum_count"].get<double>(), aum_count);
  EXPECT_EQ(json["threshold"].get<double>(), model.threshold.threshold);
  EXPECT_EQ(json["true_positives"].get<double>(), c.true_positives);
  EXPECT_EQ(json["false_positives"].get<double>(), c.false_positives);
  EXPECT_EQ(json["true_negatives"].get<double>(), c.true_negatives);
  EXPECT_EQ(json["false_negatives"].get<double>(), c.false_negatives);
  EXPECT_EQ(json["f1"].get<double>(), c.f1());
  EXPECT_NE(result.out.find("AUC " + format_number(rate.auc) + "\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(fmt::format("precision {}, recall {}", format_number(c.precision()),
                                        format_number(c.recall()))),
            std::string::npos)
      << result.out;
  // The ROC table is the kernel's, row for row.
  const auto roc = read_csv(dir.path() / "ev/roc.csv");
  ASSERT_EQ(roc.size(), rate.roc.size() + 1);
  EXPECT_EQ(roc[0], (std::vector<std::string>{"FPR", "FNR", "TPR", "min", "min_constant", "max_constant"}));
  EXPECT_EQ(std::stod(roc[5][1]), rate.roc.fnr[4]);
  EXPECT_EQ(roc[1][4], "-Inf");
  for (const char* file : {"roc.png", "roc.svg", "roc.gp", "error_curves.png", "error_curves.svg", "error_curves.gp"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "ev" / file)) << file;
  }
  EXPECT_EQ(slurp_file(dir.path() / "ev/roc.png").substr(0, 8), "\x89PNG\r\n\x1a\n");
  const auto again = run_aumtrain("evaluate --model '" + m + "' '" + kPimaForPredict + "' --output ev", dir.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--output: ev already exists"), std::string::npos) << again.err;
}

TEST_F(TrainedPima, EvaluateNeedsLabelsAndGnuplotForItsPlots) {
  testing::TempDir dir;
  const std::string m = model("pima__pf-as-is__seed-1__aum.rate__line_search.json").string();
  const std::string unlabelled = dir.write("new.csv", "pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n1,2,3,4,5,6,7,8\n");
  auto result = run_aumtrain("evaluate --model '" + m + "' '" + unlabelled + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find(unlabelled + ":1: no label column 'label'"), std::string::npos) << result.err;
  // Without gnuplot on the PATH: a clear error, and no directory.
  const std::string command = "cd '" + dir.path().string() + "' && PATH=/nonexistent '" AUMTRAIN_EXECUTABLE
                              "' evaluate --model '" + m + "' '" + kPimaForPredict + "' --output ev 2> err.txt";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
  const std::string err = slurp_file(dir.path() / "err.txt");
  EXPECT_NE(err.find("--output: gnuplot is not installed"), std::string::npos) << err;
  EXPECT_NE(err.find("gnuplot-nox"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir.path() / "ev"));
}

}  // namespace
}  // namespace aumtrain
