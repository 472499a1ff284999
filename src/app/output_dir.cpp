#include "output_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <system_error>

#include "aumtrain/errors.hpp"

namespace aumtrain::app {
namespace fs = std::filesystem;

StagedOutputDir::StagedOutputDir(const fs::path& destination, bool force) {
  destination_ = destination.filename().empty() ? destination.parent_path() : destination;
  if (destination_.empty()) throw ConfigError("--output is empty; give a directory to write to");
  std::error_code error;
  const auto status = fs::status(destination_, error);
  if (fs::exists(status) && !force) {
    const bool empty_directory = fs::is_directory(status) && fs::is_empty(destination_, error);
    if (!empty_directory) {
      throw ConfigError(fmt::format(
          "output '{}' already exists and is not an empty directory; choose another --output, "
          "or add --force to replace it",
          destination_.string()));
    }
  }
  const fs::path parent = destination_.has_parent_path() ? destination_.parent_path() : ".";
  staging_ = parent / fmt::format(".{}.tmp-{}", destination_.filename().string(), ::getpid());
  fs::remove_all(staging_, error);
  if (!fs::create_directories(staging_, error) || error) {
    throw RunError(fmt::format("cannot create the directory '{}': {}", staging_.string(),
                               error ? error.message() : "it already exists"));
  }
}

StagedOutputDir::~StagedOutputDir() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

void StagedOutputDir::commit() {
  std::error_code error;
  if (fs::exists(destination_, error)) fs::remove_all(destination_, error);
  if (error) {
    throw RunError(fmt::format("cannot replace '{}': {}", destination_.string(), error.message()));
  }
  fs::rename(staging_, destination_, error);
  if (error) {
    throw RunError(fmt::format("cannot move the outputs from '{}' to '{}': {}", staging_.string(),
                               destination_.string(), error.message()));
  }
  committed_ = true;
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw RunError(fmt::format("cannot write '{}'", path.string()));
}

}  // namespace aumtrain::app
