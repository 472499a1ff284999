#include "aumtrain/io/outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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
      "test_aum,"
      "subtrain_size,subtrain_positives,validation_size,validation_positives,test_size,"
      "test_positives,runs,diverged_runs,status,model,positive_fraction_reached\n";
  for (const Selection& s : selections) {
    const SplitCounts& c = s.counts;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", run_prefix(s.key),
                       s.iteration, format_number(s.validation_auc), format_number(s.test.auc),
                       format_number(s.test.aum), c.size[0], c.positives[0], c.size[1],
                       c.positives[1], c.size[2], c.positives[2], s.runs, s.diverged_runs,
                       selection_status(s), s.usable() ? "models/" + model_file_name(s.key) : "",
                       !s.key.positive_fraction      ? "NA"
                       : s.positive_fraction_reached ? "yes"
                                                     : "no");
  }
  return out;
}

std::string comparison_markdown(const std::vector<Selection>& selections) {
  // Rows and columns in order of first appearance; a column per loss and optimizer.
  const bool all_constant = std::all_of(selections.begin(), selections.end(),
                                        [](const Selection& s) { return s.key.optimizer == "constant"; });
  std::vector<std::pair<std::string, std::optional<double>>> rows;
  std::vector<std::string> losses;
  std::map<std::tuple<std::size_t, std::size_t>, std::vector<double>> test_auc;
  std::map<std::tuple<std::size_t, std::size_t>, std::size_t> failed;
  std::set<std::size_t> unreached_rows;  // some split of the row lacked positives
  for (const Selection& s : selections) {
    const std::pair row_key{s.key.dataset, s.key.positive_fraction};
    auto row = std::find(rows.begin(), rows.end(), row_key);
    if (row == rows.end()) row = rows.insert(rows.end(), row_key);
    if (!s.positive_fraction_reached) {
      unreached_rows.insert(static_cast<std::size_t>(row - rows.begin()));
    }
    const std::string label = method_label(s.key, all_constant);
    auto loss = std::find(losses.begin(), losses.end(), label);
    if (loss == losses.end()) loss = losses.insert(losses.end(), label);
    const std::tuple cell{static_cast<std::size_t>(row - rows.begin()),
                          static_cast<std::size_t>(loss - losses.begin())};
    if (s.usable() && std::isfinite(s.test.auc)) {
      test_auc[cell].push_back(s.test.auc);
    } else {
      ++failed[cell];
    }
  }
  std::vector<std::string> header = {"dataset", "positive fraction"};
  header.insert(header.end(), losses.begin(), losses.end());
  TextTable table(header);
  std::vector<std::vector<double>> ranks(losses.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<Summary> summaries(losses.size());
    double best = -1;
    for (std::size_t l = 0; l < losses.size(); ++l) {
      summaries[l] = summarize(test_auc[{r, l}]);
      if (summaries[l].count > 0) best = std::max(best, summaries[l].mean);
    }
    std::vector<std::string> cells = {
        rows[r].first, positive_fraction_label(rows[r].second, !unreached_rows.contains(r))};
    for (std::size_t l = 0; l < losses.size(); ++l) {
      const Summary& s = summaries[l];
      std::string cell;
      if (s.count == 0) {
        cell = "diverged";
      } else {
        cell = s.count > 1 ? fmt::format("{:.3f} ± {:.3f}", s.mean, s.sd) : fmt::format("{:.3f}", s.mean);
        if (failed[{r, l}] > 0) cell += fmt::format(" ({} diverged)", failed[{r, l}]);
        if (s.mean == best) cell = "**" + cell + "**";
      }
      cells.push_back(cell);
      // Rank within the row: 1 + the number of losses with a higher mean (diverged ranks last).
      double rank = 1;
      for (std::size_t k = 0; k < losses.size(); ++k) {
        if (summaries[k].count > 0 && (s.count == 0 || summaries[k].mean > s.mean)) ++rank;
      }
      ranks[l].push_back(rank);
    }
    table.add_row(cells);
  }
  std::string out = table.render_markdown();
  if (!unreached_rows.empty()) {
    out += "\n(not reached): some splits have too few positives for that fraction; all of their "
           "positives were kept, so their fraction is lower (see the warnings, and the "
           "*_positives and positive_fraction_reached columns of comparison.csv).\n";
  }
  if (rows.size() > 1) {
    std::vector<std::string> rank_header = {"mean rank over rows (1 = best)", "rows"};
    rank_header.insert(rank_header.end(), losses.begin(), losses.end());
    TextTable rank_table(rank_header);
    std::vector<std::string> cells = {"all datasets and fractions", std::to_string(rows.size())};
    for (const auto& r : ranks) cells.push_back(fmt::format("{:.2f}", summarize(r).mean));
    rank_table.add_row(cells);
    out += "\n" + rank_table.render_markdown();
  }
  return out;
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

std::string model_json(const Selection& s) {
  using nlohmann::json;
  auto vector_of = [](const Eigen::VectorXd& v) {
    return std::vector<double>(v.data(), v.data() + v.size());
  };
  const LinearModel original = to_original_units(s.model, s.feature_map);
  json j;
  j["dataset"] = s.key.dataset;
  j["positive_fraction"] =
      s.key.positive_fraction ? json(*s.key.positive_fraction) : json(nullptr);
  j["seed"] = s.key.seed;
  j["loss"] = s.key.loss;
  j["optimizer"] = s.key.optimizer;
  j["step_size"] = s.key.step_size ? json(*s.key.step_size) : json(nullptr);
  j["iteration"] = s.iteration;
  j["validation_auc"] = s.validation_auc;
  j["test_auc"] = s.test.auc;
  j["feature_names"] = s.feature_names;
  j["original_units"] = {{"weights", vector_of(original.weights)},
                         {"intercept", original.intercept}};
  j["standardized"] = {{"weights", vector_of(s.model.weights)}, {"intercept", s.model.intercept}};
  j["standardization"] = {{"mean", vector_of(s.feature_map.mean)},
                          {"sd", vector_of(s.feature_map.sd)}};
  j["scoring"] =
      "score = original_units.intercept + sum_j original_units.weights[j] * x[j]; equivalently "
      "standardized.intercept + sum_j standardized.weights[j] * (x[j] - mean[j]) / sd[j] "
      "(features with sd 0 have weight 0)";
  return j.dump(2) + "\n";
}

}  // namespace aumtrain
