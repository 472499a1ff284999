#include "aumtrain/io/outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"

namespace aumtrain {
namespace fs = std::filesystem;

namespace {

std::ofstream open_for_writing(const fs::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw RunError(fmt::format("cannot write {}; check the permissions", file.string()));
  return out;
}

// The key columns every file starts with: dataset, positive_fraction, seed, loss, optimizer,
// step_size (empty for optimizers without one).
std::string run_prefix(const RunKey& key) {
  return fmt::format("{},{},{},{},{},{}", key.dataset,
                     positive_fraction_cell(key.positive_fraction), key.seed, key.loss,
                     key.optimizer, key.step_size ? format_number(*key.step_size) : "");
}

// "" for NaN (no step before iteration 0), otherwise the number.
std::string optional_number(double value) { return std::isnan(value) ? "" : format_number(value); }

// AUM of the test scores divided by their standard deviation: AUM(a s) = a AUM(s), so this is
// the AUM of the scores brought to unit spread, comparable across losses whose scores have
// different scales. Scores that all tie have AUM 0 at any scale.
double aum_over_score_sd(const Selection& s) {
  if (s.test.aum == 0 && s.test_score_sd == 0) return 0;
  return s.test.aum / s.test_score_sd;
}

std::string selection_status(const Selection& s) {
  if (s.interrupted) return "interrupted";
  if (!s.usable()) return "diverged";
  return "ok";
}

struct Summary {
  double mean = 0;
  double sd = 0;
  std::size_t count = 0;
};

Summary summarize(const std::vector<double>& values) {
  Summary s;
  s.count = values.size();
  if (values.empty()) return s;
  for (double v : values) s.mean += v;
  s.mean /= static_cast<double>(values.size());
  if (values.size() > 1) {
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
  }
  return s;
}

// ---- the comparison table ----

// Below this many validation positives, validation AUC takes so few values (often exactly 1)
// that selecting by it says little.
constexpr std::size_t kFewValidationPositives = 5;

// The selections arranged as the table: rows (dataset, positive fraction) and columns (loss and
// optimizer) in order of first appearance; each cell holds its seeds' selections.
struct ComparisonGrid {
  std::vector<std::pair<std::string, std::optional<double>>> rows;
  std::vector<std::string> columns;
  std::vector<std::vector<std::vector<const Selection*>>> cells;  // [row][column]
  std::vector<std::vector<const Selection*>> row_selections;      // [row]
};

ComparisonGrid comparison_grid(const std::vector<Selection>& selections) {
  const bool all_constant = std::all_of(selections.begin(), selections.end(), [](const Selection& s) {
    return s.key.optimizer == "constant";
  });
  ComparisonGrid grid;
  for (const Selection& s : selections) {
    const std::pair row_key{s.key.dataset, s.key.positive_fraction};
    if (std::find(grid.rows.begin(), grid.rows.end(), row_key) == grid.rows.end()) {
      grid.rows.push_back(row_key);
    }
    const std::string label = method_label(s.key, all_constant);
    if (std::find(grid.columns.begin(), grid.columns.end(), label) == grid.columns.end()) {
      grid.columns.push_back(label);
    }
  }
  grid.cells.assign(grid.rows.size(), std::vector<std::vector<const Selection*>>(grid.columns.size()));
  grid.row_selections.resize(grid.rows.size());
  for (const Selection& s : selections) {
    const auto r = static_cast<std::size_t>(
        std::find(grid.rows.begin(), grid.rows.end(), std::pair{s.key.dataset, s.key.positive_fraction}) -
        grid.rows.begin());
    const auto c = static_cast<std::size_t>(
        std::find(grid.columns.begin(), grid.columns.end(), method_label(s.key, all_constant)) -
        grid.columns.begin());
    grid.cells[r][c].push_back(&s);
    grid.row_selections[r].push_back(&s);
  }
  return grid;
}

// One cell: the test AUC of each seed whose selection has a model, and what became of the others.
struct ColumnSeeds {
  std::map<std::uint64_t, double> test_auc;  // seed -> test AUC
  std::size_t diverged = 0;     // finished seeds without a usable model
  std::size_t interrupted = 0;  // seeds with a run cut short by a stop request
  Summary summary() const {
    std::vector<double> values;
    for (const auto& [seed, auc] : test_auc) values.push_back(auc);
    return summarize(values);
  }
};

ColumnSeeds column_seeds(const std::vector<const Selection*>& cell) {
  ColumnSeeds seeds;
  for (const Selection* s : cell) {
    if (s->interrupted) ++seeds.interrupted;
    if (s->usable() && std::isfinite(s->test.auc)) {
      seeds.test_auc[s->key.seed] = s->test.auc;
    } else if (!s->interrupted) {
      ++seeds.diverged;
    }
  }
  return seeds;
}

// Whether `a` has a higher test AUC than `b` on every seed of the row (a seed where b has no
// model counts as a win for a, one where a has none as a loss).
bool ahead_on_every_seed(const ColumnSeeds& a, const ColumnSeeds& b,
                         const std::vector<std::uint64_t>& seeds) {
  for (std::uint64_t seed : seeds) {
    const auto mine = a.test_auc.find(seed);
    if (mine == a.test_auc.end()) return false;
    const auto theirs = b.test_auc.find(seed);
    if (theirs != b.test_auc.end() && !(mine->second > theirs->second)) return false;
  }
  return true;
}

// Bold: among the columns whose seeds all finished, the best mean and every column that it is
// not ahead of on every seed. A single bold cell is ahead of every other on every seed.
std::vector<bool> bold_columns(const std::vector<ColumnSeeds>& row) {
  std::vector<bool> bold(row.size(), false);
  std::set<std::uint64_t> seed_set;
  for (const ColumnSeeds& column : row) {
    for (const auto& [seed, auc] : column.test_auc) seed_set.insert(seed);
  }
  const std::vector<std::uint64_t> seeds(seed_set.begin(), seed_set.end());
  auto finished = [&](std::size_t c) { return row[c].interrupted == 0 && !row[c].test_auc.empty(); };
  std::optional<std::size_t> best;
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (finished(c) && (!best || row[c].summary().mean > row[*best].summary().mean)) best = c;
  }
  if (!best) return bold;
  for (std::size_t c = 0; c < row.size(); ++c) {
    bold[c] = finished(c) && (c == *best || !ahead_on_every_seed(row[*best], row[c], seeds));
  }
  return bold;
}

std::string comparison_cell_text(const ColumnSeeds& seeds, bool bold) {
  if (seeds.test_auc.empty()) {
    if (seeds.interrupted == 0) return "diverged";
    if (seeds.diverged == 0) return "interrupted";
    return fmt::format("{} diverged, {} interrupted", seeds.diverged, seeds.interrupted);
  }
  const Summary s = seeds.summary();
  std::string cell =
      s.count > 1 ? fmt::format("{:.3f} ± {:.3f}", s.mean, s.sd) : fmt::format("{:.3f}", s.mean);
  if (seeds.diverged > 0) cell += fmt::format(" ({} diverged)", seeds.diverged);
  if (seeds.interrupted > 0) cell += fmt::format(" ({} interrupted)", seeds.interrupted);
  return bold ? "**" + cell + "**" : cell;
}

// 1 + the number of columns with a higher mean; a column without a model ranks last.
double rank_in_row(const std::vector<ColumnSeeds>& row, std::size_t column) {
  const bool has_values = !row[column].test_auc.empty();
  const double mean = row[column].summary().mean;
  double rank = 1;
  for (const ColumnSeeds& other : row) {
    if (!other.test_auc.empty() && (!has_values || other.summary().mean > mean)) ++rank;
  }
  return rank;
}

// "n (p)" for one set over the row's seeds; "a-b" where the seeds' splits differ.
std::string size_and_positives(const std::vector<const Selection*>& row, int set) {
  auto range = [&](auto value_of) {
    std::size_t low = SIZE_MAX, high = 0;
    for (const Selection* s : row) {
      low = std::min(low, value_of(*s));
      high = std::max(high, value_of(*s));
    }
    return low == high ? std::to_string(low) : fmt::format("{}-{}", low, high);
  };
  return fmt::format("{} ({})", range([&](const Selection& s) { return s.counts.size[set]; }),
                     range([&](const Selection& s) { return s.counts.positives[set]; }));
}

std::string set_sizes_cell(const std::vector<const Selection*>& row) {
  return fmt::format("{} / {} / {}", size_and_positives(row, 0), size_and_positives(row, 1),
                     size_and_positives(row, 2));
}

bool few_validation_positives(const std::vector<const Selection*>& row) {
  return std::any_of(row.begin(), row.end(), [](const Selection* s) {
    return s->counts.positives[1] < kFewValidationPositives;
  });
}

struct ComparisonNotes {
  bool few_validation_positives = false;
  bool interrupted = false;
  bool unreached_fraction = false;
};

// Whether every split of a row reached the positive fraction it asked for.
bool fraction_reached(const std::vector<const Selection*>& row) {
  return std::all_of(row.begin(), row.end(),
                     [](const Selection* s) { return s->positive_fraction_reached; });
}

std::string comparison_notes_text(const ComparisonNotes& notes) {
  std::string out =
      "Cells: test AUC of the model selected by validation AUC, mean ± sd over seeds. Bold: the "
      "best mean and every column that it does not beat on every seed (test AUC paired by "
      "seed); a single bold cell beats every other column on every seed.\n";
  if (notes.few_validation_positives) {
    out += fmt::format(
        "\n†: validation has fewer than {} positives on some seed; its AUC takes few values "
        "(often exactly 1), so the selection by it is close to arbitrary.\n",
        kFewValidationPositives);
  }
  if (notes.unreached_fraction) {
    out += "\n(not reached): some splits have too few positives for that fraction; all of their "
           "positives were kept, so their fraction is lower (see the warnings, and the "
           "*_positives and positive_fraction_reached columns of comparison.csv).\n";
  }
  if (notes.interrupted) {
    out += "\n(k interrupted): k seeds had runs cut short by a stop signal; the values are "
           "those of the models reached so far, and such cells are never bold nor compared "
           "for bold.\n";
  }
  return out;
}

std::string mean_rank_table(const std::vector<std::string>& columns,
                            const std::vector<std::vector<double>>& ranks) {
  std::vector<std::string> header = {"mean rank over rows (1 = best)", "rows"};
  header.insert(header.end(), columns.begin(), columns.end());
  TextTable table(header);
  std::vector<std::string> cells = {"all datasets and fractions",
                                    std::to_string(ranks.empty() ? 0 : ranks.front().size())};
  for (const auto& r : ranks) cells.push_back(fmt::format("{:.2f}", summarize(r).mean));
  table.add_row(cells);
  return table.render_markdown();
}

}  // namespace

