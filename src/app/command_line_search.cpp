// `aumtrain line-search FILE`: the exact line search of AUM along the descent direction of a file
// of scores and labels, row by row or to a stop rule.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/line_search.hpp"
#include "aumtrain/data/scores_file.hpp"
#include "aumtrain/io/gnuplot.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "aumtrain/core/text_format.hpp"
#include "commands.hpp"
#include "count_option.hpp"
#include "print_results.hpp"

namespace aumtrain::app {
namespace {

struct LineSearchOptions {
  std::string file;
  std::string denominator = "rate";
  std::size_t max_iterations = 0;  // 0: as many rows as examples
  std::string stop;                // empty, "min-aum" or "max-auc"
  std::size_t max_events = 0;
  std::string format = "table";
  bool summary = false;
  std::string path;
  std::string plot;
  bool force = false;
};

constexpr const char* kCsvHeader =
    "step_size,aum,aum_slope_after,auc,auc_after,intersections,intervals\n";
// Plots draw at most about this many rows: a walk to a stop rule can have tens of millions.
constexpr std::size_t kPlotRows = 100'000;

std::string csv_line(const LineSearchRow& row) {
  return fmt::format("{},{},{},{},{},{},{}\n", format_number(row.step_size),
                     format_number(row.aum), format_number(row.aum_slope_after),
                     format_number(row.auc), format_number(row.auc_after), row.intersections,
                     row.intervals);
}

std::string json_row(const LineSearchRow& row) {
  return fmt::format(
      "{{\"step_size\": {}, \"aum\": {}, \"aum_slope_after\": {}, \"auc\": {}, \"auc_after\": {}, "
      "\"intersections\": {}, \"intervals\": {}}}",
      format_json_number(row.step_size), format_json_number(row.aum),
      format_json_number(row.aum_slope_after), format_json_number(row.auc),
      format_json_number(row.auc_after), row.intersections, row.intervals);
}

// The rows of a walk that some output needs, taken as the walk streams them.
class RowKeeper {
 public:
  RowKeeper(bool keep_all, bool keep_last, bool for_plot, StreamedFile* csv)
      : keep_all_(keep_all), keep_last_(keep_last), for_plot_(for_plot), csv_(csv) {
    if (csv_ != nullptr) csv_->write(kCsvHeader);
  }

  void operator()(const LineSearchRow& row) {
    if (csv_ != nullptr) csv_->write(csv_line(row));
    if (keep_all_ || (keep_last_ && printed_.empty())) {
      printed_.push_back(row);
    } else if (keep_last_) {
      printed_.back() = row;
    }
    if (for_plot_) keep_for_plot(row);
    last_ = row;
    ++count_;
  }

  /// Rows for the table or JSON (all, or the last one).
  const std::vector<LineSearchRow>& printed() const noexcept { return printed_; }
  /// Rows for the plot: every `plot_stride_`-th row, and the last.
  std::vector<LineSearchRow> plotted() const {
    std::vector<LineSearchRow> rows = plotted_;
    if (count_ > 0 && (rows.empty() || rows.back().step_size != last_.step_size)) {
      rows.push_back(last_);
    }
    return rows;
  }
  std::size_t plot_stride() const noexcept { return plot_stride_; }

 private:
  // Keeps every stride-th row; when that is too many, every other one of those.
  void keep_for_plot(const LineSearchRow& row) {
    if (count_ % plot_stride_ != 0) return;
    plotted_.push_back(row);
    if (plotted_.size() < 2 * kPlotRows) return;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < plotted_.size(); k += 2) plotted_[kept++] = plotted_[k];
    plotted_.resize(kept);
    plot_stride_ *= 2;
  }

  bool keep_all_, keep_last_, for_plot_;
  StreamedFile* csv_;
  std::vector<LineSearchRow> printed_, plotted_;
  LineSearchRow last_;
  std::size_t count_ = 0;
  std::size_t plot_stride_ = 1;
};

struct Walk {
  LineSearchParams params;
  LineSearchResult result;
  std::size_t examples = 0;
};

std::string to_json(const Walk& walk, const std::vector<LineSearchRow>& rows,
                    const LineSearchOptions& options) {
  std::string out = fmt::format("{{\n  \"n\": {},\n  \"denominator\": \"{}\",\n  \"events\": {},\n",
                                walk.examples, options.denominator, walk.result.events);
  if (!options.stop.empty()) {
    out += fmt::format("  \"stop\": \"{}\",\n  \"capped\": {},\n", options.stop,
                       walk.result.capped ? "true" : "false");
  }
  out += "  \"rows\": [";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out += fmt::format("{}\n    {}", k > 0 ? "," : "", json_row(rows[k]));
  }
  return out + "\n  ]\n}\n";
}

