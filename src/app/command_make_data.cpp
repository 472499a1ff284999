// `aumtrain make-data`: write a synthetic dataset.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

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
};

int run_make_data(const MakeDataOptions& options) {
  const std::filesystem::path file = options.output;
  refuse_existing_file(file, options.force, "--output");
  const SyntheticSpec& spec = options.spec;
  const std::size_t positives = write_synthetic_csv(spec, file);
  spdlog::info("wrote {}: {} ({} positive), {}, positives with probability {} (seed {})",
               options.output, count_noun(spec.rows, "row"), positives,
               count_noun(spec.features, "feature"), spec.positive_fraction, spec.seed);
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
                   "for positives");
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
                      "Positive class mean on every feature, in sd (default 0.3)");
  command->add_option("--output", options->output, "CSV file to write")->required();
  command->add_flag("--force", options->force, "Replace an existing file");
  return {command, [options] { return run_make_data(*options); }};
}

}  // namespace aumtrain::app