std::string method_label(const RunKey& key, bool all_constant) {
  return all_constant ? key.loss : fmt::format("{}, {}", key.loss, key.optimizer);
}

std::string positive_fraction_cell(const std::optional<double>& fraction) {
  return fraction ? format_number(*fraction) : "NA";
}

LearningCurveWriter::LearningCurveWriter(const fs::path& directory)
    : directory_(directory),
      curves_(open_for_writing(directory / "learning_curves.csv")),
      runs_(open_for_writing(directory / "runs.csv")) {
  curves_ << "dataset,positive_fraction,seed,loss,optimizer,step_size,iteration,step,set,metric,"
             "value\n";
  runs_ << "dataset,positive_fraction,seed,loss,optimizer,step_size,status,iterations,"
           "best_iteration,best_validation_auc,test_auc_at_best,seconds,line_search_events,"
           "capped_steps,message\n";
}

void LearningCurveWriter::append(const RunRecord& record) {
  const std::string prefix = run_prefix(record.key);
  std::string text;
  const bool line_search = record.key.optimizer == "line_search";
  for (const IterationRecord& it : record.result.curve) {
    const std::string row_prefix =
        fmt::format("{},{},{}", prefix, it.iteration, optional_number(it.step));
    const SetMetrics* sets[3] = {&it.subtrain, &it.validation, &it.test};
    for (SetName set : kAllSets) {
      const SetMetrics& m = *sets[static_cast<int>(set)];
      for (const auto& [metric, value] : {std::pair{"loss", m.loss}, std::pair{"aum", m.aum},
                                          std::pair{"auc", m.auc}}) {
        text += fmt::format("{},{},{},{}\n", row_prefix, set_name(set), metric,
                            format_number(value));
      }
    }
    text += fmt::format("{},model,weight_norm,{}\n", row_prefix, format_number(it.weight_norm));
    text += fmt::format("{},model,seconds,{}\n", row_prefix, format_number(it.seconds));
    if (line_search && it.iteration > 0) {
      text += fmt::format("{},model,events,{}\n", row_prefix, it.events);
    }
  }
  curves_ << text;
  const TrainResult& r = record.result;
  std::string message = r.message;
  std::replace(message.begin(), message.end(), '"', '\'');
  runs_ << fmt::format("{},{},{},{},{},{},{},{},{},\"{}\"\n", prefix, run_status_name(r.status),
                       r.iterations, r.best_iteration, format_number(r.best_validation_auc),
                       format_number(r.best_test.auc), format_number(r.seconds),
                       r.line_search_events, r.capped_steps, message);
}

