// `aumtrain bench-grad`: the original R study of explicit gradients versus autograd, timed in C++,
// with a table, a log-log plot and the estimated complexity class of each method.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aumtrain/study/autograd_aum.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/gnuplot.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "aumtrain/study/grad_benchmark.hpp"
#include "aumtrain/core/text_format.hpp"
#include "commands.hpp"
#include "count_option.hpp"
#include "print_results.hpp"

namespace aumtrain::app {
namespace {

struct BenchGradOptions {
  GradBenchmarkParams params;
  std::string output;
  bool force = false;
  bool no_autograd = false;
};

constexpr GradMethod kMethods[] = {GradMethod::explicit_gradient, GradMethod::autograd,
                                   GradMethod::std_sort};

std::string optional_cell(const std::optional<double>& value) {
  return value ? format_number(*value) : "NA";
}

std::string csv_table(const std::vector<GradTiming>& timings) {
  std::string csv = "N,method,median_seconds,q25_seconds,q75_seconds,peak_bytes,max_abs_diff\n";
  for (const GradTiming& t : timings) {
    csv += fmt::format(
        "{},{},{},{},{},{},{}\n", t.n, method_name(t.method), format_number(t.median_seconds),
        format_number(t.q25_seconds), format_number(t.q75_seconds),
        t.peak_bytes ? std::to_string(*t.peak_bytes) : "NA", optional_cell(t.max_abs_diff));
  }
  return csv;
}

const GradTiming* find_timing(const std::vector<GradTiming>& timings, std::size_t n,
                              GradMethod method) {
  for (const GradTiming& t : timings) {
    if (t.n == n && t.method == method) return &t;
  }
  return nullptr;
}

// One row per N: the three medians, the ratios the issue asks for, the difference between the
// gradients and the peak memory per example.
TextTable summary_table(const std::vector<GradTiming>& timings) {
  TextTable table({"N", "explicit_s", "autograd_s", "std_sort_s", "explicit/std_sort",
                   "autograd/explicit", "max_abs_diff", "explicit_B/example",
                   "autograd_B/example"});
  std::vector<std::size_t> sizes;
  for (const GradTiming& t : timings) {
    if (sizes.empty() || sizes.back() != t.n) sizes.push_back(t.n);
  }
  auto seconds = [](const GradTiming* t) {
    return t ? fmt::format("{:.4g}", t->median_seconds) : "NA";
  };
  auto ratio = [](const GradTiming* a, const GradTiming* b) {
    return a && b && b->median_seconds > 0
               ? fmt::format("{:.3g}", a->median_seconds / b->median_seconds)
               : std::string("NA");
  };
  auto per_example = [](const GradTiming* t) {
    return t && t->peak_bytes ? fmt::format("{:.1f}", static_cast<double>(*t->peak_bytes) / t->n)
                              : std::string("NA");
  };
  for (const std::size_t n : sizes) {
    const GradTiming* e = find_timing(timings, n, GradMethod::explicit_gradient);
    const GradTiming* a = find_timing(timings, n, GradMethod::autograd);
    const GradTiming* s = find_timing(timings, n, GradMethod::std_sort);
    const std::string diff =
        e && e->max_abs_diff ? fmt::format("{:.3g}", e->max_abs_diff.value()) : "NA";
    table.add_row({std::to_string(n), seconds(e), seconds(a), seconds(s), ratio(e, s), ratio(a, e),
                   diff, per_example(e), per_example(a)});
  }
  return table;
}

struct MethodClass {
  GradMethod method;
  ComplexityEstimate estimate;
};

std::vector<MethodClass> complexity_classes(const std::vector<GradTiming>& timings) {
  std::vector<MethodClass> classes;
  for (const GradMethod method : kMethods) {
    std::vector<std::size_t> sizes;
    std::vector<double> seconds;
    for (const GradTiming& t : timings) {
      if (t.method == method) {
        sizes.push_back(t.n);
        seconds.push_back(t.median_seconds);
      }
    }
    if (!sizes.empty()) classes.push_back({method, estimate_complexity(sizes, seconds)});
  }
  return classes;
}

std::string plot_script(const std::vector<GradTiming>& timings, int threads) {
  static const std::map<GradMethod, const char*> colours = {
      {GradMethod::explicit_gradient, "#1b9e77"},
      {GradMethod::autograd, "#d95f02"},
      {GradMethod::std_sort, "#7570b3"}};
  std::string script;
  std::string plots;
  const GradTiming* anchor = nullptr;  // the reference slopes go through explicit's largest N
  for (const GradMethod method : kMethods) {
    std::vector<std::vector<std::string>> rows;
    for (const GradTiming& t : timings) {
      if (t.method != method) continue;
      rows.push_back({std::to_string(t.n), format_number(t.median_seconds),
                      format_number(t.q25_seconds), format_number(t.q75_seconds)});
      if (method == GradMethod::explicit_gradient) anchor = &t;
    }
    if (rows.empty()) continue;
    const std::string name(method_name(method));
    script += gnuplot_data_block(name, rows);
    plots += fmt::format(
        "${0} using 1:3:4 with filledcurves fc rgb '{1}' fs transparent solid 0.25 noborder "
        "notitle, \\\n  ${0} using 1:2 with linespoints lc rgb '{1}' lw 2 pt 7 ps 0.8 title "
        "'{0}' noenhanced, \\\n  ",
        name, colours.at(method));
  }
  if (anchor != nullptr) {
    const double n = static_cast<double>(anchor->n);
    script += fmt::format("linear(x) = {:.17g} * x / {:.17g}\n", anchor->median_seconds, n);
    script += fmt::format("loglinear(x) = {:.17g} * x * log(x) / ({:.17g} * log({:.17g}))\n",
                          anchor->median_seconds, n, n);
    plots +=
        "linear(x) with lines lc rgb '#555555' dt 2 lw 1.5 title 'N', \\\n  "
        "loglinear(x) with lines lc rgb '#555555' dt 3 lw 1.5 title 'N log N', \\\n  ";
  }
  plots.erase(plots.find_last_of(','));  // the last ", \" continuation
  script += fmt::format(
      "set logscale xy\n"
      "set format x '10^{{%L}}'\n"
      "set format y '10^{{%L}}'\n"
      "set xlabel 'N (examples)'\n"
      "set ylabel 'seconds (line: median; band: quartiles)'\n"
      "set title \"Time to the AUM mean gradient from the two vectors ({} thread{})\\n"
      "explicit kernel, libtorch autograd, and std::sort of the N doubles; reference slopes "
      "through explicit at its largest N\" noenhanced\n"
      "set key top left box opaque\n"
      "set grid xtics ytics mxtics mytics lc rgb '#dddddd'\n"
      "set samples 400\n",
      threads, threads == 1 ? "" : "s");
  return script + gnuplot_png_and_svg("bench_grad", 1100, 750, "plot " + plots + "\n");
}

int run_bench_grad(BenchGradOptions options) {
  GradBenchmarkParams& params = options.params;
  params.autograd = !options.no_autograd && autograd_available();
  if (!options.no_autograd && !autograd_available()) {
    spdlog::warn("this aumtrain was built without libtorch: timing explicit and std_sort only");
  }
  params.validate();
  RunDirectory out(options.output, options.force, "--output");

  spdlog::info(
      "bench-grad: N from {:g} to {:g}, {} each, {}, seconds limit {:g}", params.min_n,
      params.max_n, count_noun(static_cast<std::size_t>(params.reps), "timed run"),
      count_noun(static_cast<std::size_t>(params.threads), "thread"),
      params.seconds_limit);
  const std::vector<GradTiming> timings = run_grad_benchmark(params, [](const GradTiming& t) {
    spdlog::info("N {:>10}  {:<8}  median {:.4g} s  (quartiles {:.4g} .. {:.4g}){}{}", t.n,
                 method_name(t.method), t.median_seconds, t.q25_seconds, t.q75_seconds,
                 t.peak_bytes ? fmt::format("  peak {:.1f} B/example",
                                            static_cast<double>(*t.peak_bytes) / t.n)
                              : "",
                 t.max_abs_diff ? fmt::format("  max|diff| {:.3g}", *t.max_abs_diff) : "");
  });

  write_file_atomically(out.staging() / "bench_grad.csv", csv_table(timings));
  const TextTable summary = summary_table(timings);
  write_file_atomically(out.staging() / "summary.md", summary.render_markdown());
  const std::vector<MethodClass> classes = complexity_classes(timings);
  std::string classes_csv = "method,best_class,log_log_slope,n_from,n_to\n";
  std::string classes_text = "\nEstimated complexity class (log-log fit over the larger N):\n";
  for (const MethodClass& c : classes) {
    classes_csv += fmt::format("{},{},{},{},{}\n", method_name(c.method), c.estimate.best_class,
                               format_number(c.estimate.slope), c.estimate.n_from, c.estimate.n_to);
    classes_text +=
        c.estimate.best_class == "?"
            ? fmt::format("  {:<8}  ?        (too few sizes to estimate)\n", method_name(c.method))
            : fmt::format("  {:<8}  {:<8} (slope {:.3f} over N = {} .. {})\n",
                          method_name(c.method), c.estimate.best_class, c.estimate.slope,
                          c.estimate.n_from, c.estimate.n_to);
  }
  write_file_atomically(out.staging() / "complexity.csv", classes_csv);
  run_gnuplot(out.staging() / "bench_grad.gp", plot_script(timings, params.threads));
  out.commit();

  const std::string text = summary.render() + classes_text +
                           fmt::format(
                               "\nWrote {}/: bench_grad.csv, summary.md, complexity.csv, "
                               "bench_grad.png, bench_grad.svg, bench_grad.gp\n",
                               out.target().string());
  print_results(text, out.target().string());
  return 0;
}

}  // namespace

Command add_bench_grad_command(CLI::App& parent) {
  auto options = std::make_shared<BenchGradOptions>();
  GradBenchmarkParams& p = options->params;
  CLI::App* command = parent.add_subcommand(
      "bench-grad",
      "Measure how the time to compute the gradient of AUM grows with the number of examples "
      "N: aumtrain's own computation against libtorch autograd, with sorting N numbers as a "
      "yardstick, for N = 100, 158, 251, ... (10^(k/5)); writes the timings, a log-log plot and "
      "how each time grows with N (N, N log N, ...)");
  command->add_option("--min-n", p.min_n, "smallest N (default 1e2)")->transform(count_form());
  command->add_option("--max-n", p.max_n, "largest N (default 1e7)")->transform(count_form());
  command->add_option("--seconds-limit", p.seconds_limit,
                      "a method stops growing N once its median passes this (default 1)");
  command->add_option("--reps", p.reps, "timed runs per N and method (default 10)")
      ->transform(count_form());
  command->add_option("--threads", p.threads,
                      "threads for the explicit kernel and for libtorch (default 1)")
      ->transform(count_form());
  command->add_flag("--no-autograd", options->no_autograd, "skip the libtorch autograd method");
  command->add_option("--output", options->output, "directory to write")->required();
  command->add_flag("--force", options->force, "replace --output if it exists");
  return {command, [options] { return run_bench_grad(*options); }};
}

}  // namespace aumtrain::app
