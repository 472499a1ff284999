// RunDirectory: staging, committing without replacing what appeared meanwhile, forced
// replacement in one step, and the removal of staging folders that killed runs left behind.
#include "aumtrain/io/run_directory.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

std::string read_result_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_result_file(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// The id of a process that has just ended (and been reaped), so that no process has it.
pid_t id_of_ended_process() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

std::size_t entries_in_folder(const fs::path& directory) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(directory), fs::directory_iterator{}));
}

TEST(RunDirectory, CommitMovesTheStagingFolderIntoPlace) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "runs" / "a";
  {
    RunDirectory run(target, false);
    EXPECT_EQ(run.staging().parent_path(), target.parent_path());
    write_result_file(run.staging() / "result.txt", "new");
    run.commit();
  }
  EXPECT_EQ(read_result_file(target / "result.txt"), "new");
  EXPECT_EQ(entries_in_folder(target.parent_path()), 1u);  // no staging folder left
}

TEST(RunDirectory, NeverReplacesATargetThatAppearedMeanwhile) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "a";
  RunDirectory run(target, false);
  write_result_file(run.staging() / "result.txt", "mine");
  fs::create_directory(target);  // another run committed first
  write_result_file(target / "result.txt", "theirs");
  try {
    run.commit();
    FAIL() << "commit replaced a directory that appeared meanwhile";
  } catch (const RunError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("appeared while this run was working"), std::string::npos) << message;
    EXPECT_NE(message.find(run.conflict_path().string()), std::string::npos) << message;
  }
  EXPECT_EQ(read_result_file(target / "result.txt"), "theirs");
  EXPECT_EQ(run.conflict_path(), dir.path() / ("a.conflict-" + std::to_string(::getpid())));
  EXPECT_EQ(read_result_file(run.conflict_path() / "result.txt"), "mine");
  EXPECT_FALSE(fs::exists(run.staging()));
}

TEST(RunDirectory, TakesTheTargetWhileItIsStillAnEmptyDirectory) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "a";
  fs::create_directory(target);
  RunDirectory run(target, false);
  write_result_file(run.staging() / "result.txt", "mine");
  run.commit();
  EXPECT_EQ(read_result_file(target / "result.txt"), "mine");
}

TEST(RunDirectory, ForceSwapsTheEarlierTargetOutAndLeavesNoSibling) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "a";
  fs::create_directory(target);
  write_result_file(target / "old.txt", "old");
  {
    RunDirectory run(target, true);
    write_result_file(run.staging() / "result.txt", "new");
    run.commit();
  }
  EXPECT_EQ(read_result_file(target / "result.txt"), "new");
  EXPECT_FALSE(fs::exists(target / "old.txt"));
  EXPECT_EQ(entries_in_folder(dir.path()), 1u);
}

TEST(RunDirectory, ForceReplacesATargetThatAppearedMeanwhile) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "a";
  RunDirectory run(target, true);
  write_result_file(run.staging() / "result.txt", "new");
  fs::create_directory(target);
  write_result_file(target / "result.txt", "other");
  run.commit();
  EXPECT_EQ(read_result_file(target / "result.txt"), "new");
  EXPECT_EQ(entries_in_folder(dir.path()), 1u);
}

TEST(RunDirectory, RemovesStagingFoldersOfEndedProcessesOnly) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "a";
  const fs::path dead = dir.path() / (".a.partial-" + std::to_string(id_of_ended_process()));
  const fs::path alive = dir.path() / (".a.partial-" + std::to_string(::getppid()));
  const fs::path other_target = dir.path() / ".b.partial-999999999";
  for (const fs::path& folder : {dead, alive, other_target}) {
    fs::create_directory(folder);
    write_result_file(folder / "learning_curves.csv", "x");
  }
  RunDirectory run(target, false);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));         // its process still runs
  EXPECT_TRUE(fs::exists(other_target));  // not a staging folder of this target
  ASSERT_EQ(run.stale_staging_removed().size(), 1u);
  EXPECT_EQ(run.stale_staging_removed().front(), dead);
}

}  // namespace
}  // namespace aumtrain