void LearningCurveWriter::finish() {
  curves_.close();
  runs_.close();
  if (!curves_ || !runs_) {
    throw RunError(fmt::format("cannot finish writing the learning curves in {}; check the disk "
                               "space",
                               directory_.string()));
  }
}

std::string comparison_csv(const std::vector<Selection>& selections) {
  std::string out =
      "dataset,positive_fraction,seed,loss,optimizer,step_size,iteration,validation_auc,test_auc,"
      "test_aum,test_aum_over_score_sd,"
      "subtrain_size,subtrain_positives,validation_size,validation_positives,test_size,"
      "test_positives,runs,diverged_runs,status,model,positive_fraction_reached\n";
  for (const Selection& s : selections) {
    const SplitCounts& c = s.counts;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", run_prefix(s.key),
                       s.iteration, format_number(s.validation_auc), format_number(s.test.auc),
                       format_number(s.test.aum), format_number(aum_over_score_sd(s)), c.size[0], c.positives[0], c.size[1],
                       c.positives[1], c.size[2], c.positives[2], s.runs, s.diverged_runs,
                       selection_status(s), s.usable() ? "models/" + model_file_name(s.key) : "",
                       !s.key.positive_fraction      ? "NA"
                       : s.positive_fraction_reached ? "yes"
                                                     : "no");
  }
  return out;
}

