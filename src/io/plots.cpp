#include "aumtrain/io/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/csv.hpp"
#include "aumtrain/io/gnuplot.hpp"

namespace aumtrain {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSetColors[3] = {"#1f77b4", "#ff7f0e", "#2ca02c"};
constexpr const char* kSets[3] = {"subtrain", "validation", "test"};
constexpr const char* kMethodColors[] = {"#d62728", "#9467bd", "#1f77b4", "#17becf",
                                         "#2ca02c", "#ff7f0e", "#8c564b", "#e377c2"};
// Run directories written before optimizers existed have no optimizer column: every run in
// them is gradient descent with a constant step size.
constexpr const char* kDefaultOptimizer = "constant";

// Reads a CSV with a header into records addressed by column name.
class Table {
 public:
  explicit Table(const fs::path& file) : reader_(file.string(), ',') {
    std::vector<CsvField> fields;
    if (!reader_.next_record(fields)) {
      throw DataError(fmt::format("{}: the file is empty; re-run the experiment", file.string()));
    }
    for (std::size_t i = 0; i < fields.size(); ++i) columns_[std::string(fields[i].text)] = i;
  }
  std::size_t column(const std::string& name) const {
    const std::optional<std::size_t> found = optional_column(name);
    if (!found) {
      throw DataError(fmt::format("{}: no column '{}'; was it written by aumtrain?",
                                  reader_.path(), name));
    }
    return *found;
  }
  std::optional<std::size_t> optional_column(const std::string& name) const {
    const auto it = columns_.find(name);
    if (it == columns_.end()) return std::nullopt;
    return it->second;
  }
  bool next(std::vector<CsvField>& fields) { return reader_.next_record(fields); }

 private:
  CsvReader reader_;
  std::map<std::string, std::size_t> columns_;
};

// The columns that name a run, in comparison.csv and learning_curves.csv alike.
struct RunColumns {
  std::size_t dataset, fraction, seed, loss, step;
  std::optional<std::size_t> optimizer;

  explicit RunColumns(const Table& table)
      : dataset(table.column("dataset")),
        fraction(table.column("positive_fraction")),
        seed(table.column("seed")),
        loss(table.column("loss")),
        step(table.column("step_size")),
        optimizer(table.optional_column("optimizer")) {}

  std::string_view optimizer_of(const std::vector<CsvField>& fields) const {
    return optimizer ? fields[*optimizer].text : std::string_view(kDefaultOptimizer);
  }
};

double number_of(std::string_view text) {
  double value = std::nan("");
  parse_number(text, value);
  return value;
}

std::string fraction_title(const std::string& cell) { return cell == "NA" ? "as-is" : cell; }

// Names safe for files: keeps letters, digits, '.', '-', '_'.
std::string file_part(std::string text) {
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return text;
}

std::string gnuplot_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A loss trained with an optimizer: one panel of an AUC plot, one series of the comparison.
struct Method {
  std::string loss;
  std::string optimizer;
  bool operator==(const Method&) const = default;
};

// The run selected for one method of a (dataset, fraction), on its first seed, with its AUC
// by iteration on each set.
struct SelectedRun {
  std::size_t method;    // index in PlotData::methods
  std::string step;      // the step size as written in the files; empty without one
  int iteration;         // the selected iteration
  std::array<std::vector<std::pair<double, double>>, 3> curves;  // per set: (iteration, AUC)
};

// One AUC plot: a dataset at a positive fraction, drawn from its first seed.
struct Group {
  std::string dataset;
  std::string fraction;  // cell text: NA or a number
  std::string first_seed;
  std::vector<SelectedRun> runs;
};

struct PlotData {
  std::vector<Method> methods;  // in order of first appearance in comparison.csv
  bool all_constant = true;     // every row of comparison.csv has optimizer `constant`
  std::vector<Group> groups;
  std::vector<std::string> datasets, fractions;
  // (dataset, fraction, method) -> test AUC of each seed
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::vector<double>> test_auc;
};

template <class T>
std::size_t index_in(std::vector<T>& values, const T& value) {
  auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end()) it = values.insert(values.end(), value);
  return static_cast<std::size_t>(it - values.begin());
}

