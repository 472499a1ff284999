// `aumtrain plot RUN_DIR`: re-render a run directory's plots from its logged curves.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/plots.hpp"
#include "commands.hpp"

namespace aumtrain::app {
namespace fs = std::filesystem;

namespace {

int run_plot(const std::string& run_directory) {
  const fs::path run = run_directory;
  for (const char* file : {"comparison.csv", "learning_curves.csv"}) {
    if (!fs::exists(run / file)) {
      throw DataError(fmt::format("{}: no {} here; give a run directory written by aumtrain "
                                  "train or compare",
                                  run_directory, file));
    }
  }
  // Draw into a scratch folder first, then move each finished file into plots/.
  const fs::path scratch = run / fmt::format(".plots-partial-{}", ::getpid());
  std::vector<fs::path> files;
  try {
    files = render_plots(run, scratch);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
    throw;
  }
  fs::create_directories(run / "plots");
  for (const auto& file : files) {
    fs::rename(file, run / "plots" / file.filename());
    spdlog::info("wrote {}", (run / "plots" / file.filename()).string());
  }
  fs::remove_all(scratch);
  return 0;
}

}  // namespace

Command add_plot_command(CLI::App& parent) {
  auto directory = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand(
      "plot", "Re-render the plots of a run directory from its learning_curves.csv and "
              "comparison.csv");
  command->add_option("RUN_DIR", *directory, "A run directory written by train or compare")
      ->required();
  return {command, [directory] { return run_plot(*directory); }};
}

}  // namespace aumtrain::app
