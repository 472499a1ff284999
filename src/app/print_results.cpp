#include "print_results.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "aumtrain/core/errors.hpp"

namespace aumtrain::app {

void print_results(std::string_view text, std::string_view saved_in) {
  errno = 0;
  const bool written = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  if (written && std::fflush(stdout) == 0) return;
  const int error = errno;
  std::clearerr(stdout);
  throw RunError(fmt::format(
      "cannot write the results to standard output ({}){}", error ? std::strerror(error) : "",
      saved_in.empty() ? "" : fmt::format("; they are saved in {}", saved_in)));
}

}  // namespace aumtrain::app
