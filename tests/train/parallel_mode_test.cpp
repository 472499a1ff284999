// train.parallel: the rule that picks how ranks share an experiment, with injected numbers, and
// its decision over the ranks. In the test suite (one rank) and under mpirun with 1, 2 and 3
// ranks in aumtrain_mpi_tests.
#include "aumtrain/train/parallel_mode.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

constexpr std::size_t kGiB = std::size_t{1} << 30;

TEST(ParallelMode, TheRuleWithInjectedNumbers) {
  struct Case {
    const char* what;
    ParallelMode asked;
    int ranks;
    MemoryOutlook outlook;
    ParallelMode expected;
  };
  const double gib = static_cast<double>(kGiB);
  const Case cases[] = {
      {"one rank always runs everything itself", ParallelMode::data, 1, {100 * gib, kGiB, 1},
       ParallelMode::runs},
      {"one rank, auto, huge data", ParallelMode::automatic, 1, {100 * gib, kGiB, 1},
       ParallelMode::runs},
      {"data as asked", ParallelMode::data, 2, {1.0, 64 * kGiB, 2}, ParallelMode::data},
      {"runs as asked", ParallelMode::runs, 2, {100 * gib, kGiB, 2}, ParallelMode::runs},
      // 16 GiB over 4 ranks on the host: 4 GiB each, a quarter of it 1 GiB.
      {"auto, exactly a quarter of the share", ParallelMode::automatic, 4, {gib, 16 * kGiB, 4},
       ParallelMode::runs},
      {"auto, a byte over a quarter of the share", ParallelMode::automatic, 4,
       {gib + 1, 16 * kGiB, 4}, ParallelMode::data},
      {"auto, the same data with 2 ranks on the host", ParallelMode::automatic, 4,
       {gib + 1, 16 * kGiB, 2}, ParallelMode::runs},
      {"auto, ranks on other hosts do not share the memory", ParallelMode::automatic, 64,
       {gib, 16 * kGiB, 1}, ParallelMode::runs},
      {"auto, small data", ParallelMode::automatic, 2, {1e6, 8 * kGiB, 2}, ParallelMode::runs},
      {"auto, large data that cannot be spread (libsvm, sparse, categorical)",
       ParallelMode::automatic, 4, {gib + 1, 16 * kGiB, 4, false}, ParallelMode::runs},
      {"auto, available memory unknown", ParallelMode::automatic, 2, {100 * gib, 0, 2},
       ParallelMode::runs},
      {"auto, no ranks on the host given", ParallelMode::automatic, 2, {gib + 1, 4 * kGiB, 0},
       ParallelMode::data},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(choose_parallel_mode(c.asked, c.ranks, c.outlook), c.expected) << c.what;
  }
}

TEST(ParallelMode, MemoryEstimateIsTwiceTheFileSize) {
  testing::TempDir dir;
  DataConfig data;
  data.path = dir.write("d.csv", std::string(1000, 'x'));
  EXPECT_EQ(estimated_memory_bytes(data), 2000.0);
  data.path = (dir.path() / "missing.csv").string();
  EXPECT_EQ(estimated_memory_bytes(data), 0.0);
}

ExperimentConfig config_asking(ParallelMode mode, const std::string& source) {
  ExperimentConfig config;
  config.source = source;
  config.train.parallel = mode;
  return config;
}

TEST(ParallelMode, ConfigsComparedTogetherAskForOneMode) {
  using enum ParallelMode;
  EXPECT_EQ(asked_parallel_mode({}), automatic);
  EXPECT_EQ(asked_parallel_mode({config_asking(automatic, "a.yaml")}), automatic);
  EXPECT_EQ(asked_parallel_mode({config_asking(automatic, "a.yaml"), config_asking(runs, "b.yaml"),
                                 config_asking(runs, "c.yaml")}),
            runs);
  try {
    asked_parallel_mode({config_asking(data, "a.yaml"), config_asking(automatic, "b.yaml"),
                         config_asking(runs, "c.yaml")});
    FAIL() << "two explicit modes were accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "train.parallel: a.yaml gives data and c.yaml gives runs; configs compared "
              "together share their ranks one way: give them the same train.parallel (or auto)");
  }
}

TEST(ParallelMode, EveryRankGetsRankZerosDecision) {
  Communicator& world = world_communicator();
  using enum ParallelMode;
  const std::vector<ExperimentConfig> asked_runs = {config_asking(runs, "a.yaml")};
  const std::vector<ExperimentConfig> asked_data = {config_asking(data, "a.yaml")};
  EXPECT_EQ(resolve_parallel_mode(asked_runs, world), runs);
  EXPECT_EQ(resolve_parallel_mode(asked_data, world), world.size() == 1 ? runs : data);
  // No datasets: auto is runs for every P.
  EXPECT_EQ(resolve_parallel_mode({config_asking(automatic, "a.yaml")}, world), runs);
  // A conflict throws the same error on every rank, and the ranks stay in step.
  EXPECT_THROW(resolve_parallel_mode({config_asking(data, "a.yaml"), config_asking(runs, "b.yaml")},
                                     world),
               Error);
  EXPECT_EQ(resolve_parallel_mode(asked_runs, world), runs);
}

// Sets an environment variable (or unsets it, for null) until the end of the scope.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedVariable() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ParallelMode, RanksOnThisHostComeFromTheLauncher) {
  struct Case {
    const char* openmpi;
    const char* mpich;
    int expected;
  };
  for (const Case& c : {Case{nullptr, nullptr, 1}, Case{"3", nullptr, 3}, Case{nullptr, "5", 5},
                        Case{"2", "5", 2}, Case{"0", "4", 4}, Case{"x", nullptr, 1}}) {
    const ScopedVariable openmpi("OMPI_COMM_WORLD_LOCAL_SIZE", c.openmpi);
    const ScopedVariable mpich("MPI_LOCALNRANKS", c.mpich);
    EXPECT_EQ(ranks_on_this_host(), c.expected)
        << (c.openmpi ? c.openmpi : "unset") << ", " << (c.mpich ? c.mpich : "unset");
  }
}

}  // namespace
}  // namespace aumtrain
