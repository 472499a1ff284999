#include "aumtrain/io/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "aumtrain/data/csv.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/gnuplot.hpp"

namespace aumtrain {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSetColors[3] = {"#1f77b4", "#ff7f0e", "#2ca02c"};
constexpr const char* kSets[3] = {"subtrain", "validation", "test"};
constexpr const char* kLossColors[] = {"#d62728", "#9467bd", "#1f77b4", "#17becf", "#2ca02c",
                                       "#ff7f0e", "#8c564b", "#e377c2"};

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
    const auto it = columns_.find(name);
    if (it == columns_.end()) {
      throw DataError(fmt::format("{}: no column '{}'; was it written by aumtrain?",
                                  reader_.path(), name));
    }
    return it->second;
  }
  bool next(std::vector<CsvField>& fields) { return reader_.next_record(fields); }

 private:
  CsvReader reader_;
  std::map<std::string, std::size_t> columns_;
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

struct Selected {
  std::string loss;
  std::string step;
  int iteration;
};

struct Group {
  std::string dataset;
  std::string fraction;  // cell text: NA or a number
  std::string first_seed;
  std::vector<Selected> losses;
  // per loss, per set: (iteration, auc)
  std::vector<std::array<std::vector<std::pair<double, double>>, 3>> curves;
};

struct Comparison {
  std::vector<std::string> datasets, fractions, losses;
  // (dataset, fraction, loss) -> test AUC of each seed
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::vector<double>> test_auc;
};

template <class T>
std::size_t index_in(std::vector<T>& values, const T& value) {
  auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end()) it = values.insert(values.end(), value);
  return static_cast<std::size_t>(it - values.begin());
}

}  // namespace

