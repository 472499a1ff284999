// Logging for the command line: messages go to standard error through spdlog; results go to
// standard output.
#pragma once

namespace aumtrain::app {

enum class Verbosity { quiet, normal, verbose };

/// Sets up the default logger: "warning: ..." and "error: ..." prefixes, plain progress lines,
/// and the level that `verbosity` asks for (quiet: warnings and errors only).
void setup_logging(Verbosity verbosity);

}  // namespace aumtrain::app