std::string comparison_markdown(const std::vector<Selection>& selections) {
  const ComparisonGrid grid = comparison_grid(selections);
  std::vector<std::string> header = {"dataset", "positive fraction",
                                     "subtrain / validation / test (positives)"};
  header.insert(header.end(), grid.columns.begin(), grid.columns.end());
  TextTable table(header);
  std::vector<std::vector<double>> ranks(grid.columns.size());
  ComparisonNotes notes;
  for (std::size_t r = 0; r < grid.rows.size(); ++r) {
    std::vector<ColumnSeeds> row;
    for (const auto& cell : grid.cells[r]) row.push_back(column_seeds(cell));
    const std::vector<bool> bold = bold_columns(row);
    const bool few = few_validation_positives(grid.row_selections[r]);
    notes.few_validation_positives = notes.few_validation_positives || few;
    const bool reached = fraction_reached(grid.row_selections[r]);
    notes.unreached_fraction = notes.unreached_fraction || !reached;
    std::vector<std::string> cells = {grid.rows[r].first,
                                      positive_fraction_label(grid.rows[r].second, reached),
                                      set_sizes_cell(grid.row_selections[r]) + (few ? " †" : "")};
    for (std::size_t c = 0; c < row.size(); ++c) {
      cells.push_back(comparison_cell_text(row[c], bold[c]));
      notes.interrupted = notes.interrupted || row[c].interrupted > 0;
      ranks[c].push_back(rank_in_row(row, c));
    }
    table.add_row(cells);
  }
  std::string out = table.render_markdown();
  out += '\n';
  out += comparison_notes_text(notes);
  if (grid.rows.size() > 1) {
    out += '\n';
    out += mean_rank_table(grid.columns, ranks);
  }
  return out;
}

