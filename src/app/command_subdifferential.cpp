// `aumtrain subdifferential`: the original R study's two-sample picture of the sub-differential of
// AUM (docs/math.md, "Worked examples"), by the explicit directional derivatives and by libtorch
// autograd, as a table and a plot.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>
#include <vector>

#include "aumtrain/study/autograd_aum.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/gnuplot.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "aumtrain/study/subdifferential.hpp"
#include "aumtrain/core/text_format.hpp"
#include "commands.hpp"
#include "print_results.hpp"

namespace aumtrain::app {
namespace {

struct SubdifferentialOptions {
  std::string output;
  bool force = false;
  bool no_autograd = false;
};

// One facet per (method, label), autograd on top as in the R study's facet_grid(method ~ label):
// a segment from min to max, and points for min (open), max (black) and mean (red).
std::string plot_script(const std::vector<SubdifferentialRow>& rows,
                        const std::vector<std::string_view>& methods) {
  std::string script;
  for (const std::string_view method : methods) {
    for (const int label : {0, 1}) {
      std::vector<std::vector<std::string>> data;
      for (const SubdifferentialRow& row : rows) {
        if (row.method == method && row.label == label) {
          data.push_back({format_number(row.pred_diff), format_number(row.min),
                          format_number(row.max), format_number(row.mean)});
        }
      }
      script += gnuplot_data_block(fmt::format("{}_{}", method, label), data);
    }
  }
  std::string plots = fmt::format(
      "set multiplot layout {},2 title 'Sub-differential of AUM for two samples, labels (0, 1), "
      "scores (0, d)' font 'Sans,14'\n",
      methods.size());
  for (std::size_t m = 0; m < methods.size(); ++m) {
    for (const int label : {0, 1}) {
      const bool bottom = m + 1 == methods.size();
      const bool first = m == 0 && label == 0;
      plots += fmt::format(
          "set title 'method: {0}    label: {1}'\n"
          "set xlabel '{2}'\n"
          "set ylabel '{3}'\n"
          "{4}\n"
          "plot ${0}_{1} using 1:2:(0):($3-$2) with vectors nohead lc rgb 'black' lw 1.5 "
          "notitle, \\\n"
          "  ${0}_{1} using 1:2 with points pt 6 ps 2.6 lc rgb 'black' title 'min', \\\n"
          "  ${0}_{1} using 1:3 with points pt 7 ps 1.7 lc rgb 'black' title 'max', \\\n"
          "  ${0}_{1} using 1:4 with points pt 7 ps 0.9 lc rgb 'red' title 'mean'\n",
          methods[m], label, bottom ? "Difference between predicted scores, f(x1)-f(x0)" : "",
          label == 0 ? "derivative of AUM" : "",
          first ? "set key top right box opaque" : "unset key");
    }
  }
  plots += "unset multiplot\n";
  script +=
      "set xrange [-3.4:3.4]\n"
      "set yrange [-1.3:1.3]\n"
      "set xtics 1\n"
      "set ytics 0.5\n"
      "set grid lc rgb '#dddddd'\n";
  return script + gnuplot_png_and_svg("subdifferential", 1000,
                                      360 * static_cast<int>(methods.size()), plots);
}

int run_subdifferential(const SubdifferentialOptions& options) {
  const bool with_autograd = !options.no_autograd && autograd_available();
  if (!options.no_autograd && !autograd_available()) {
    spdlog::warn("this aumtrain was built without libtorch: explicit derivatives only");
  }
  RunDirectory out(options.output, options.force, "--output");
  const std::vector<SubdifferentialRow> rows = subdifferential_grid(with_autograd);

  std::string csv = "label,pred_diff,method,min,max,mean\n";
  TextTable table({"label", "pred_diff", "method", "min", "max", "mean"});
  for (const SubdifferentialRow& row : rows) {
    const std::vector<std::string> cells = {format_number(row.label), format_number(row.pred_diff),
                                            std::string(row.method),  format_number(row.min),
                                            format_number(row.max),   format_number(row.mean)};
    csv += fmt::format("{}\n", fmt::join(cells, ","));
    table.add_row(cells);
  }
  write_file_atomically(out.staging() / "subdifferential.csv", csv);
  std::vector<std::string_view> methods;
  if (with_autograd) methods.push_back("autograd");
  methods.push_back("explicit");
  run_gnuplot(out.staging() / "subdifferential.gp", plot_script(rows, methods));
  out.commit();

  const std::string text =
      table.render() + fmt::format(
                           "\nWrote {}/: subdifferential.csv, subdifferential.png, "
                           "subdifferential.svg, subdifferential.gp\n",
                           out.target().string());
  print_results(text, out.target().string());
  return 0;
}

}  // namespace

Command add_subdifferential_command(CLI::App& parent) {
  auto options = std::make_shared<SubdifferentialOptions>();
  CLI::App* command = parent.add_subcommand(
      "subdifferential",
      "Show how AUM changes with each score for two examples, a negative scored 0 and a "
      "positive scored d, as d goes from -3 to 3 in steps of 0.5: the left and right "
      "derivatives (AUM has a kink where the scores tie), their mean (what training steps "
      "along) and libtorch autograd's gradient; writes a CSV table and a plot");
  command->add_option("--output", options->output, "directory to write")->required();
  command->add_flag("--force", options->force, "replace --output if it exists");
  command->add_flag("--no-autograd", options->no_autograd, "skip the libtorch autograd rows");
  return {command, [options] { return run_subdifferential(*options); }};
}

}  // namespace aumtrain::app
