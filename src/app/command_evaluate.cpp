// `aumtrain evaluate --model MODEL DATA [--output DIR]`: how a model file ranks and classifies
// labelled data: AUC, AUM, and the confusion matrix at the model's threshold; with --output, the
// ROC table and two plots.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/data/scoring_data.hpp"
#include "aumtrain/io/evaluation_plots.hpp"
#include "aumtrain/io/gnuplot.hpp"
#include "aumtrain/io/model_file.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "aumtrain/model/decision_threshold.hpp"
#include "commands.hpp"
#include "model_scoring.hpp"
#include "print_results.hpp"

namespace aumtrain::app {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kUnseenLabelsShown = 5;

// The scores and classes of the labelled rows of the data.
struct LabelledScores {
  std::vector<double> scores;
  std::vector<std::uint8_t> is_positive;
  std::vector<std::string> unseen_labels;  // labels the training data did not have
  ScoringSummary summary;
};

LabelledScores score_labelled_rows(const ModelFile& model, const std::string& data) {
  LabelledScores out;
  const PositiveLabel positive(model.data.positive_label);
  out.summary = read_rows_to_score(data, model.data, model.feature_names, true, [&](const ScoringRow& row) {
    out.scores.push_back(checked_score(model, row, data));
    out.is_positive.push_back(positive.matches(row.label));
    const bool known = std::find(model.label_values.begin(), model.label_values.end(), row.label) !=
                       model.label_values.end();
    if (!known && !out.is_positive.back() && out.unseen_labels.size() < kUnseenLabelsShown &&
        std::find(out.unseen_labels.begin(), out.unseen_labels.end(), row.label) ==
            out.unseen_labels.end()) {
      out.unseen_labels.emplace_back(row.label);
    }
  });
  return out;
}

struct Evaluation {
  BinaryTargets targets;
  AumDetails details;  // with the rate denominator
  double aum_count = 0;
  ConfusionMatrix confusion;
};

Evaluation evaluate_scores(const LabelledScores& labelled, const ModelFile& model,
                           const std::string& data) {
  Evaluation e;
  e.targets = make_binary_targets_from_flags(labelled.is_positive);
  if (e.targets.positive_count == 0 || e.targets.negative_count == 0) {
    throw DataError(fmt::format(
        "{}: every one of the {} rows is {} (positive label '{}'); AUC and AUM compare the two "
        "classes, so the data needs both",
        data, e.targets.size(), e.targets.positive_count == 0 ? "negative" : "positive",
        model.data.positive_label));
  }
  AumKernel kernel;
  const ErrorDiffs& diffs = e.targets.error_diffs;
  e.details = kernel.details(labelled.scores, diffs, make_denominators(diffs, Denominator::rate));
  e.aum_count = kernel.summary(labelled.scores, diffs, make_denominators(diffs, Denominator::count)).aum;
  e.confusion = confusion_matrix(labelled.scores, e.targets, model.threshold.threshold);
  return e;
}

std::string figure(double value) { return std::isnan(value) ? "undefined" : format_number(value); }

std::string evaluation_text(const Evaluation& e, const ModelFile& model,
                            const ModelDataOptions& options) {
  const ConfusionMatrix& c = e.confusion;
  const std::string positive = model.data.positive_label, negative = model.negative_label;
  std::string out = fmt::format(
      "{}: {} rows ({} positive, {} negative) scored by {} ({}, {}, seed {}, iteration {})\n\n"
      "AUC {}\nAUM {} (rate), {} (count)\n\n"
      "At the model's threshold {} (a score above it predicts '{}'):\n\n",
      options.data, e.targets.size(), e.targets.positive_count, e.targets.negative_count,
      options.model, model.key.loss, model.key.optimizer, model.key.seed, model.iteration,
      format_number(e.details.auc), format_number(e.details.aum), format_number(e.aum_count),
      format_number(model.threshold.threshold), positive);
  TextTable table({"", "predicted " + positive, "predicted " + negative});
  table.add_row({fmt::format("actual {} ({})", positive, e.targets.positive_count),
                 format_number(c.true_positives), format_number(c.false_negatives)});
  table.add_row({fmt::format("actual {} ({})", negative, e.targets.negative_count),
                 format_number(c.false_positives), format_number(c.true_negatives)});
  out += table.render(1);
  out += fmt::format("\nprecision {}, recall {}, F1 {}, accuracy {}\n", figure(c.precision()),
                     figure(c.recall()), figure(c.f1()), figure(c.accuracy()));
  return out;
}

nlohmann::ordered_json evaluation_json(const Evaluation& e, const ModelFile& model,
                                       const ModelDataOptions& options) {
  const ConfusionMatrix& c = e.confusion;
  auto number = [](double value) {
    return std::isnan(value) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(value);
  };
  nlohmann::ordered_json j;
  j["model"] = options.model;
  j["data"] = options.data;
  j["rows"] = e.targets.size();
  j["positives"] = e.targets.positive_count;
  j["negatives"] = e.targets.negative_count;
  j["auc"] = number(e.details.auc);
  j["aum_rate"] = e.details.aum;
  j["aum_count"] = e.aum_count;
  j["threshold"] = model.threshold.threshold;
  j["true_positives"] = c.true_positives;
  j["false_positives"] = c.false_positives;
  j["true_negatives"] = c.true_negatives;
  j["false_negatives"] = c.false_negatives;
  j["precision"] = number(c.precision());
  j["recall"] = number(c.recall());
  j["f1"] = number(c.f1());
  j["accuracy"] = number(c.accuracy());
  return j;
}

std::string roc_csv(const RocCurve& roc) {
  std::string out = "FPR,FNR,TPR,min,min_constant,max_constant\n";
  for (std::size_t k = 0; k < roc.size(); ++k) {
    out += fmt::format("{},{},{},{},{},{}\n", format_number(roc.fpr[k]), format_number(roc.fnr[k]),
                       format_number(roc.tpr[k]), format_number(roc.min[k]),
                       format_number(roc.min_constant[k]), format_number(roc.max_constant[k]));
  }
  return out;
}

// evaluation.json, roc.csv and the two plots (PNG and SVG, each with its gnuplot script).
void write_evaluation(const fs::path& directory, const Evaluation& e, const ModelFile& model,
                      const ModelDataOptions& options) {
  write_file_atomically(directory / "evaluation.json",
                        evaluation_json(e, model, options).dump(2) + "\n");
  write_file_atomically(directory / "roc.csv", roc_csv(e.details.roc));
  const ConfusionMatrix& c = e.confusion;
  const OperatingPoint point{c.false_positives / (c.false_positives + c.true_negatives),
                             c.true_positives / (c.true_positives + c.false_negatives),
                             model.threshold.threshold};
  const std::string title = fmt::format("{} ({}, {}) on {}", model.key.dataset, model.key.loss,
                                        model.key.optimizer,
                                        fs::path(options.data).filename().string());
  run_gnuplot(directory / "roc.gp",
              gnuplot_png_and_svg("roc", 600, 660,
                                  roc_curve_plot(e.details.roc, e.details.auc, point, title)));
  run_gnuplot(directory / "error_curves.gp",
              gnuplot_png_and_svg("error_curves", 800, 520,
                                  error_curves_plot(e.details.roc, Denominator::rate, e.details.aum,
                                                    model.threshold.threshold, title)));
}

int run_evaluate(const ModelDataOptions& options) {
  const ModelFile model = read_model_file(options.model);
  std::unique_ptr<RunDirectory> directory;
  if (!options.output.empty()) {
    if (!gnuplot_available()) {
      throw RunError("--output: gnuplot is not installed, so the plots cannot be drawn; install "
                     "it (apt-get install gnuplot-nox) or leave out --output");
    }
    directory = std::make_unique<RunDirectory>(options.output, options.force, "--output");
  }
  const LabelledScores labelled = score_labelled_rows(model, options.data);
  log_scoring_notes(labelled.summary, options.data);
  if (!labelled.unseen_labels.empty()) {
    spdlog::info("note: labels the training data did not have count as negative: '{}'",
                 fmt::join(labelled.unseen_labels, "', '"));
  }
  const Evaluation evaluation = evaluate_scores(labelled, model, options.data);
  if (directory) {
    write_evaluation(directory->staging(), evaluation, model, options);
    directory->commit();
  }
  std::string text = evaluation_text(evaluation, model, options);
  if (directory) {
    text += fmt::format("\nWritten to {}: evaluation.json, roc.csv, roc.png/.svg, "
                        "error_curves.png/.svg (with their gnuplot scripts)\n",
                        options.output);
  }
  print_results(text, directory ? options.output : std::string());
  return 0;
}

}  // namespace

Command add_evaluate_command(CLI::App& parent) {
  auto options = std::make_shared<ModelDataOptions>();
  CLI::App* command = parent.add_subcommand(
      "evaluate", "AUC, AUM and the confusion matrix at its threshold of a model file on labelled "
                  "data; with --output, the ROC table and plots");
  add_model_data_options(*command, *options, "Labelled data, CSV or libsvm as the model's training data",
                         "Write evaluation.json, roc.csv and the plots into this new directory",
                         "Replace the --output directory if it exists");
  return {command, [options] { return run_evaluate(*options); }};
}

}  // namespace aumtrain::app