std::vector<fs::path> render_plots(const fs::path& run_directory, const fs::path& plot_directory) {
  if (!gnuplot_available()) {
    throw RunError("gnuplot is not installed, so no plots were drawn; install it (apt-get install "
                   "gnuplot-nox, or scripts/setup.sh), then run: aumtrain plot " +
                   run_directory.string());
  }
  // The selected step size and iteration of each (dataset, fraction, seed, loss).
  std::vector<Group> groups;
  Comparison comparison;
  {
    Table table(run_directory / "comparison.csv");
    const std::size_t dataset = table.column("dataset"), fraction = table.column("positive_fraction"),
                      seed = table.column("seed"), loss = table.column("loss"),
                      step = table.column("step_size"), iteration = table.column("iteration"),
                      test_auc = table.column("test_auc"), status = table.column("status");
    std::vector<CsvField> f;
    while (table.next(f)) {
      if (f[status].text != "ok") continue;
      const std::string d(f[dataset].text), p(f[fraction].text), s(f[seed].text), l(f[loss].text);
      auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
        return g.dataset == d && g.fraction == p;
      });
      if (group == groups.end()) group = groups.insert(groups.end(), Group{d, p, s, {}, {}});
      if (group->first_seed == s) {
        group->losses.push_back({l, std::string(f[step].text),
                                 static_cast<int>(number_of(f[iteration].text))});
        group->curves.emplace_back();
      }
      const auto key = std::tuple{index_in(comparison.datasets, d),
                                  index_in(comparison.fractions, p), index_in(comparison.losses, l)};
      comparison.test_auc[key].push_back(number_of(f[test_auc].text));
    }
  }
  {
    Table table(run_directory / "learning_curves.csv");
    const std::size_t dataset = table.column("dataset"), fraction = table.column("positive_fraction"),
                      seed = table.column("seed"), loss = table.column("loss"),
                      step = table.column("step_size"), iteration = table.column("iteration"),
                      set = table.column("set"), metric = table.column("metric"),
                      value = table.column("value");
    std::vector<CsvField> f;
    while (table.next(f)) {
      if (f[metric].text != "auc") continue;
      for (Group& g : groups) {
        if (g.dataset != f[dataset].text || g.fraction != f[fraction].text ||
            g.first_seed != f[seed].text) {
          continue;
        }
        for (std::size_t l = 0; l < g.losses.size(); ++l) {
          if (g.losses[l].loss != f[loss].text || g.losses[l].step != f[step].text) continue;
          const auto s = std::find(std::begin(kSets), std::end(kSets), f[set].text) - std::begin(kSets);
          if (s < 3) {
            g.curves[l][static_cast<std::size_t>(s)].emplace_back(number_of(f[iteration].text),
                                                                   number_of(f[value].text));
          }
        }
      }
    }
  }

  fs::create_directories(plot_directory);
  std::vector<fs::path> written;
  auto draw = [&](const std::string& base, int width, int height, const std::string& data,
                  const std::string& commands) {
    run_gnuplot(plot_directory / (base + ".gp"),
                data + gnuplot_png_and_svg(base, width, height,
                                           "set termoption noenhanced\n" + commands));
    written.push_back(plot_directory / (base + ".png"));
    written.push_back(plot_directory / (base + ".svg"));
    written.push_back(plot_directory / (base + ".gp"));
  };

  for (const Group& g : groups) {
    const std::string base =
        fmt::format("auc_{}_{}", file_part(g.dataset), file_part(fraction_title(g.fraction)));
    std::string data;
    double last_iteration = 1;
    for (std::size_t l = 0; l < g.losses.size(); ++l) {
      for (int set = 0; set < 3; ++set) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [x, y] : g.curves[l][static_cast<std::size_t>(set)]) {
          rows.push_back({fmt::format("{}", x + 1), fmt::format("{}", y)});
          last_iteration = std::max(last_iteration, x);
        }
        if (!rows.empty()) data += gnuplot_data_block(fmt::format("curve_{}_{}", l, set), rows);
      }
    }
    const int columns = static_cast<int>(std::min<std::size_t>(g.losses.size(), 3));
    const int rows = static_cast<int>((g.losses.size() + 2) / 3);
    std::string commands = fmt::format(
        "set multiplot layout {},{} title {} font \",14\"\n"
        "set grid\nset key bottom right opaque box\nset logscale x\nset xrange [1:{}]\n"
        "set xlabel \"iteration + 1 (log scale)\"\nset ylabel \"AUC\"\n",
        rows, columns,
        gnuplot_string(fmt::format("{}, positive fraction {}, seed {}: AUC by iteration at each "
                                   "loss's selected step size (dashed: selected iteration)",
                                   g.dataset, fraction_title(g.fraction), g.first_seed)),
        last_iteration + 1);
    for (std::size_t l = 0; l < g.losses.size(); ++l) {
      const Selected& s = g.losses[l];
      commands += fmt::format("set title {}\n", gnuplot_string(fmt::format(
                                                    "{} (step size {}, iteration {})", s.loss,
                                                    s.step, s.iteration)));
      commands += fmt::format(
          "set arrow 1 from {0}, graph 0 to {0}, graph 1 nohead dashtype 2 lw 1.5 lc rgb "
          "\"#444444\"\n",
          s.iteration + 1);
      std::vector<std::string> lines;
      for (int set = 0; set < 3; ++set) {
        if (g.curves[l][static_cast<std::size_t>(set)].empty()) continue;
        lines.push_back(fmt::format("$curve_{}_{} using 1:2 with lines lw 2 lc rgb \"{}\" title \"{}\"",
                                    l, set, kSetColors[set], kSets[set]));
      }
      commands += lines.empty() ? "plot 0.5 notitle\n" : fmt::format("plot {}\n", fmt::join(lines, ", "));
    }
    commands += "unset multiplot\n";
    draw(base, 520 * columns, 400 * rows + 60, data, commands);
  }

  if (!comparison.datasets.empty()) {
    const std::size_t losses = comparison.losses.size();
    std::string data;
    std::vector<std::uint8_t> has_points(comparison.datasets.size() * losses, 0);
    // Block (dataset, loss): x = fraction index shifted per loss, mean, sd.
    for (std::size_t d = 0; d < comparison.datasets.size(); ++d) {
      for (std::size_t l = 0; l < losses; ++l) {
        std::vector<std::vector<std::string>> rows;
        for (std::size_t p = 0; p < comparison.fractions.size(); ++p) {
          const auto it = comparison.test_auc.find({d, p, l});
          if (it == comparison.test_auc.end() || it->second.empty()) continue;
          const auto& values = it->second;
          double mean = 0, squares = 0;
          for (double v : values) mean += v;
          mean /= static_cast<double>(values.size());
          for (double v : values) squares += (v - mean) * (v - mean);
          const double sd =
              values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
          const double shift = (static_cast<double>(l) - 0.5 * static_cast<double>(losses - 1)) *
                               (0.7 / static_cast<double>(std::max<std::size_t>(losses, 1)));
          rows.push_back({fmt::format("{}", static_cast<double>(p) + shift),
                          fmt::format("{}", mean), fmt::format("{}", sd)});
        }
        if (rows.empty()) continue;
        has_points[d * losses + l] = 1;
        data += gnuplot_data_block(fmt::format("auc_{}_{}", d, l), rows);
      }
    }
    std::vector<std::string> tics;
    for (std::size_t p = 0; p < comparison.fractions.size(); ++p) {
      tics.push_back(fmt::format("{} {}", gnuplot_string(fraction_title(comparison.fractions[p])), p));
    }
    const int panels = static_cast<int>(comparison.datasets.size());
    const int columns = std::min(panels, 2);
    const int rows = (panels + 1) / 2;
    std::string commands = fmt::format(
        "set multiplot layout {},{} title \"Test AUC of the selected models, mean ± sd over "
        "seeds\" font \",14\"\n"
        "set grid ytics\nset key below\nset xlabel \"positive fraction of subtrain and "
        "validation\"\n"
        "set ylabel \"test AUC\"\nset xtics ({})\nset xrange [-0.6:{}]\n",
        rows, columns, fmt::join(tics, ", "),
        static_cast<double>(comparison.fractions.size()) - 0.4);
    for (std::size_t d = 0; d < comparison.datasets.size(); ++d) {
      commands += fmt::format("set title {}\n", gnuplot_string(comparison.datasets[d]));
      std::vector<std::string> lines;
      for (std::size_t l = 0; l < losses; ++l) {
        if (!has_points[d * losses + l]) continue;
        lines.push_back(fmt::format(
            "$auc_{}_{} using 1:2:3 with yerrorbars pt 7 ps 1.2 lw 1.5 lc rgb \"{}\" title {}", d,
            l, kLossColors[l % std::size(kLossColors)], gnuplot_string(comparison.losses[l])));
      }
      commands += lines.empty() ? "plot 0.5 notitle\n" : fmt::format("plot {}\n", fmt::join(lines, ", "));
    }
    commands += "unset multiplot\n";
    draw("comparison", 640 * columns, 480 * rows + 60, data, commands);
  }
  return written;
}

}  // namespace aumtrain
