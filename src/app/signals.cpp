#include "signals.hpp"

#include <csignal>

namespace aumtrain::app {
namespace {

std::atomic<bool> stop_requested{false};
std::atomic<bool> second_signal_ends_process{true};
volatile std::sig_atomic_t received_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");

extern "C" void on_stop_signal(int signal) {
  if (stop_requested.load()) {
    if (!second_signal_ends_process.load()) return;
    // The second signal: stop now.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  received_signal = signal;
  stop_requested.store(true);
}

}  // namespace

const std::atomic<bool>& install_stop_handlers(bool second_signal_ends) {
  second_signal_ends_process.store(second_signal_ends);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return stop_requested;
}

void ignore_broken_pipes() {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  sigaction(SIGPIPE, &action, nullptr);
}

const char* stop_signal_name() {
  switch (received_signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "";
  }
}

}  // namespace aumtrain::app