// How a method is named in titles and keys: its loss alone when every run of the directory used
// the constant optimizer (as in directories written before optimizers existed).
std::string method_label(const Method& method, bool all_constant) {
  return all_constant ? method.loss : fmt::format("{}, {}", method.loss, method.optimizer);
}

// comparison.csv: the selected step size and iteration of each (dataset, fraction, seed, loss,
// optimizer), and its test AUC.
PlotData read_selections(const fs::path& file) {
  Table table(file);
  const RunColumns run(table);
  const std::size_t iteration = table.column("iteration"), test_auc = table.column("test_auc"),
                    status = table.column("status");
  PlotData plots;
  std::vector<CsvField> f;
  while (table.next(f)) {
    const Method method{std::string(f[run.loss].text), std::string(run.optimizer_of(f))};
    plots.all_constant = plots.all_constant && method.optimizer == kDefaultOptimizer;
    if (f[status].text != "ok") continue;
    const std::size_t m = index_in(plots.methods, method);
    const std::string dataset(f[run.dataset].text), fraction(f[run.fraction].text),
        seed(f[run.seed].text);
    auto group = std::find_if(plots.groups.begin(), plots.groups.end(), [&](const Group& g) {
      return g.dataset == dataset && g.fraction == fraction;
    });
    if (group == plots.groups.end()) {
      group = plots.groups.insert(plots.groups.end(), Group{dataset, fraction, seed, {}});
    }
    if (group->first_seed == seed) {
      group->runs.push_back({m, std::string(f[run.step].text),
                             static_cast<int>(number_of(f[iteration].text)), {}});
    }
    const auto key = std::tuple{index_in(plots.datasets, dataset),
                                index_in(plots.fractions, fraction), m};
    plots.test_auc[key].push_back(number_of(f[test_auc].text));
  }
  return plots;
}

// The selected run that a learning_curves.csv record belongs to, if any.
SelectedRun* selected_run_of(PlotData& plots, const RunColumns& run,
                             const std::vector<CsvField>& f) {
  for (Group& group : plots.groups) {
    if (group.dataset != f[run.dataset].text || group.fraction != f[run.fraction].text ||
        group.first_seed != f[run.seed].text) {
      continue;
    }
    for (SelectedRun& selected : group.runs) {
      const Method& method = plots.methods[selected.method];
      if (method.loss == f[run.loss].text && method.optimizer == run.optimizer_of(f) &&
          selected.step == f[run.step].text) {
        return &selected;
      }
    }
  }
  return nullptr;
}

// learning_curves.csv: the AUC by iteration of every selected run.
void read_auc_curves(const fs::path& file, PlotData& plots) {
  Table table(file);
  const RunColumns run(table);
  const std::size_t iteration = table.column("iteration"), set = table.column("set"),
                    metric = table.column("metric"), value = table.column("value");
  std::vector<CsvField> f;
  while (table.next(f)) {
    if (f[metric].text != "auc") continue;
    const auto s = std::find(std::begin(kSets), std::end(kSets), f[set].text) - std::begin(kSets);
    if (s >= 3) continue;
    SelectedRun* selected = selected_run_of(plots, run, f);
    if (selected == nullptr) continue;
    selected->curves[static_cast<std::size_t>(s)].emplace_back(number_of(f[iteration].text),
                                                               number_of(f[value].text));
  }
}

// A gnuplot script's parts: data blocks, then the plot commands, drawn at this size.
struct PlotScript {
  std::string data;
  std::string commands;
  int width = 0;
  int height = 0;
};

std::string plot_line(const std::vector<std::string>& series) {
  return series.empty() ? "plot 0.5 notitle\n" : fmt::format("plot {}\n", fmt::join(series, ", "));
}

