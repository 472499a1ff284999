// RunDirectory: the removal of staging folders that killed runs left behind.
#include "aumtrain/io/run_directory.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& file, const std::string& text) {
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

TEST(RunDirectory, RemovesStagingFoldersOfEndedProcessesOnly) {
  testing::TempDir dir;
  const fs::path target = dir.path() / "a";
  const fs::path dead = dir.path() / (".a.partial-" + std::to_string(id_of_ended_process()));
  const fs::path alive = dir.path() / (".a.partial-" + std::to_string(::getppid()));
  const fs::path other_target = dir.path() / ".b.partial-999999999";
  for (const fs::path& folder : {dead, alive, other_target}) {
    fs::create_directory(folder);
    write_text(folder / "learning_curves.csv", "x");
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
