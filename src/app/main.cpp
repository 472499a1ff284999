// aumtrain: ROC-optimal linear scoring models by gradient descent on AUM.
// This is the only place that catches: errors are reported here and become exit codes.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <vector>

#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/errors.hpp"
#include "commands.hpp"
#include "logging.hpp"
#include "openmp_waits.hpp"
#include "signals.hpp"

int main(int argc, char** argv) {
  using namespace aumtrain;
  app::make_openmp_waits_passive(argv);
  app::ignore_broken_pipes();
  CLI::App cli{"aumtrain: train linear scoring models on AUM, the Area Under the Min of false "
               "positive and false negative rates, and compare them with other losses."};
  cli.require_subcommand(1);
  cli.fallthrough();  // -q and -v also work after the command
  bool quiet = false;
  bool verbose = false;
  cli.add_flag("-q,--quiet", quiet, "Print only warnings, errors and results");
  cli.add_flag("-v,--verbose", verbose, "Print details of every step");
  cli.set_version_flag("--version", "aumtrain " AUMTRAIN_VERSION,
                       "Print aumtrain's version and exit");

  std::vector<app::Command> commands;
  commands.push_back(app::add_train_command(cli));
  commands.push_back(app::add_compare_command(cli));
  commands.push_back(app::add_plot_command(cli));
  commands.push_back(app::add_aum_command(cli));
  commands.push_back(app::add_line_search_command(cli));
  commands.push_back(app::add_make_data_command(cli));
  commands.push_back(app::add_bench_grad_command(cli));
  commands.push_back(app::add_subdifferential_command(cli));
  commands.push_back(app::add_config_reference_command(cli));
  commands.push_back(app::add_predict_command(cli));
  commands.push_back(app::add_evaluate_command(cli));
  commands.push_back(app::add_help_command(cli));

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return cli.exit(error);  // --help
    cli.exit(error);
    return static_cast<int>(ExitCode::usage);
  }
  app::setup_logging(quiet     ? app::Verbosity::quiet
                     : verbose ? app::Verbosity::verbose
                               : app::Verbosity::normal);
  // The commands run as one process: started by mpirun with several ranks, every rank would run
  // the whole command and race the others for the same output.
  if (const Communicator& world = world_communicator(); world.size() > 1) {
    if (world.rank() == 0) {
      spdlog::error("aumtrain's commands run as one process, and mpirun started {} of them; run "
                    "it without mpirun (or with mpirun -np 1)",
                    world.size());
    }
    return static_cast<int>(ExitCode::usage);
  }
  try {
    for (const auto& command : commands) {
      if (command.parser->parsed()) return command.run();
    }
  } catch (const Error& error) {
    spdlog::error("{}", error.what());
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    spdlog::error("internal error: {}; please report it with the command that caused it",
                  error.what());
    return 1;
  }
  return static_cast<int>(ExitCode::usage);
}
