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

// A double-quoted gnuplot string; a newline becomes a line break in the text.
std::string gnuplot_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
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

// The run selected for one method of a (dataset, fraction) on one seed, with its AUC by
// iteration on each set.
struct SelectedRun {
  std::size_t method;    // index in PlotData::methods
  std::string seed;      // as written in the files
  std::string step;      // the step size as written in the files; empty without one
  int iteration;         // the selected iteration
  std::array<std::vector<std::pair<double, double>>, 3> curves;  // per set: (iteration, AUC)
};

// One AUC plot: a dataset at a positive fraction, every seed.
struct Group {
  std::string dataset;
  std::string fraction;            // cell text: NA or a number
  std::vector<std::string> seeds;  // in order of first appearance
  std::vector<SelectedRun> runs;   // one per (method, seed)
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
      group = plots.groups.insert(plots.groups.end(), Group{dataset, fraction, {}, {}});
    }
    index_in(group->seeds, seed);
    group->runs.push_back({m, seed, std::string(f[run.step].text),
                           static_cast<int>(number_of(f[iteration].text)), {}});
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
    if (group.dataset != f[run.dataset].text || group.fraction != f[run.fraction].text) continue;
    for (SelectedRun& selected : group.runs) {
      const Method& method = plots.methods[selected.method];
      if (selected.seed == f[run.seed].text && method.loss == f[run.loss].text &&
          method.optimizer == run.optimizer_of(f) && selected.step == f[run.step].text) {
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

// The panels of an AUC plot: one per method, in order of first appearance, each with the
// group's runs of that method (one per seed).
std::vector<std::vector<const SelectedRun*>> auc_panels(const Group& group) {
  std::vector<std::size_t> methods;
  std::vector<std::vector<const SelectedRun*>> panels;
  for (const SelectedRun& run : group.runs) {
    const std::size_t panel = index_in(methods, run.method);
    if (panel == panels.size()) panels.emplace_back();
    panels[panel].push_back(&run);
  }
  return panels;
}

std::size_t seed_index(const Group& group, const SelectedRun& run) {
  return static_cast<std::size_t>(std::find(group.seeds.begin(), group.seeds.end(), run.seed) -
                                  group.seeds.begin());
}

// The AUC range a panel shows: every point of its curves, with a margin above and below so that
// no curve runs along the border (an AUC of 1 stays visible).
std::pair<double, double> auc_range(const std::vector<const SelectedRun*>& panel) {
  double low = 1, high = 0;
  for (const SelectedRun* run : panel) {
    for (const auto& curve : run->curves) {
      for (const auto& [x, y] : curve) {
        if (!std::isfinite(y)) continue;
        low = std::min(low, y);
        high = std::max(high, y);
      }
    }
  }
  if (low > high) return {0, 1};  // nothing to draw
  const double margin = std::max(0.05 * (high - low), 0.02);
  return {low - margin, high + margin};
}

// Whether the validation curve has a point at the selected iteration (always, in files that
// aumtrain wrote).
bool has_selected_point(const SelectedRun& run) {
  return std::any_of(run.curves[1].begin(), run.curves[1].end(),
                     [&](const auto& point) { return point.first == run.iteration; });
}

// The curves of panel p as data blocks curve_<p>_<seed>_<set>, x = iteration + 1, and the
// selected iteration's validation AUC as selected_<p>_<seed>; returns the largest iteration seen
// (at least 1, for the x range).
double add_curve_blocks(const Group& group, std::size_t p, const std::vector<const SelectedRun*>& panel,
                        std::string& data) {
  double last_iteration = 1;
  for (const SelectedRun* run : panel) {
    const std::size_t k = seed_index(group, *run);
    for (std::size_t set = 0; set < 3; ++set) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [x, y] : run->curves[set]) {
        rows.push_back({fmt::format("{}", x + 1), fmt::format("{}", y)});
        last_iteration = std::max(last_iteration, x);
      }
      if (!rows.empty()) data += gnuplot_data_block(fmt::format("curve_{}_{}_{}", p, k, set), rows);
    }
    for (const auto& [x, y] : run->curves[1]) {
      if (x != run->iteration) continue;
      data += gnuplot_data_block(fmt::format("selected_{}_{}", p, k),
                                 {{fmt::format("{}", x + 1), fmt::format("{}", y)}});
      break;
    }
  }
  return last_iteration;
}

// gnuplot's dash patterns 1 to 5 (solid, dashes, dots, ...), one per seed.
int seed_dash_type(std::size_t seed_index) { return static_cast<int>(seed_index % 5) + 1; }

