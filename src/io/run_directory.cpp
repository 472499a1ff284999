#include "aumtrain/io/run_directory.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <system_error>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace fs = std::filesystem;

namespace {

fs::path sibling(const fs::path& target, std::string_view tag) {
  return target.parent_path() /
         fmt::format(".{}.{}-{}", target.filename().string(), tag, ::getpid());
}

// renameat2(2) flags, in case the C library's headers predate them.
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

// renameat2 through the system call, which every Linux since 3.15 has (glibc wraps it only
// since 2.28). Returns 0 or the errno value.
int rename_with_flags(const fs::path& from, const fs::path& to, unsigned flags) {
  const long result =
      ::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags);
  return result == 0 ? 0 : errno;
}

// A file system that cannot rename atomically with these flags (some network file systems).
bool flags_unsupported(int error) {
  return error == EINVAL || error == ENOSYS || error == EOPNOTSUPP;
}

enum class NoReplaceRename { done, target_exists, failed };

// Renames `from` to `to` unless something is at `to`, in one step where the file system allows.
NoReplaceRename rename_without_replacing(const fs::path& from, const fs::path& to,
                                         std::error_code& error) {
  int code = rename_with_flags(from, to, RENAME_NOREPLACE);
  if (flags_unsupported(code)) {  // check, then rename: only a narrow race remains
    if (fs::exists(fs::symlink_status(to, error))) return NoReplaceRename::target_exists;
    code = ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
  }
  if (code == 0) return NoReplaceRename::done;
  if (code == EEXIST || code == ENOTEMPTY) return NoReplaceRename::target_exists;
  error = std::error_code(code, std::generic_category());
  return NoReplaceRename::failed;
}

// Whether a process with this id exists on this machine (EPERM: it does, owned by another user).
bool process_exists(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

// The process id in a staging folder's name ".NAME.partial-PID", or 0 for any other name.
long staging_folder_owner(const std::string& folder, const std::string& target_name) {
  const std::string prefix = "." + target_name + ".partial-";
  if (!folder.starts_with(prefix)) return 0;
  const char* first = folder.data() + prefix.size();
  const char* last = folder.data() + folder.size();
  long pid = 0;
  const auto [end, error] = std::from_chars(first, last, pid);
  return error == std::errc() && end == last && first != last && pid > 0 ? pid : 0;
}

}  // namespace

RunDirectory::RunDirectory(const fs::path& target, bool force, std::string_view option)
    : force_(force) {
  std::error_code error;
  if (target.empty()) throw ConfigError(fmt::format("{} is empty; give a directory to write to", option));
  target_ = fs::absolute(target, error).lexically_normal();
  if (target_.filename().empty()) target_ = target_.parent_path();
  if (fs::exists(target_, error)) {
    const bool empty_directory = fs::is_directory(target_, error) && fs::is_empty(target_, error);
    if (!empty_directory && !force_) {
      throw ConfigError(fmt::format(
          "{}: {} already exists and is not empty; aumtrain never overwrites earlier results: "
          "choose another directory, move it away, or pass --force to replace it",
          option, target.string()));
    }
  }
  for (fs::path parent = target_.parent_path(); !parent.empty() && !fs::exists(parent, error);
       parent = parent.parent_path()) {
    created_parents_.push_back(parent);
  }
  fs::create_directories(target_.parent_path(), error);
  remove_stale_staging();
  staging_ = sibling(target_, "partial");
  fs::remove_all(staging_, error);
  if (!fs::create_directory(staging_, error)) {
    remove_created_parents();
    throw ConfigError(fmt::format("{}: cannot create {} ({}); choose a directory you can write to",
                                  option, staging_.parent_path().string(),
                                  error ? error.message() : "unknown reason"));
  }
}

RunDirectory::~RunDirectory() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
    remove_created_parents();
  }
}

void RunDirectory::remove_created_parents() noexcept {
  std::error_code ignored;
  for (const auto& parent : created_parents_) fs::remove(parent, ignored);  // only if empty
}

// A run killed before its commit (SIGKILL, a second Ctrl-C, a crash) leaves its staging folder
// behind; nothing else will ever remove it. A folder whose process still exists is left alone,
// as is one whose process id was since taken by another process (a later run removes it once
// that process has ended).
void RunDirectory::remove_stale_staging() {
  std::error_code error;
  const std::string target_name = target_.filename().string();
  for (fs::directory_iterator it(target_.parent_path(), error), end; !error && it != end;
       it.increment(error)) {
    const long pid = staging_folder_owner(it->path().filename().string(), target_name);
    if (pid == 0 || pid == ::getpid() || process_exists(pid)) continue;
    std::error_code removal;
    fs::remove_all(it->path(), removal);
    if (!removal) stale_staging_removed_.push_back(it->path());
  }
}

