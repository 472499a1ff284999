// Writing results without ever leaving half-written files or silently replacing earlier ones.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string_view>
#include <vector>

namespace aumtrain {

/// A run directory built in a staging directory beside its target and moved into place by
/// commit(). Until then the target is untouched; if the object is destroyed without commit()
/// (an error), the staging directory is removed.
class RunDirectory {
 public:
  /// Refuses (ConfigError) an existing target that is not an empty directory, unless `force`;
  /// creates the parent folders and the staging directory (ConfigError naming the path when it
  /// cannot be written). Messages name the target as `option` ("output.directory", "--output").
  /// Removes the staging folders that earlier runs into the same target left behind when they
  /// were killed (their process no longer exists); stale_staging_removed() lists them.
  RunDirectory(const std::filesystem::path& target, bool force,
               std::string_view option = "output.directory");
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  const std::filesystem::path& staging() const noexcept { return staging_; }
  const std::filesystem::path& target() const noexcept { return target_; }

  /// The staging folders of dead processes that the constructor removed.
  const std::vector<std::filesystem::path>& stale_staging_removed() const noexcept {
    return stale_staging_removed_;
  }

  /// Moves the staging directory to the target in one step. Without `force` it never replaces a
  /// target that another run (or anyone) put there since the start: the results then go to
  /// conflict_path() and RunError says so. With `force` an earlier target is swapped out in the
  /// same step and removed after, so the target always holds complete results.
  void commit();

  /// Where commit() puts the results when the target appeared meanwhile: "NAME.conflict-PID"
  /// beside the target.
  std::filesystem::path conflict_path() const;

 private:
  void remove_created_parents() noexcept;
  void remove_stale_staging();
  void commit_without_replacing();
  void commit_replacing();

  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::vector<std::filesystem::path> created_parents_;  // deepest first, removed on failure
  std::vector<std::filesystem::path> stale_staging_removed_;
  bool force_;
  bool committed_ = false;
};

/// Writes `content` to `file` through a temporary file in the same folder and a rename, so the
/// file is either the old one or the complete new one. Throws RunError on failure.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

/// Throws ConfigError, naming the option that gave `file`, when the file exists and `force` is
/// false: aumtrain never replaces an earlier output unless asked to.
void refuse_existing_file(const std::filesystem::path& file, bool force, std::string_view option);

/// A file written piece by piece (too large to hold in memory) through a temporary file beside
/// it, renamed into place by commit(): the file is either the old one or the complete new one.
/// Destroyed without commit() (an error), it removes the temporary file.
class StreamedFile {
 public:
  /// Throws RunError when the temporary file cannot be created.
  explicit StreamedFile(const std::filesystem::path& file);
  ~StreamedFile();
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;

  void write(std::string_view text);
  /// Flushes, checks that everything was written and renames; RunError otherwise.
  void commit();

 private:
  std::filesystem::path file_;
  std::filesystem::path temporary_;
  std::FILE* out_ = nullptr;
};

}  // namespace aumtrain
