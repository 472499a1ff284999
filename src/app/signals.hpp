// Stopping long runs cleanly on SIGINT (Ctrl-C) or SIGTERM.
#pragma once

#include <atomic>

namespace aumtrain::app {

/// Installs handlers for SIGINT and SIGTERM. The first signal sets the returned flag, which the
/// experiment checks after every iteration; a second one ends the process at once (the run
/// directory is then left untouched and only the hidden staging folder remains).
const std::atomic<bool>& install_stop_handlers();

/// Ignores SIGPIPE, which would otherwise end the process the moment a reader of its output
/// goes away (`aumtrain train c.yaml 2>&1 | head`), leaving the staging folder behind. Writes to
/// a closed pipe then fail instead: log lines are lost, and a failed write of the results is
/// reported after the run directory is in place.
void ignore_broken_pipes();

/// The name of the signal that set the flag ("SIGINT", "SIGTERM"), or "" if none.
const char* stop_signal_name();

}  // namespace aumtrain::app
