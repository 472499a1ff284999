// Output directories that appear complete or not at all: everything is written under a
// temporary name beside the destination and renamed into place at the end.
#pragma once

#include <filesystem>
#include <string_view>

namespace aumtrain::app {

class StagedOutputDir {
 public:
  /// Refuses, with ConfigError, a destination that exists and is not an empty directory,
  /// unless `force` (then it is replaced at commit()). Creates the temporary directory; throws
  /// RunError when it cannot.
  StagedOutputDir(const std::filesystem::path& destination, bool force);
  /// Removes the temporary directory unless commit() succeeded.
  ~StagedOutputDir();
  StagedOutputDir(const StagedOutputDir&) = delete;
  StagedOutputDir& operator=(const StagedOutputDir&) = delete;

  /// Where to write now.
  const std::filesystem::path& path() const noexcept { return staging_; }
  const std::filesystem::path& destination() const noexcept { return destination_; }

  /// Moves the finished directory to its destination. Throws RunError when it cannot.
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

/// Writes `content` to `path`; throws RunError naming the file when it cannot.
void write_file(const std::filesystem::path& path, std::string_view content);

}  // namespace aumtrain::app
