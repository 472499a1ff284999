// What happens around a run: a reader of its output that goes away, staging folders that killed
// runs left behind, and two runs into one directory at once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

std::string contents_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Sonar with one loss and one step size, written to `out` in the working directory; the
// iterations set how long it runs.
std::string one_run_config(int iterations) {
  return "name: sonar\n"
         "data: {path: " AUMTRAIN_SOURCE_DIR "/datasets/sonar.csv, label: label}\n"
         "split: {seeds: [1]}\n"
         "train: {losses: [{name: logistic}], step_sizes: [0.1], max_iterations: " +
         std::to_string(iterations) +
         "}\n"
         "output: {directory: out, log_every: 1, plots: false}\n";
}

std::vector<std::string> hidden_staging_folders(const fs::path& directory) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".partial-") != std::string::npos) found.push_back(name);
  }
  return found;
}

// Runs aumtrain in `directory` with standard output (and standard error too, unless `err_file`
// is given) on a pipe whose reading end is already closed: every write to it fails. SIGPIPE is
// left at its default, as a shell leaves it. Returns the wait status.
int run_into_closed_pipe(const fs::path& directory, const std::vector<std::string>& arguments,
                         const fs::path& err_file = {}) {
  int ends[2];
  if (pipe(ends) != 0) return -1;
  close(ends[0]);
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    if (chdir(directory.c_str()) != 0) _exit(120);
    dup2(ends[1], STDOUT_FILENO);
    if (err_file.empty()) {
      dup2(ends[1], STDERR_FILENO);
    } else if (!freopen(err_file.c_str(), "w", stderr)) {
      _exit(121);
    }
    std::vector<char*> argv = {const_cast<char*>("aumtrain")};
    for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(AUMTRAIN_EXECUTABLE, argv.data());
    _exit(122);
  }
  close(ends[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(BrokenPipe, AReaderThatWentAwayDoesNotKillTheRun) {
  testing::TempDir dir;
  dir.write("c.yaml", one_run_config(20));
  const int status = run_into_closed_pipe(dir.path(), {"train", "c.yaml", "-v"});
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  // The run finished and is in place; only printing its table failed.
  EXPECT_EQ(WEXITSTATUS(status), 4);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "comparison.csv"));
  EXPECT_TRUE(hidden_staging_folders(dir.path()).empty());
}

TEST(BrokenPipe, AFailedPrintSaysWhereTheResultsAre) {
  testing::TempDir dir;
  dir.write("c.yaml", one_run_config(20));
  const fs::path err = dir.path() / "err.txt";
  const int status = run_into_closed_pipe(dir.path(), {"train", "c.yaml"}, err);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 4);
  const std::string message = contents_of(err);
  EXPECT_NE(message.find("error: cannot write the results to standard output (Broken pipe); "
                         "they are saved in " + (dir.path() / "out").string()),
            std::string::npos)
      << message;
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "comparison.csv"));
}

TEST(StaleStaging, ARunRemovesTheStagingFolderOfAKilledRun) {
  testing::TempDir dir;
  dir.write("c.yaml", one_run_config(5));
  // A process that has ended: its id names no process now.
  const pid_t ended = fork();
  if (ended == 0) _exit(0);
  waitpid(ended, nullptr, 0);
  const fs::path stale = dir.path() / (".out.partial-" + std::to_string(ended));
  fs::create_directory(stale);
  dir.write(".out.partial-" + std::to_string(ended) + "/learning_curves.csv", "dataset\n");

  const auto result = testing::run_aumtrain("train c.yaml", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_NE(result.err.find("removed " + stale.string() +
                            ", left behind by an earlier run that was killed"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(hidden_staging_folders(dir.path()).empty());
}

// Waits until each child has created its staging folder (it has passed the check that the
// target is free) and stops it there, then lets them all go on; false if one ended first.
bool hold_until_all_staged(const fs::path& directory, const std::vector<pid_t>& pids) {
  std::vector<bool> stopped(pids.size(), false);
  bool all_staged = false;
  for (int wait = 0; wait < 60000 && !all_staged; ++wait) {
    all_staged = true;
    for (std::size_t k = 0; k < pids.size(); ++k) {
      if (stopped[k]) continue;
      if (fs::exists(directory / (".out.partial-" + std::to_string(pids[k])))) {
        stopped[k] = kill(pids[k], SIGSTOP) == 0;
      } else if (waitpid(pids[k], nullptr, WNOHANG) == pids[k]) {
        return false;
      }
      all_staged = all_staged && stopped[k];
    }
    if (!all_staged) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (pid_t pid : pids) kill(pid, SIGCONT);
  return all_staged;
}

TEST(ConcurrentRuns, TheSecondRunIntoOneDirectoryKeepsItsResultsBeside) {
  testing::TempDir dir;
  dir.write("c.yaml", one_run_config(10000));
  const fs::path err[2] = {dir.path() / "err0.txt", dir.path() / "err1.txt"};
  std::vector<pid_t> pids;
  for (const fs::path& file : err) {
    pids.push_back(
        testing::start_aumtrain(dir.path(), {"train", "c.yaml", "--threads", "1"}, file));
  }
  // Both have checked that out/ is free before either may finish.
  const bool staged = hold_until_all_staged(dir.path(), pids);
  int codes[2] = {-1, -1};
  for (int k = 0; k < 2; ++k) {
    int status = 0;
    waitpid(pids[k], &status, 0);
    codes[k] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ASSERT_TRUE(staged) << contents_of(err[0]) << contents_of(err[1]);
  ASSERT_EQ(codes[0] + codes[1], 4) << contents_of(err[0]) << contents_of(err[1]);  // one 0, one 4
  const int loser = codes[0] == 4 ? 0 : 1;
  const fs::path kept = dir.path() / ("out.conflict-" + std::to_string(pids[loser]));
  const std::string message = contents_of(err[loser]);
  EXPECT_NE(message.find("appeared while this run was working"), std::string::npos) << message;
  EXPECT_NE(message.find("this run's results are in " + kept.string()), std::string::npos)
      << message;
  // Both results are complete, each in its own folder; nothing is left half-way.
  for (const fs::path& run : {dir.path() / "out", kept}) {
    EXPECT_NE(contents_of(run / "comparison.csv").find("sonar,NA,1,logistic,constant,0.1,"),
              std::string::npos)
        << run;
    EXPECT_NE(contents_of(run / "run_info.json").find("\"status\": \"completed\""),
              std::string::npos)
        << run;
  }
  EXPECT_TRUE(hidden_staging_folders(dir.path()).empty());
}

}  // namespace
}  // namespace aumtrain
