// run_experiment in runs-parallel mode over the ranks of aumtrain_mpi_tests (mpirun with 1, 2
// and 3 ranks): rank 0 reports the bits one process reports, the runs are dealt out, a failure
// on one rank ends every rank, and a stop request on one rank stops them all.
#include <gtest/gtest.h>

#include <bit>
#include <mutex>
#include <set>
#include <string>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/train/experiment.hpp"
#include "aumtrain/train/run_record_codec.hpp"

namespace aumtrain {
namespace {

// sonar, two seeds, two losses, both optimizers: 8 runs per seed.
std::vector<ExperimentConfig> small_experiment() {
  ExperimentConfig config;
  config.name = "small";
  config.source = "small.yaml";
  config.datasets = {{"sonar", {}}};
  DataConfig& data = config.datasets[0].data;
  data.path = std::string(AUMTRAIN_SOURCE_DIR) + "/datasets/sonar.csv";
  data.label = "label";
  config.split.seeds = {1, 2};
  config.train.losses = {LossSpec{.name = "aum"}, LossSpec{.name = "logistic"}};
  config.train.optimizers = {
      OptimizerSpec{.name = "constant", .step_sizes = {0.01, 0.1, 1}, .max_iterations = {}},
      OptimizerSpec{.name = "line_search", .max_iterations = 10}};
  config.train.max_iterations = 25;
  return {config};
}

constexpr std::size_t kRunsPerSeed = 8;

// The record's bytes without its timings: equal bytes are equal fields, to the bit.
std::vector<std::byte> untimed_bytes(RunRecord record) {
  record.result.seconds = 0;
  record.result.seconds_to_best = 0;
  for (IterationRecord& it : record.result.curve) it.seconds = 0;
  std::vector<std::byte> bytes;
  append_run_record(bytes, 0, record);
  return bytes;
}

std::uint64_t bits_of(double value) { return std::bit_cast<std::uint64_t>(value); }

void expect_same_selection(const Selection& a, const Selection& b) {
  const std::string what = describe(a.key);
  EXPECT_EQ(describe(a.key), describe(b.key));
  EXPECT_EQ(a.iteration, b.iteration) << what;
  EXPECT_EQ(bits_of(a.validation_auc), bits_of(b.validation_auc)) << what;
  EXPECT_EQ(bits_of(a.test.auc), bits_of(b.test.auc)) << what;
  EXPECT_EQ(bits_of(a.test.aum), bits_of(b.test.aum)) << what;
  EXPECT_EQ(bits_of(a.test.loss), bits_of(b.test.loss)) << what;
  EXPECT_EQ(bits_of(a.test_score_sd), bits_of(b.test_score_sd)) << what;
  ASSERT_EQ(a.model.weights.size(), b.model.weights.size()) << what;
  for (Eigen::Index i = 0; i < a.model.weights.size(); ++i) {
    EXPECT_EQ(bits_of(a.model.weights[i]), bits_of(b.model.weights[i])) << what << " weight " << i;
  }
  EXPECT_EQ(bits_of(a.model.intercept), bits_of(b.model.intercept)) << what;
  EXPECT_EQ(bits_of(a.threshold.threshold), bits_of(b.threshold.threshold)) << what;
  EXPECT_EQ(a.runs, b.runs) << what;
  EXPECT_EQ(a.diverged_runs, b.diverged_runs) << what;
  EXPECT_EQ(a.interrupted, b.interrupted) << what;
}

TEST(RunsParallelExperiment, RankZeroReportsWhatOneProcessReports) {
  Communicator& world = world_communicator();
  const std::vector<ExperimentConfig> configs = small_experiment();
  // Every rank alone first: the one-process reference.
  std::vector<RunRecord> alone_runs;
  ExperimentEvents alone_events;
  alone_events.run_finished = [&](const RunRecord& record) { alone_runs.push_back(record); };
  ExperimentOptions alone;
  alone.threads = 1;
  const ExperimentOutcome expected = run_experiment(configs, alone, alone_events);
  ASSERT_EQ(alone_runs.size(), 2 * kRunsPerSeed);

  std::vector<RunRecord> reported;
  std::set<std::string> trained_here;  // the runs whose progress this rank saw
  std::mutex mutex;
  ExperimentEvents events;
  events.run_finished = [&](const RunRecord& record) { reported.push_back(record); };
  events.progress = [&](const RunKey& key, int, int, double) {
    std::lock_guard lock(mutex);
    trained_here.insert(describe(key));
  };
  ExperimentOptions over_ranks;
  over_ranks.threads = 1;
  over_ranks.communicator = &world;
  over_ranks.parallel = ParallelMode::runs;
  const ExperimentOutcome outcome = run_experiment(configs, over_ranks, events);
  EXPECT_FALSE(outcome.interrupted);
  if (world.rank() != 0) {
    // The other ranks fire no events and hold no selections.
    EXPECT_TRUE(outcome.selections.empty());
    EXPECT_TRUE(reported.empty());
    EXPECT_TRUE(trained_here.empty());
    return;
  }
  // Rank 0 trained its share only: runs 0, P, 2P, ... of each seed's 8.
  const auto ranks = static_cast<std::size_t>(world.size());
  EXPECT_EQ(trained_here.size(), 2 * ((kRunsPerSeed + ranks - 1) / ranks));
  // ... and reports every run, in the grid's order, with the one process's bits.
  ASSERT_EQ(reported.size(), alone_runs.size());
  for (std::size_t i = 0; i < reported.size(); ++i) {
    EXPECT_TRUE(untimed_bytes(reported[i]) == untimed_bytes(alone_runs[i]))
        << "run " << i << ": " << describe(alone_runs[i].key);
  }
  ASSERT_EQ(outcome.selections.size(), expected.selections.size());
  ASSERT_EQ(outcome.selections.size(), 8u);
  for (std::size_t i = 0; i < outcome.selections.size(); ++i) {
    expect_same_selection(outcome.selections[i], expected.selections[i]);
  }
}

TEST(RunsParallelExperiment, AFailureOnRankZeroEndsEveryRank) {
  Communicator& world = world_communicator();
  ExperimentEvents events;
  // Only rank 0 fires events: the others learn of its failure from the collective check.
  events.run_finished = [](const RunRecord&) { throw RunError("the disk is full"); };
  ExperimentOptions options;
  options.threads = 1;
  options.communicator = &world;
  try {
    run_experiment(small_experiment(), options, events);
    FAIL() << "rank " << world.rank() << " went on";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              world.size() == 1 ? "the disk is full" : "rank 0: the disk is full");
    EXPECT_EQ(error.exit_code(), ExitCode::run_failed);
  }
  // The ranks are still in step.
  EXPECT_TRUE(world.all(true));
}

TEST(RunsParallelExperiment, AStopOnTheLastRankStopsEveryRank) {
  Communicator& world = world_communicator();
  std::atomic<bool> stop{world.rank() == world.size() - 1};
  ExperimentOptions options;
  options.threads = 1;
  options.communicator = &world;
  options.stop = &stop;
  const ExperimentOutcome outcome = run_experiment(small_experiment(), options, {});
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_TRUE(outcome.selections.empty());
  EXPECT_TRUE(world.all(true));
}

}  // namespace
}  // namespace aumtrain