// The second line of a panel's title: each seed's selected step size and iteration.
std::string selections_by_seed(const std::vector<const SelectedRun*>& panel) {
  std::vector<std::string> seeds, steps, iterations;
  for (const SelectedRun* run : panel) {
    seeds.push_back(run->seed);
    if (!run->step.empty()) steps.push_back(run->step);
    iterations.push_back(std::to_string(run->iteration));
  }
  const std::string which = fmt::format("seed{} {}: ", seeds.size() > 1 ? "s" : "",
                                        fmt::join(seeds, ", "));
  if (steps.size() != panel.size()) {
    return fmt::format("{}iteration {}", which, fmt::join(iterations, ", "));
  }
  return fmt::format("{}step size {}; iteration {}", which, fmt::join(steps, ", "),
                     fmt::join(iterations, ", "));
}

// One panel's plot command: a line per seed and set (colour: set; dash pattern: seed) and a dot
// at each seed's selected iteration on its validation curve.
std::string auc_panel_plot(const Group& group, std::size_t p,
                           const std::vector<const SelectedRun*>& panel) {
  std::vector<std::string> series;
  for (const SelectedRun* run : panel) {
    const std::size_t k = seed_index(group, *run);
    for (std::size_t set = 0; set < 3; ++set) {
      if (run->curves[set].empty()) continue;
      series.push_back(fmt::format("$curve_{}_{}_{} using 1:2 with lines lw 1.5 dt {} lc rgb "
                                   "\"{}\" notitle",
                                   p, k, set, seed_dash_type(k), kSetColors[set]));
    }
    if (has_selected_point(*run)) {
      series.push_back(fmt::format("$selected_{}_{} using 1:2 with points pt 7 ps 1.2 lc rgb "
                                   "\"{}\" notitle",
                                   p, k, kSetColors[1]));
    }
  }
  return plot_line(series);
}

// The key of every panel, drawn once in a panel of its own: the sets' colours, the seeds' dash
// patterns and the dot of the selected iteration.
std::string auc_key_panel(const Group& group) {
  std::vector<std::string> entries;
  for (std::size_t set = 0; set < 3; ++set) {
    entries.push_back(fmt::format("keyentry with lines lw 2 lc rgb \"{}\" title \"{}\"",
                                  kSetColors[set], kSets[set]));
  }
  for (std::size_t k = 0; k < group.seeds.size(); ++k) {
    entries.push_back(fmt::format("keyentry with lines lw 1.5 dt {} lc rgb \"#444444\" title {}",
                                  seed_dash_type(k), gnuplot_string("seed " + group.seeds[k])));
  }
  entries.push_back(fmt::format(
      "keyentry with points pt 7 ps 1.2 lc rgb \"{}\" title \"selected iteration (validation "
      "AUC)\"",
      kSetColors[1]));
  return fmt::format(
      "unset title\nunset border\nunset tics\nunset grid\nunset xlabel\nunset ylabel\n"
      "unset logscale x\nset xrange [0:1]\nset yrange [0:1]\n"
      "set key center center vertical Left reverse samplen 4 spacing 1.3 font \",12\"\n"
      "plot -1 notitle, {}\n",  // a line below the range: gnuplot wants one real series
      fmt::join(entries, ", "));
}

// AUC by iteration for one (dataset, fraction): a panel per method with every seed's selected
// run, then a panel with the key.
PlotScript auc_plot(const Group& group, const PlotData& plots) {
  PlotScript script;
  const auto panels = auc_panels(group);
  double last_iteration = 1;
  for (std::size_t p = 0; p < panels.size(); ++p) {
    last_iteration = std::max(last_iteration, add_curve_blocks(group, p, panels[p], script.data));
  }
  const std::size_t cells = panels.size() + 1;  // and the key
  const int columns = static_cast<int>(std::min<std::size_t>(cells, 3));
  const int rows = static_cast<int>((cells + 2) / 3);
  script.commands = fmt::format(
      "set multiplot layout {},{} title {} font \",14\"\n"
      "set grid\nunset key\nset logscale x\nset xrange [1:{}]\n"
      "set xlabel \"iteration + 1 (log scale)\"\nset ylabel \"AUC\"\n",
      rows, columns,
      gnuplot_string(fmt::format("{}, positive fraction {}: AUC by iteration of the run selected "
                                 "for each seed",
                                 group.dataset, fraction_title(group.fraction))),
      last_iteration + 1);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const auto [low, high] = auc_range(panels[p]);
    const std::string label =
        method_label(plots.methods[panels[p].front()->method], plots.all_constant);
    script.commands +=
        fmt::format("set title {} font \",11\"\nset yrange [{:.4g}:{:.4g}]\n",
                    gnuplot_string(label + "\n" + selections_by_seed(panels[p])), low, high);
    script.commands += auc_panel_plot(group, p, panels[p]);
  }
  script.commands += auc_key_panel(group);
  script.commands += "unset multiplot\n";
  script.width = 560 * columns;
  script.height = 440 * rows + 60;
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