fs::path RunDirectory::conflict_path() const {
  return target_.parent_path() /
         fmt::format("{}.conflict-{}", target_.filename().string(), ::getpid());
}

void RunDirectory::commit() {
  if (force_) {
    commit_replacing();
  } else {
    commit_without_replacing();
  }
  committed_ = true;
}

void RunDirectory::commit_without_replacing() {
  // The target may have been an empty directory at the start; rmdir removes it only while it is
  // still empty, so nothing that another run put there since can be lost.
  ::rmdir(target_.c_str());
  std::error_code error;
  const NoReplaceRename placed = rename_without_replacing(staging_, target_, error);
  if (placed == NoReplaceRename::done) return;
  committed_ = true;  // keep the staging directory: it holds the only copy of the results
  if (placed == NoReplaceRename::failed) {
    throw RunError(fmt::format("cannot move the results into {} ({}); they are in {}",
                               target_.string(), error.message(), staging_.string()));
  }
  const fs::path kept = conflict_path();
  const bool moved = rename_without_replacing(staging_, kept, error) == NoReplaceRename::done;
  throw RunError(fmt::format(
      "{} appeared while this run was working (another run into the same directory?), and "
      "aumtrain never replaces results without --force; this run's results are in {}: compare "
      "the two and keep one, or run again with --force",
      target_.string(), moved ? kept.string() : staging_.string()));
}

void RunDirectory::commit_replacing() {
  std::error_code error;
  // Another forced run may put its results in place or take them away at any moment: each try
  // either places ours where nothing is, or swaps ours with whatever is there.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const NoReplaceRename placed = rename_without_replacing(staging_, target_, error);
    if (placed == NoReplaceRename::done) return;
    if (placed == NoReplaceRename::failed) break;
    const int code = rename_with_flags(staging_, target_, RENAME_EXCHANGE);
    if (code == 0) {  // the earlier target is now at the staging path
      fs::remove_all(staging_, error);
      return;
    }
    if (flags_unsupported(code)) {
      // Move the earlier target aside under this process's own name, then put ours in place.
      const fs::path replaced = sibling(target_, "replaced");
      fs::remove_all(replaced, error);
      fs::rename(target_, replaced, error);
      if (error) break;
      fs::rename(staging_, target_, error);
      if (error) break;
      fs::remove_all(replaced, error);
      return;
    }
    if (code != ENOENT) {  // ENOENT: the target went away meanwhile; try again
      error = std::error_code(code, std::generic_category());
      break;
    }
  }
  committed_ = true;  // keep the staging directory: it holds the only copy of the results
  throw RunError(fmt::format("cannot move the results into {} ({}); they are in {}",
                             target_.string(),
                             error ? error.message() : "it kept changing under another run",
                             staging_.string()));
}

void write_file_atomically(const fs::path& file, std::string_view content) {
  const fs::path temporary = sibling(file, "writing");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw RunError(fmt::format("cannot write {}; check the disk space and permissions",
                                 file.string()));
    }
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) {
    fs::remove(temporary, error);
    throw RunError(fmt::format("cannot write {}: {}", file.string(), error.message()));
  }
}

void refuse_existing_file(const fs::path& file, bool force, std::string_view option) {
  std::error_code error;
  if (force || !fs::exists(file, error)) return;
  throw ConfigError(fmt::format(
      "{}: {} already exists; choose another file, move it away, or pass --force to replace it",
      option, file.string()));
}

StreamedFile::StreamedFile(const fs::path& file)
    : file_(file), temporary_(sibling(file, "writing")) {
  out_ = std::fopen(temporary_.c_str(), "wb");
  if (out_ == nullptr) {
    throw RunError(fmt::format("cannot write {}; check that its folder exists and can be written",
                               file.string()));
  }
}

StreamedFile::~StreamedFile() {
  if (out_ == nullptr) return;
  std::fclose(out_);
  std::error_code ignored;
  fs::remove(temporary_, ignored);
}

void StreamedFile::write(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out_);
}

void StreamedFile::commit() {
  const bool written = std::ferror(out_) == 0 && std::fflush(out_) == 0;
  const bool closed = std::fclose(out_) == 0;
  out_ = nullptr;
  std::error_code error;
  if (!written || !closed) {
    fs::remove(temporary_, error);
    throw RunError(fmt::format("cannot write {}; check the disk space and permissions",
                               file_.string()));
  }
  fs::rename(temporary_, file_, error);
  if (error) {
    fs::remove(temporary_, error);
    throw RunError(fmt::format("cannot write {}: {}", file_.string(), error.message()));
  }
}

}  // namespace aumtrain
