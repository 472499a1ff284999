// Logging for the command line: messages go to standard error through spdlog; results go to
// standard output.
#pragma once

namespace aumtrain::app {

enum class Verbosity { quiet, normal, verbose };

/// Sets up the default logger: "warning: ..." and "error: ..." prefixes, plain progress lines,
/// and the level that `verbosity` asks for (quiet: warnings and errors only). Rank `rank` > 0 of
/// an MPI run logs only warnings and errors, each after "rank R: ".
void setup_logging(Verbosity verbosity, int rank = 0);

}  // namespace aumtrain::app