std::string to_table(const Walk& walk, const std::vector<LineSearchRow>& rows,
                     std::size_t first_row, const ScoresFile& input,
                     const LineSearchOptions& options) {
  const BinaryTargets& targets = input.targets;
  std::string out = fmt::format(
      "{} ({} positive, {} negative{}), denominator {}, {}, {}\n",
      count_noun(targets.size(), "example"), targets.positive_count, targets.negative_count,
      input.has_weights ? ", weighted" : "", options.denominator,
      count_noun(walk.result.lines, "line"), count_noun(walk.result.events, "event"));
  if (options.stop == "min-aum") {
    out += fmt::format("stop min-aum: row {}{}\n", walk.result.chosen_row,
                       walk.result.capped ? " (capped by --max-events: AUM still falls)" : "");
  } else if (options.stop == "max-auc") {
    out += fmt::format("stop max-auc: the middle of the interval from row {}{}\n",
                       walk.result.chosen_row,
                       walk.result.capped ? " (capped by --max-events: the best so far)" : "");
  }
  TextTable table({"row", "step_size", "aum", "aum_slope_after", "auc", "auc_after",
                   "intersections", "intervals"});
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const LineSearchRow& row = rows[k];
    table.add_row({std::to_string(first_row + k), format_number(row.step_size),
                   format_number(row.aum), format_number(row.aum_slope_after),
                   format_number(row.auc), format_number(row.auc_after),
                   std::to_string(row.intersections), std::to_string(row.intervals)});
  }
  return out + "\n" + table.render();
}

// AUM above AUC against the step size: AUC after each crossing as a step function, AUC at the
// crossings as points, and the chosen step (with a stop rule) as a dashed line.
std::string plot_script(const std::vector<LineSearchRow>& rows, std::size_t stride,
                        const Walk& walk, const LineSearchOptions& options,
                        const std::string& png_name) {
  double right = rows.back().step_size;
  if (!options.stop.empty()) right = std::max(right, walk.result.chosen.step_size);
  right = right > 0 ? 1.05 * right : 1.0;
  std::vector<std::vector<std::string>> path, steps;
  for (const LineSearchRow& row : rows) {
    path.push_back({format_number(row.step_size), format_number(row.aum), format_number(row.auc)});
    steps.push_back({format_number(row.step_size), format_number(row.auc_after)});
  }
  steps.push_back({format_number(right), format_number(rows.back().auc_after)});
  std::string script = fmt::format(
      "set terminal pngcairo size 900,720 font 'Sans,11'\n"
      "set output '{}'\n"
      "set termoption noenhanced\n",
      png_name);
  script += gnuplot_data_block("path", path) + gnuplot_data_block("auc_after", steps);
  script += fmt::format(
      "set multiplot layout 2,1 title '{}: line search along the descent direction, "
      "denominator {}{}'\n"
      "set grid lc rgb '#dddddd'\n"
      "set xrange [0:{}]\n"
      "set key top right\n",
      std::filesystem::path(options.file).filename().string(), options.denominator,
      stride > 1 ? fmt::format(" (every {}th row)", stride) : "", format_number(right));
  if (!options.stop.empty()) {
    script += fmt::format(
        "set arrow 1 from {0}, graph 0 to {0}, graph 1 nohead dt 2 lc rgb '#d62728'\n"
        "set label 1 'chosen ({1})' at {0}, graph 0.92 offset 0.5,0 tc rgb '#d62728'\n",
        format_number(walk.result.chosen.step_size), options.stop);
  }
  script +=
      "set ylabel 'AUM'\n"
      "plot $path using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'AUM', \\\n"
      "     $path every ::1 using 1:2 with points pt 7 ps 0.6 lc rgb 'black' title 'crossings'\n"
      "set xlabel 'step size'\n"
      "set ylabel 'AUC'\n"
      "set key bottom right\n"
      "plot $auc_after using 1:2 with steps lw 2 lc rgb '#2ca02c' title 'AUC after', \\\n"
      "     $path every ::1 using 1:3 with points pt 7 ps 0.6 lc rgb 'black' "
      "title 'AUC at a crossing'\n"
      "unset multiplot\n";
  return script;
}

