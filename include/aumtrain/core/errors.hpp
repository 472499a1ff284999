// Exceptions thrown by the aumtrain library. Library code throws; the application's main() is
// the only place that catches, reports the message and exits with the code the error carries.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace aumtrain {

/// Process exit codes, documented in README.md.
enum class ExitCode : int {
  success = 0,
  usage = 2,        ///< bad command line or configuration
  data = 3,         ///< a data file that cannot be used as it is
  run_failed = 4,   ///< a run that could not finish (nothing usable was produced)
  interrupted = 130,  ///< stopped by SIGINT or SIGTERM; what was completed was written
};

/// Base of every error aumtrain reports to a person. The message says what is wrong, where, and
/// what to do about it.
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, ExitCode exit_code)
      : std::runtime_error(message), exit_code_(exit_code) {}
  ExitCode exit_code() const noexcept { return exit_code_; }

 private:
  ExitCode exit_code_;
};

/// A configuration or command-line value that cannot be used.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message) : Error(message, ExitCode::usage) {}
};

/// Input data that cannot be used: unreadable file, bad cell, invalid labels or scores.
class DataError : public Error {
 public:
  explicit DataError(const std::string& message) : Error(message, ExitCode::data) {}
};

/// A run that could not finish, e.g. an output directory that cannot be written.
class RunError : public Error {
 public:
  explicit RunError(const std::string& message) : Error(message, ExitCode::run_failed) {}
};

/// A place in a text file, printed as "file:line:column" (1-based line and column).
struct SourceLocation {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string to_string() const;
};

}  // namespace aumtrain
