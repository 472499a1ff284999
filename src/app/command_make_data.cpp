// `aumtrain make-data`: write a synthetic dataset.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>
#include <string>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/core/text_format.hpp"
#include "aumtrain/data/synthetic_data.hpp"
#include "aumtrain/io/run_directory.hpp"
#include "commands.hpp"
#include "count_option.hpp"

namespace aumtrain::app {

namespace {

struct MakeDataOptions {
  SyntheticSpec spec;
  std::string output;
  bool force = false;
  bool sparse = false;
  std::optional<std::size_t> nonzeros_per_row;
};

// The sparse file's shape, for the log line: empty for a dense CSV.
std::string sparse_shape(const MakeDataOptions& options) {
  if (!options.sparse) return "";
  const std::size_t informative = informative_features(options.spec.features);
  return fmt::format(", {} nonzero{} per row (libsvm; informative: feature{} 1{})",
                     *options.nonzeros_per_row, *options.nonzeros_per_row == 1 ? "" : "s",
                     informative == 1 ? "" : "s",
                     informative == 1 ? "" : fmt::format(" to {}", informative));
}

int run_make_data(const MakeDataOptions& options) {
  if (options.sparse && !options.nonzeros_per_row) {
    throw ConfigError("--sparse needs --nonzeros-per-row K, the number of features each row holds");
  }
  if (!options.sparse && options.nonzeros_per_row) {
    throw ConfigError("--nonzeros-per-row is for sparse files; add --sparse to write libsvm");
  }
  const std::filesystem::path file = options.output;
  refuse_existing_file(file, options.force, "--output");
  const SyntheticSpec& spec = options.spec;
  const std::size_t positives = options.sparse
                                    ? write_synthetic_libsvm(spec, *options.nonzeros_per_row, file)
                                    : write_synthetic_csv(spec, file);
  spdlog::info("wrote {}: {} ({} positive), {}{}, positives with probability {} (seed {})",
               options.output, count_noun(spec.rows, "row"), positives,
               count_noun(spec.features, "feature"), sparse_shape(options),
               spec.positive_fraction, spec.seed);
  if (positives == 0 || positives == spec.rows) {
    spdlog::warn("{} has no {} rows, so it cannot be trained on (training needs both classes): "
                 "{} or give another --seed",
                 options.output, positives == 0 ? "positive" : "negative",
                 positives == 0 ? "raise --rows or --positive-fraction"
                                : "raise --rows or lower --positive-fraction");
  }
  return 0;
}

}  // namespace

Command add_make_data_command(CLI::App& parent) {
  auto options = std::make_shared<MakeDataOptions>();
  CLI::App* command = parent.add_subcommand(
      "make-data", "Write a synthetic CSV (x1..xD, label): features N(0, 1), shifted by --shift "
                   "for positives; or, with --sparse, a libsvm file with K nonzeros per row");
  command->add_option("--rows", options->spec.rows, "Rows, e.g. 1000 or 1e5")
      ->required()
      ->transform(count_form())
      ->check(CLI::PositiveNumber);
  command->add_option("--features", options->spec.features, "Feature columns")
      ->required()
      ->transform(count_form())
      ->check(CLI::PositiveNumber);
  command->add_option("--positive-fraction", options->spec.positive_fraction,
                      "Probability that a row is positive (default 0.1)");
  command->add_option("--seed", options->spec.seed, "Random seed (default 1)")
      ->transform(count_form());
  command->add_option("--shift", options->spec.shift,
                      "Positive class mean on every feature (with --sparse: on features "
                      "1..ceil(D/10)), in sd (default 0.3)");
  command->add_flag("--sparse", options->sparse,
                    "Write libsvm (label 1/0, then index:value with 1-based increasing indices) "
                    "instead of a CSV");
  command->add_option("--nonzeros-per-row", options->nonzeros_per_row,
                      "With --sparse: distinct features per row, drawn uniformly from 1..D; "
                      "positives are shifted on features 1..ceil(D/10)")
      ->transform(count_form());
  command->add_option("--output", options->output, "CSV (or libsvm) file to write")->required();
  command->add_flag("--force", options->force, "Replace an existing file");
  return {command, [options] { return run_make_data(*options); }};
}

}  // namespace aumtrain::app