// Panel r's curves as data blocks curve_<r>_<set>; returns the largest iteration seen (at
// least 1, for the x range).
double add_curve_blocks(const Group& group, std::string& data) {
  double last_iteration = 1;
  for (std::size_t r = 0; r < group.runs.size(); ++r) {
    for (std::size_t set = 0; set < 3; ++set) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [x, y] : group.runs[r].curves[set]) {
        rows.push_back({fmt::format("{}", x + 1), fmt::format("{}", y)});
        last_iteration = std::max(last_iteration, x);
      }
      if (!rows.empty()) data += gnuplot_data_block(fmt::format("curve_{}_{}", r, set), rows);
    }
  }
  return last_iteration;
}

std::string auc_panel_title(const SelectedRun& run, const std::string& label) {
  if (run.step.empty()) return fmt::format("{} (iteration {})", label, run.iteration);
  return fmt::format("{} (step size {}, iteration {})", label, run.step, run.iteration);
}

// AUC by iteration for one (dataset, fraction): a panel per method, lines for the three sets,
// the selected iteration dashed.
PlotScript auc_plot(const Group& group, const PlotData& plots) {
  PlotScript script;
  const double last_iteration = add_curve_blocks(group, script.data);
  const int columns = static_cast<int>(std::min<std::size_t>(group.runs.size(), 3));
  const int rows = static_cast<int>((group.runs.size() + 2) / 3);
  script.commands = fmt::format(
      "set multiplot layout {},{} title {} font \",14\"\n"
      "set grid\nset key bottom right opaque box\nset logscale x\nset xrange [1:{}]\n"
      "set xlabel \"iteration + 1 (log scale)\"\nset ylabel \"AUC\"\n",
      rows, columns,
      gnuplot_string(fmt::format("{}, positive fraction {}, seed {}: AUC by iteration of each "
                                 "selected run (dashed: selected iteration)",
                                 group.dataset, fraction_title(group.fraction),
                                 group.first_seed)),
      last_iteration + 1);
  for (std::size_t r = 0; r < group.runs.size(); ++r) {
    const SelectedRun& run = group.runs[r];
    const std::string label = method_label(plots.methods[run.method], plots.all_constant);
    script.commands += fmt::format("set title {}\n", gnuplot_string(auc_panel_title(run, label)));
    script.commands += fmt::format(
        "set arrow 1 from {0}, graph 0 to {0}, graph 1 nohead dashtype 2 lw 1.5 lc rgb "
        "\"#444444\"\n",
        run.iteration + 1);
    std::vector<std::string> series;
    for (std::size_t set = 0; set < 3; ++set) {
      if (run.curves[set].empty()) continue;
      series.push_back(fmt::format(
          "$curve_{}_{} using 1:2 with lines lw 2 lc rgb \"{}\" title \"{}\"", r, set,
          kSetColors[set], kSets[set]));
    }
    script.commands += plot_line(series);
  }
  script.commands += "unset multiplot\n";
  script.width = 520 * columns;
  script.height = 400 * rows + 60;
  return script;
}

struct MeanSd {
  double mean = 0;
  double sd = 0;  // 0 for a single value
};

MeanSd mean_and_sd(const std::vector<double>& values) {
  MeanSd out;
  for (double v : values) out.mean += v;
  out.mean /= static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  if (values.size() > 1) out.sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  return out;
}

// Data blocks auc_<dataset>_<method>: x = the fraction's index shifted per method, so that the
// methods' error bars stand side by side; mean and sd of the test AUC over seeds. Returns, per
// (dataset, method), whether it has a block.
std::vector<std::uint8_t> add_comparison_blocks(const PlotData& plots, std::string& data) {
  const std::size_t methods = plots.methods.size();
  std::vector<std::uint8_t> has_points(plots.datasets.size() * methods, 0);
  for (std::size_t d = 0; d < plots.datasets.size(); ++d) {
    for (std::size_t m = 0; m < methods; ++m) {
      std::vector<std::vector<std::string>> rows;
      for (std::size_t p = 0; p < plots.fractions.size(); ++p) {
        const auto it = plots.test_auc.find({d, p, m});
        if (it == plots.test_auc.end() || it->second.empty()) continue;
        const MeanSd auc = mean_and_sd(it->second);
        const double shift = (static_cast<double>(m) - 0.5 * static_cast<double>(methods - 1)) *
                             (0.7 / static_cast<double>(methods));
        rows.push_back({fmt::format("{}", static_cast<double>(p) + shift),
                        fmt::format("{}", auc.mean), fmt::format("{}", auc.sd)});
      }
      if (rows.empty()) continue;
      has_points[d * methods + m] = 1;
      data += gnuplot_data_block(fmt::format("auc_{}_{}", d, m), rows);
    }
  }
  return has_points;
}

