// Printing a command's results on standard output.
#pragma once

#include <string_view>

namespace aumtrain::app {

/// Writes `text` to standard output and flushes it. When that fails (the reader of a pipe went
/// away, a full disk), throws RunError saying so and, when `saved_in` is given, where the same
/// results were written.
void print_results(std::string_view text, std::string_view saved_in = {});

}  // namespace aumtrain::app
