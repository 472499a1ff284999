// What the fuzz targets share: a scratch file for loaders that read paths, and the rule that
// aumtrain::Error is the only acceptable way to reject an input.
#pragma once

#include <cxxabi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

#include "aumtrain/core/errors.hpp"

namespace aumtrain::fuzzing {

/// One file in the temporary directory per process and `name` (created on first use, removed
/// at exit), rewritten for every input: the loaders read paths, not bytes.
class ScratchFile {
 public:
  explicit ScratchFile(std::string_view name)
      : path_((std::filesystem::temp_directory_path() /
               ("aumtrain_fuzz_" + std::to_string(::getpid()) + "_" + std::string(name)))
                  .string()) {}
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  /// Replaces the file's content and returns its path.
  const std::string& write(std::string_view content) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
      std::fprintf(stderr, "cannot write the scratch file %s\n", path_.c_str());
      std::abort();
    }
    return path_;
  }

 private:
  std::string path_;
};

/// The readable name of an exception's dynamic type.
inline std::string type_name(const std::exception& error) {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(error).name(), nullptr, nullptr, &status);
  std::string readable = status == 0 ? name : typeid(error).name();
  std::free(name);
  return readable;
}

/// Runs `body`; an aumtrain::Error is an expected outcome, any other exception is a finding and
/// aborts with its type and message (libFuzzer then saves the input).
template <class Body>
void expect_only_aumtrain_errors(Body&& body) {
  try {
    body();
  } catch (const Error&) {
    // Rejected with a message for a person: what a loader should do with a bad input.
  } catch (const std::exception& error) {
    std::fprintf(stderr, "finding: %s escaped instead of aumtrain::Error: %s\n",
                 type_name(error).c_str(), error.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "finding: a non-std exception escaped\n");
    std::abort();
  }
}

/// Aborts with `what` when `condition` is false: a violated invariant.
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "finding: invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace aumtrain::fuzzing