// Test AUC of the selected models, mean ± sd over seeds: a panel per dataset, a series per
// method, by positive fraction.
PlotScript comparison_plot(const PlotData& plots) {
  PlotScript script;
  const std::vector<std::uint8_t> has_points = add_comparison_blocks(plots, script.data);
  std::vector<std::string> tics;
  for (std::size_t p = 0; p < plots.fractions.size(); ++p) {
    tics.push_back(fmt::format("{} {}", gnuplot_string(fraction_title(plots.fractions[p])), p));
  }
  const int panels = static_cast<int>(plots.datasets.size());
  const int columns = std::min(panels, 2);
  const int rows = (panels + 1) / 2;
  script.commands = fmt::format(
      "set multiplot layout {},{} title \"Test AUC of the selected models, mean ± sd over "
      "seeds\" font \",14\"\n"
      "set grid ytics\nset key outside right top vertical\n"
      "set xlabel \"positive fraction of subtrain and validation\"\n"
      "set ylabel \"test AUC\"\nset xtics ({})\nset xrange [-0.6:{}]\n",
      rows, columns, fmt::join(tics, ", "), static_cast<double>(plots.fractions.size()) - 0.4);
  const std::size_t methods = plots.methods.size();
  for (std::size_t d = 0; d < plots.datasets.size(); ++d) {
    script.commands += fmt::format("set title {}\n", gnuplot_string(plots.datasets[d]));
    std::vector<std::string> series;
    for (std::size_t m = 0; m < methods; ++m) {
      if (!has_points[d * methods + m]) continue;
      series.push_back(fmt::format(
          "$auc_{}_{} using 1:2:3 with yerrorbars pt 7 ps 1.2 lw 1.5 lc rgb \"{}\" title {}", d,
          m, kMethodColors[m % std::size(kMethodColors)],
          gnuplot_string(method_label(plots.methods[m], plots.all_constant))));
    }
    script.commands += plot_line(series);
  }
  script.commands += "unset multiplot\n";
  script.width = 840 * columns;
  script.height = 480 * rows + 60;
  return script;
}

// Runs gnuplot on the script saved as <base>.gp; returns the files it leaves.
std::vector<fs::path> draw(const fs::path& plot_directory, const std::string& base,
                           const PlotScript& script) {
  run_gnuplot(plot_directory / (base + ".gp"),
              script.data + gnuplot_png_and_svg(base, script.width, script.height,
                                                "set termoption noenhanced\n" + script.commands));
  return {plot_directory / (base + ".png"), plot_directory / (base + ".svg"),
          plot_directory / (base + ".gp")};
}

}  // namespace

std::vector<fs::path> render_plots(const fs::path& run_directory, const fs::path& plot_directory) {
  if (!gnuplot_available()) {
    throw RunError("gnuplot is not installed, so no plots were drawn; install it (apt-get install "
                   "gnuplot-nox, or scripts/setup.sh), then run: aumtrain plot " +
                   run_directory.string());
  }
  PlotData plots = read_selections(run_directory / "comparison.csv");
  read_auc_curves(run_directory / "learning_curves.csv", plots);

  fs::create_directories(plot_directory);
  std::vector<fs::path> written;
  for (const Group& group : plots.groups) {
    const std::string base = fmt::format("auc_{}_{}", file_part(group.dataset),
                                         file_part(fraction_title(group.fraction)));
    const std::vector<fs::path> files = draw(plot_directory, base, auc_plot(group, plots));
    written.insert(written.end(), files.begin(), files.end());
  }
  if (!plots.datasets.empty()) {
    const std::vector<fs::path> files =
        draw(plot_directory, "comparison", comparison_plot(plots));
    written.insert(written.end(), files.begin(), files.end());
  }
  return written;
}

}  // namespace aumtrain
