// Stopping long runs cleanly on SIGINT (Ctrl-C) or SIGTERM.
#pragma once

#include <atomic>

namespace aumtrain::app {

/// Installs handlers for SIGINT and SIGTERM. The first signal sets the returned flag, which the
/// experiment checks after every iteration; a second one ends the process at once when
/// `second_signal_ends` (the run directory is then left untouched and only the hidden staging
/// folder remains). A rank of several under mpirun passes false: mpirun turns a Ctrl-C into
/// SIGTERM for every rank and, a moment later (its odls_base_sigkill_timeout) or on a second
/// Ctrl-C, into SIGKILL, so a later signal is never the user's "stop now".
const std::atomic<bool>& install_stop_handlers(bool second_signal_ends = true);

/// Ignores SIGPIPE, which would otherwise end the process the moment a reader of its output
/// goes away (`aumtrain train c.yaml 2>&1 | head`), leaving the staging folder behind. Writes to
/// a closed pipe then fail instead: log lines are lost, and a failed write of the results is
/// reported after the run directory is in place.
void ignore_broken_pipes();

/// The name of the signal that set the flag ("SIGINT", "SIGTERM"), or "" if none.
const char* stop_signal_name();

}  // namespace aumtrain::app
