// aumtrain runs with OMP_WAIT_POLICY=passive unless the user chose how OpenMP threads wait.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

// The environment variables a running process was started with, "NAME=value" each.
std::vector<std::string> environment_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::vector<std::string> variables;
  for (std::string variable; std::getline(in, variable, '\0');) variables.push_back(variable);
  return variables;
}

std::optional<std::string> variable_in(const std::vector<std::string>& environment,
                                       const std::string& name) {
  for (const std::string& variable : environment) {
    if (variable.starts_with(name + "=")) return variable.substr(name.size() + 1);
  }
  return std::nullopt;
}

// Starts `aumtrain aum` on a named pipe with `name` set to `value` (or unset), reads the
// environment of the running process once it opens the pipe (by then it has started for good),
// and lets it finish. Returns OMP_WAIT_POLICY as the process has it.
std::optional<std::string> wait_policy_when(const char* name, const char* value) {
  testing::TempDir dir;
  const fs::path fifo = dir.path() / "scores.csv";
  EXPECT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const char* saved[] = {std::getenv("OMP_WAIT_POLICY"), std::getenv("GOMP_SPINCOUNT")};
  const std::string kept[] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : ""};
  unsetenv("OMP_WAIT_POLICY");
  unsetenv("GOMP_SPINCOUNT");
  if (name) setenv(name, value, 1);
  const pid_t pid = testing::start_aumtrain(dir.path(), {"aum", "scores.csv"}, dir.path() / "err");
  unsetenv("OMP_WAIT_POLICY");
  unsetenv("GOMP_SPINCOUNT");
  if (saved[0]) setenv("OMP_WAIT_POLICY", kept[0].c_str(), 1);
  if (saved[1]) setenv("GOMP_SPINCOUNT", kept[1].c_str(), 1);

  const int writer = open(fifo.c_str(), O_WRONLY);  // returns once aumtrain opened it to read
  const std::optional<std::string> policy = variable_in(environment_of(pid), "OMP_WAIT_POLICY");
  const std::string scores = "pred,label\n1,1\n0,0\n";
  EXPECT_EQ(write(writer, scores.data(), scores.size()), static_cast<ssize_t>(scores.size()));
  close(writer);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return policy;
}

TEST(OpenmpWaits, IdleThreadsSleepUnlessTheUserChoseOtherwise) {
#if defined(_OPENMP)
  EXPECT_EQ(wait_policy_when(nullptr, nullptr), "passive");
  EXPECT_EQ(wait_policy_when("OMP_WAIT_POLICY", "active"), "active");
  // A spin count of the user's own is kept as it is, with no policy added.
  EXPECT_EQ(wait_policy_when("GOMP_SPINCOUNT", "1000"), std::nullopt);
#else
  GTEST_SKIP() << "built without OpenMP";
#endif
}

}  // namespace
}  // namespace aumtrain
