// `aumtrain aum FILE`: the ROC curve, AUC, AUM and the exact directional derivatives of AUM for
// a file of scores and labels.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <span>
#include <string>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/scores_file.hpp"
#include "aumtrain/io/evaluation_plots.hpp"
#include "aumtrain/io/gnuplot.hpp"
#include "aumtrain/core/text_format.hpp"
#include "commands.hpp"
#include "print_results.hpp"

namespace aumtrain::app {
namespace {

struct AumOptions {
  std::string file;
  std::string denominator = "rate";
  std::string format = "table";
  ScoresFileColumns columns;
  bool summary = false;
  std::string plot;
  bool force = false;
};

std::string json_array(std::span<const double> values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += format_json_number(values[i]);
  }
  return out + "]";
}

// The figures alone: no ROC table and no per-example arrays.
std::string to_json_summary(const AumDetails& details, Denominator denominator) {
  return fmt::format("{{\n  \"n\": {},\n  \"denominator\": \"{}\",\n  \"aum\": {},\n  \"auc\": {}\n}}\n",
                     details.gradient.size(), denominator_name(denominator),
                     format_json_number(details.aum), format_json_number(details.auc));
}

std::string to_json(const AumDetails& details, Denominator denominator) {
  const std::size_t n = details.gradient.size();
  std::string derivative_mat = "[";
  for (std::size_t i = 0; i < n; ++i) {
    derivative_mat += fmt::format("{}[{}, {}]", i > 0 ? ", " : "",
                                  format_json_number(details.left[i]),
                                  format_json_number(details.right[i]));
  }
  derivative_mat += "]";
  const RocCurve& roc = details.roc;
  const TotalError& total = details.total_error;
  return fmt::format(
      "{{\n"
      "  \"n\": {},\n"
      "  \"denominator\": \"{}\",\n"
      "  \"aum\": {},\n"
      "  \"auc\": {},\n"
      "  \"derivative_mat\": {},\n"
      "  \"gradient\": {},\n"
      "  \"total_error\": {{\"threshold\": {}, \"fp_before\": {}, \"fn_before\": {}}},\n"
      "  \"roc\": {{\"FPR\": {}, \"FNR\": {}, \"TPR\": {}, \"min\": {}, \"min_constant\": {}, "
      "\"max_constant\": {}}}\n"
      "}}\n",
      n, denominator_name(denominator), format_json_number(details.aum),
      format_json_number(details.auc), derivative_mat, json_array(details.gradient),
      json_array(total.threshold), json_array(total.fp_before), json_array(total.fn_before),
      json_array(roc.fpr), json_array(roc.fnr), json_array(roc.tpr), json_array(roc.min),
      json_array(roc.min_constant), json_array(roc.max_constant));
}

std::string table_summary(const AumDetails& details, const ScoresFile& input,
                          Denominator denominator) {
  const BinaryTargets& targets = input.targets;
  return fmt::format("{} ({} positive, {} negative{}), denominator {}\n\nAUM {}\nAUC {}\n",
                     count_noun(targets.size(), "example"), targets.positive_count, targets.negative_count,
                     input.has_weights ? ", weighted" : "", denominator_name(denominator),
                     format_number(details.aum), format_number(details.auc));
}

std::string to_table(const AumDetails& details, const ScoresFile& input,
                     Denominator denominator) {
  const BinaryTargets& targets = input.targets;
  std::string out = table_summary(details, input, denominator) + "\nROC curve\n";
  const RocCurve& roc = details.roc;
  TextTable roc_table({"FPR", "FNR", "TPR", "min(FPR,FNR)", "min_constant", "max_constant"});
  for (std::size_t k = 0; k < roc.size(); ++k) {
    roc_table.add_row({format_number(roc.fpr[k]), format_number(roc.fnr[k]),
                       format_number(roc.tpr[k]), format_number(roc.min[k]),
                       format_number(roc.min_constant[k]), format_number(roc.max_constant[k])});
  }
  out += roc_table.render();
  out += "\nPer example, in input order (left/right: derivative of AUM as the score decreases/"
         "increases)\n";
  TextTable examples({"row", "pred", "label", "left", "right", "gradient", "threshold",
                      "fp_before", "fn_before"});
  for (std::size_t i = 0; i < targets.size(); ++i) {
    examples.add_row({std::to_string(i + 1), format_number(input.scores[i]),
                      input.label_texts.empty() ? format_number(input.labels[i]) : input.label_texts[i],
                      format_number(details.left[i]),
                      format_number(details.right[i]), format_number(details.gradient[i]),
                      format_number(details.total_error.threshold[i]),
                      format_number(details.total_error.fp_before[i]),
                      format_number(details.total_error.fn_before[i])});
  }
  out += examples.render();
  return out;
}

void draw_error_curves(const AumOptions& options, const AumDetails& details,
                       Denominator denominator) {
  const std::string name = std::filesystem::path(options.file).filename().string();
  const std::string commands = error_curves_plot(
      details.roc, denominator, details.aum, std::nullopt,
      fmt::format("{}: errors against the score cut, denominator {}", name,
                  denominator_name(denominator)));
  draw_png(options.plot,
           gnuplot_png_only(std::filesystem::path(options.plot).filename().string(), 800, 520, commands));
}

int run_aum(const AumOptions& options) {
  const Denominator denominator = parse_denominator(options.denominator);
  if (!options.plot.empty()) check_png_can_be_drawn(options.plot, options.force, "--plot");
  const ScoresFile input = read_scores_file(options.file, options.columns);
  const Denominators denominators = scores_file_denominators(input, denominator);
  AumKernel kernel;
  const AumDetails details =
      kernel.details(input.scores, input.targets.error_diffs, denominators);
  if (!options.plot.empty()) draw_error_curves(options, details, denominator);
  const bool json = options.format == "json";
  const std::string text =
      options.summary ? (json ? to_json_summary(details, denominator)
                              : table_summary(details, input, denominator))
                      : (json ? to_json(details, denominator) : to_table(details, input, denominator));
  print_results(text);
  return 0;
}

}  // namespace

Command add_aum_command(CLI::App& parent) {
  auto options = std::make_shared<AumOptions>();
  CLI::App* command = parent.add_subcommand(
      "aum", "ROC curve, AUC, AUM and the exact left/right derivatives of AUM for a CSV of "
             "scores (column pred) and labels (column label, 0/1 or -1/1, or texts with "
             "--positive-label; optional column weight)");
  command->add_option("FILE", options->file, "CSV file with a header row")->required();
  command->add_option("--denominator", options->denominator, "rate or count (default rate)")
      ->check(CLI::IsMember({"rate", "count"}));
  command->add_option("--format", options->format, "table (for people) or json (for programs)")
      ->check(CLI::IsMember({"table", "json"}));
  command->add_option("--score-column", options->columns.score, "The column of scores (default pred)");
  command->add_option("--label-column", options->columns.label, "The column of labels (default label)");
  command->add_option("--positive-label", options->columns.positive_label,
                      "Labels are texts: rows with this label are positive, all others negative");
  command->add_flag("--summary", options->summary,
                    "Print the counts, AUM and AUC only (no ROC table, no per-example rows)");
  command->add_option("--plot", options->plot,
                      "Draw FPR and FNR against the score cut, min(FPR, FNR) shaded, into this PNG "
                      "with gnuplot (the script is kept beside it as .gp)");
  command->add_flag("--force", options->force, "Replace the --plot file if it exists");
  return {command, [options] { return run_aum(*options); }};
}

}  // namespace aumtrain::app
