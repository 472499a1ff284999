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
  cli.footer("Under mpirun -np P, train and compare share the work among the P ranks, dealing "
             "runs out or spreading each dataset's rows (config key train.parallel), with the "
             "results of one process; the other commands run as one process and refuse several "
             "ranks.");
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

  // Under mpirun every rank parses the same command line; rank 0 alone says what is wrong with
  // it, or prints the help.
  Communicator& world = world_communicator();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (world.rank() != 0) {
      return error.get_exit_code() == 0 ? 0 : static_cast<int>(ExitCode::usage);
    }
    if (error.get_exit_code() == 0) return cli.exit(error);  // --help
    cli.exit(error);
    return static_cast<int>(ExitCode::usage);
  }
  app::setup_logging(quiet     ? app::Verbosity::quiet
                     : verbose ? app::Verbosity::verbose
                               : app::Verbosity::normal,
                     world.rank());
  const app::Command* chosen = nullptr;
  for (const auto& command : commands) {
    if (command.parser->parsed()) chosen = &command;
  }
  if (chosen == nullptr) return static_cast<int>(ExitCode::usage);
  // Only train and compare share their work among ranks: several ranks of any other command
  // would each run all of it and race one another for the same output.
  if (world.size() > 1 && !chosen->over_ranks) {
    if (world.rank() == 0) {
      spdlog::error("aumtrain {} runs as one process, and mpirun started {} of them; run it "
                    "without mpirun (or with mpirun -np 1): only train and compare run over "
                    "several ranks",
                    chosen->parser->get_name(), world.size());
    }
    return static_cast<int>(ExitCode::usage);
  }
  try {
    return chosen->run();
  } catch (const Error& error) {
    // Several ranks end with the same error (Communicator::check names the rank it came from):
    // rank 0 says it once. An error that this rank met alone, outside a collective check (a
    // write that failed on rank 0, say), ends every rank, so that none waits for this one.
    const bool every_rank = world.size() == 1 || dynamic_cast<const RankError*>(&error) != nullptr;
    if (world.rank() == 0 || !every_rank) spdlog::error("{}", error.what());
    if (!every_rank) {
      spdlog::shutdown();
      world.abort(static_cast<int>(error.exit_code()));
    }
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    spdlog::error("internal error: {}; please report it with the command that caused it",
                  error.what());
    if (world.size() > 1) {
      spdlog::shutdown();
      world.abort(1);
    }
    return 1;
  }
}