std::vector<std::string> few_validation_positive_warnings(const std::vector<Selection>& selections) {
  const ComparisonGrid grid = comparison_grid(selections);
  std::vector<std::string> warnings;
  for (std::size_t r = 0; r < grid.rows.size(); ++r) {
    if (!few_validation_positives(grid.row_selections[r])) continue;
    std::size_t fewest = SIZE_MAX;
    for (const Selection* s : grid.row_selections[r]) {
      fewest = std::min(fewest, s->counts.positives[1]);
    }
    warnings.push_back(fmt::format(
        "{}, positive fraction {}: validation has as few as {} positive{} (fewer than {}); "
        "validation AUC, which selects the models, takes few values there, so the selection is "
        "close to arbitrary (marked † in the table)",
        grid.rows[r].first,
        positive_fraction_label(grid.rows[r].second, fraction_reached(grid.row_selections[r])),
        fewest,
        fewest == 1 ? "" : "s", kFewValidationPositives));
  }
  return warnings;
}

std::string cost_markdown(const std::vector<Selection>& selections) {
  const bool all_constant = std::all_of(selections.begin(), selections.end(),
                                        [](const Selection& s) { return s.key.optimizer == "constant"; });
  struct Cost {
    std::vector<double> iterations, seconds_to_selected, seconds_all_runs;
  };
  std::vector<std::pair<std::string, Cost>> columns;  // in order of first appearance
  for (const Selection& s : selections) {
    if (!s.usable()) continue;
    const std::string label = method_label(s.key, all_constant);
    auto column = std::find_if(columns.begin(), columns.end(),
                               [&](const auto& c) { return c.first == label; });
    if (column == columns.end()) column = columns.insert(columns.end(), {label, Cost{}});
    column->second.iterations.push_back(s.iteration);
    column->second.seconds_to_selected.push_back(s.seconds_to_selected);
    column->second.seconds_all_runs.push_back(s.seconds_all_runs);
  }
  auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
  };
  TextTable table({"loss and optimizer", "selections", "selected iteration (median)",
                   "seconds to it in its run (median)", "seconds of all its runs (median)"});
  for (const auto& [label, cost] : columns) {
    table.add_row({label, std::to_string(cost.iterations.size()),
                   format_number(median(cost.iterations)),
                   fmt::format("{:.3g}", median(cost.seconds_to_selected)),
                   fmt::format("{:.3g}", median(cost.seconds_all_runs))});
  }
  return table.render_markdown();
}

std::string model_file_name(const RunKey& key) {
  // The constant optimizer's models keep the names they had before there were optimizers.
  const std::string optimizer = key.optimizer == "constant" ? "" : "__" + key.optimizer;
  return fmt::format("{}__pf-{}__seed-{}__{}{}.json", key.dataset,
                     positive_fraction_label(key.positive_fraction), key.seed, key.loss,
                     optimizer);
}

}  // namespace aumtrain
