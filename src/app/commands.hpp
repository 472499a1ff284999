// The subcommands of the aumtrain executable. Each add_*_command registers its options on the
// parent application and returns what to run when it was chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace aumtrain::app {

struct Command {
  CLI::App* parser;
  std::function<int()> run;  // returns the exit code
  /// Whether it runs over the ranks of `mpirun -np P` (train and compare); the other commands
  /// run as one process.
  bool over_ranks = false;
};

Command add_aum_command(CLI::App& parent);
Command add_line_search_command(CLI::App& parent);
Command add_train_command(CLI::App& parent);
Command add_compare_command(CLI::App& parent);
Command add_plot_command(CLI::App& parent);
Command add_make_data_command(CLI::App& parent);
Command add_bench_grad_command(CLI::App& parent);
Command add_subdifferential_command(CLI::App& parent);
Command add_config_reference_command(CLI::App& parent);
Command add_predict_command(CLI::App& parent);
Command add_evaluate_command(CLI::App& parent);
Command add_help_command(CLI::App& parent);

}  // namespace aumtrain::app