LineSearchParams params_of(const LineSearchOptions& options, std::size_t examples) {
  LineSearchParams params;
  params.max_events = options.max_events;
  if (options.stop == "min-aum") {
    params.stop = LineSearchStop::min_aum;
  } else if (options.stop == "max-auc") {
    params.stop = LineSearchStop::max_auc;
  } else {
    params.stop = LineSearchStop::rows;
    params.max_rows = options.max_iterations > 0 ? options.max_iterations
                                                 : std::max<std::size_t>(examples, 1);
  }
  return params;
}

void check_outputs(const LineSearchOptions& options) {
  if (!options.path.empty()) refuse_existing_file(options.path, options.force, "--path");
  if (!options.plot.empty()) check_png_can_be_drawn(options.plot, options.force, "--plot");
}

int run_line_search(const LineSearchOptions& options) {
  const Denominator denominator = parse_denominator(options.denominator);
  const ScoresFile input = read_scores_file(options.file);
  const Denominators denominators = scores_file_denominators(input, denominator);
  check_outputs(options);
  const ErrorDiffs& diffs = input.targets.error_diffs;
  std::vector<double> direction(input.scores.size());
  exact_prediction_direction(input.scores, diffs, denominators, direction);

  Walk walk{params_of(options, input.scores.size()), {}, input.scores.size()};
  const bool with_stop = !options.stop.empty();
  std::unique_ptr<StreamedFile> csv;
  if (!options.path.empty()) csv = std::make_unique<StreamedFile>(options.path);
  RowKeeper keeper(!with_stop && !options.summary, !with_stop && options.summary,
                   !options.plot.empty(), csv.get());
  LineSearch search;
  walk.result = search.run(input.scores, direction, diffs, denominators, walk.params,
                           [&](const LineSearchRow& row) { keeper(row); });
  if (csv) csv->commit();
  if (!options.plot.empty()) {
    const std::string png_name = std::filesystem::path(options.plot).filename().string();
    draw_png(options.plot,
             plot_script(keeper.plotted(), keeper.plot_stride(), walk, options, png_name));
  }

  std::vector<LineSearchRow> rows = keeper.printed();
  std::size_t first_row = options.summary ? walk.result.rows - 1 : 0;
  if (with_stop) {
    rows = {walk.result.chosen};
    first_row = walk.result.chosen_row;
  }
  const std::string text = options.format == "json"
                               ? to_json(walk, rows, options)
                               : to_table(walk, rows, first_row, input, options);
  print_results(text);
  return 0;
}

}  // namespace

Command add_line_search_command(CLI::App& parent) {
  auto options = std::make_shared<LineSearchOptions>();
  CLI::App* command = parent.add_subcommand(
      "line-search",
      "The exact line search of AUM along the descent direction of the scores of FILE (columns "
      "pred and label, as for `aum`): AUM, its slope and AUC at every step size where two "
      "thresholds cross");
  command->add_option("FILE", options->file, "CSV file with a header row")->required();
  command->add_option("--denominator", options->denominator, "rate or count (default rate)")
      ->check(CLI::IsMember({"rate", "count"}));
  CLI::Option* rows =
      command->add_option("--max-iterations", options->max_iterations,
                          "rows to walk, row 0 (step 0) included (default: the number of "
                          "examples)")
          ->transform(count_form())
          ->check(CLI::Validator(
              [](const std::string& text) {
                const bool whole = !text.empty() &&
                                   text.find_first_not_of("0123456789") == std::string::npos &&
                                   text.find_first_not_of('0') != std::string::npos;
                return whole ? std::string()
                             : "'" + text + "' is not a number of rows of at least 1 (row 0 "
                                            "counts)";
              },
              "K >= 1"));
  command->add_option("--stop", options->stop,
                      "walk to a stop rule instead: min-aum (the first row where AUM stops "
                      "falling) or max-auc (the middle of the interval of largest AUC)")
      ->check(CLI::IsMember({"min-aum", "max-auc"}))
      ->excludes(rows);
  command->add_option("--max-events", options->max_events,
                      "stop after this many crossings even if the rule is not met (default 0: "
                      "no limit)")
      ->transform(count_form());
  command->add_option("--format", options->format, "table (for people) or json (for programs)")
      ->check(CLI::IsMember({"table", "json"}));
  command->add_flag("--summary", options->summary,
                    "print only the last row (or the chosen one) and the number of crossings");
  command->add_option("--path", options->path,
                      "also write every row of the walk to this CSV file");
  command->add_option("--plot", options->plot,
                      "also draw AUM and AUC against the step size into this PNG file (with "
                      "gnuplot; the script is written beside it as .gp)");
  command->add_flag("--force", options->force, "replace the --path and --plot files if they exist");
  return {command, [options] { return run_line_search(*options); }};
}

}  // namespace aumtrain::app
