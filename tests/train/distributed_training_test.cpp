// Training on a dataset spread over ranks against training on all of it in one process, to the
// bit: the split's sets, the feature map, every recorded iteration and the best model. Built
// into the test suite (one rank) and into aumtrain_mpi_tests, which ctest starts under mpirun
// with 1, 2 and 3 ranks: every rank builds the same dataset and keeps a share of its rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "aumtrain/core/communicator.hpp"
#include "aumtrain/data/split.hpp"
#include "aumtrain/model/decision_threshold.hpp"
#include "aumtrain/train/optimizer.hpp"
#include "aumtrain/train/trainer.hpp"

namespace aumtrain {
namespace {

// n rows of `cols` features: a noisy linear signal, about one row in five positive, features
// rounded to a few digits so that some scores tie.
Dataset noisy_dataset(std::size_t n, std::size_t cols, std::uint64_t seed) {
  Dataset d;
  d.name = "noisy";
  for (std::size_t j = 0; j < cols; ++j) d.feature_names.push_back("x" + std::to_string(j));
  d.features.cols = cols;
  d.features.rows = n;
  SplitMix64 rng(seed);
  for (std::size_t i = 0; i < n; ++i) {
    double signal = 0;
    for (std::size_t j = 0; j < cols; ++j) {
      const double x = std::round(rng.normal() * 8.0) / 8.0;
      d.features.values.push_back(x);
      signal += (j % 2 ? -0.5 : 1.0) * x;
    }
    d.is_positive.push_back(signal + 1.5 * rng.normal() > 2.0);
    d.row_id.push_back(static_cast<std::uint32_t>(i));
    d.line.push_back(i + 2);
  }
  d.center.assign(cols, 0.0);
  d.scale.assign(cols, 1.0);
  return d;
}

// Rows [begin, end) of `d`, as one rank's share.
Dataset share_of(const Dataset& d, std::size_t begin, std::size_t end) {
  Dataset s = d;
  const std::size_t cols = d.features.cols;
  s.features.values.assign(d.features.values.begin() + static_cast<std::ptrdiff_t>(begin * cols),
                           d.features.values.begin() + static_cast<std::ptrdiff_t>(end * cols));
  s.features.rows = end - begin;
  auto slice = [&](auto& v) {
    v.assign(v.begin() + static_cast<std::ptrdiff_t>(begin),
             v.begin() + static_cast<std::ptrdiff_t>(end));
  };
  slice(s.is_positive);
  slice(s.row_id);
  slice(s.line);
  return s;
}

LabeledRows rows_of(const Dataset& d, const SetRows& set) {
  return {MatrixView(d.features.row(set.begin), static_cast<Eigen::Index>(set.size()),
                     static_cast<Eigen::Index>(d.features.cols)),
          &set.targets};
}

TrainingData training_data(const Dataset& d, const PreparedSplit& split) {
  return {rows_of(d, split.subtrain), rows_of(d, split.validation), rows_of(d, split.test),
          &split.feature_map};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_same_metrics(const SetMetrics& a, const SetMetrics& b, const std::string& where) {
  EXPECT_TRUE(same_bits(a.loss, b.loss)) << where << " loss " << a.loss << " vs " << b.loss;
  EXPECT_TRUE(same_bits(a.aum, b.aum)) << where << " aum " << a.aum << " vs " << b.aum;
  EXPECT_TRUE(same_bits(a.auc, b.auc)) << where << " auc " << a.auc << " vs " << b.auc;
}

struct Case {
  const char* loss;
  const char* optimizer;
};

TEST(DistributedTraining, EveryRankCountGivesTheOneProcessRunToTheBit) {
  Communicator& world = world_communicator();
  const int ranks = world.size(), rank = world.rank();
  // 3 blocks of subtrain rows, 2 of validation, and one of test and rows left out.
  const std::size_t n = 40000;
  const Dataset whole = noisy_dataset(n, 6, 11);
  SplitConfig config;
  config.test = 0.2;
  config.validation = 0.3;
  // Uneven shares: later ranks hold more.
  const auto r = static_cast<std::size_t>(rank), p = static_cast<std::size_t>(ranks);
  const Dataset share = share_of(whole, n * r * r / (p * p), n * (r + 1) * (r + 1) / (p * p));

  const Case cases[] = {{"aum", "constant"},      {"aum", "line_search"},
                        {"logistic", "constant"}, {"logistic", "line_search"},
                        {"logistic_balanced", "line_search"},
                        {"squared_hinge_all_pairs", "constant"},
                        {"squared_hinge_all_pairs", "line_search"}};
  for (const std::optional<double> positive_fraction : {std::optional<double>{}, std::optional{0.1}}) {
    Dataset one = whole;
    const PreparedSplit split = prepare_split(one, config, 3, positive_fraction);
    const SharedSplit shared = prepare_shared_split(share, config, 3, positive_fraction, world);
    // The same sets: every rank's rows of each set, in order, are the one-process set.
    for (SetName set : kAllSets) {
      const SetRows& mine = shared.split.set(set);
      std::vector<std::uint32_t> ids(shared.rows.row_id.begin() + static_cast<std::ptrdiff_t>(mine.begin),
                                     shared.rows.row_id.begin() + static_cast<std::ptrdiff_t>(mine.end));
      std::vector<std::size_t> counts;
      const std::vector<std::uint32_t> all = world.allgatherv(std::span<const std::uint32_t>(ids), counts);
      const SetRows& expected = split.set(set);
      EXPECT_EQ(all, std::vector<std::uint32_t>(one.row_id.begin() + static_cast<std::ptrdiff_t>(expected.begin),
                                                one.row_id.begin() + static_cast<std::ptrdiff_t>(expected.end)))
          << set_name(set);
      EXPECT_EQ(mine.targets.positive_count, expected.targets.positive_count);
      EXPECT_EQ(mine.targets.negative_count, expected.targets.negative_count);
    }
    for (Eigen::Index j = 0; j < split.feature_map.multiplier.size(); ++j) {
      EXPECT_TRUE(same_bits(shared.split.feature_map.multiplier[j], split.feature_map.multiplier[j]));
      EXPECT_TRUE(same_bits(shared.split.feature_map.offset[j], split.feature_map.offset[j]));
    }
    EXPECT_EQ(shared.split.warnings, split.warnings);

    const TrainingData one_data = training_data(one, split);
    const TrainingData spread_data = training_data(shared.rows, shared.split);
    for (const Case& c : cases) {
      const std::string name = std::string(c.loss) + " " + c.optimizer +
                               (positive_fraction ? " 0.1" : " as is");
      LossSpec loss_spec;
      loss_spec.name = c.loss;
      OptimizerSpec optimizer_spec;
      optimizer_spec.name = c.optimizer;
      TrainerParams params;
      params.max_iterations = 12;
      params.log_every = 1;
      auto run = [&](const TrainingData& data) {
        auto loss = make_loss(loss_spec);
        auto optimizer = optimizer_maker(c.optimizer).make(optimizer_spec, 0.5);
        return train_linear_model(data, *loss, *optimizer, params);
      };
      const TrainResult expected = run(one_data);
      const TrainResult got = run(spread_data);
      EXPECT_EQ(got.status, expected.status) << name;
      EXPECT_EQ(got.iterations, expected.iterations) << name;
      EXPECT_EQ(got.best_iteration, expected.best_iteration) << name;
      EXPECT_TRUE(same_bits(got.best_validation_auc, expected.best_validation_auc)) << name;
      ASSERT_EQ(got.curve.size(), expected.curve.size()) << name;
      for (std::size_t k = 0; k < got.curve.size(); ++k) {
        const std::string at = name + ", iteration " + std::to_string(expected.curve[k].iteration);
        EXPECT_EQ(got.curve[k].iteration, expected.curve[k].iteration) << at;
        expect_same_metrics(got.curve[k].subtrain, expected.curve[k].subtrain, at + " subtrain");
        expect_same_metrics(got.curve[k].validation, expected.curve[k].validation, at + " validation");
        expect_same_metrics(got.curve[k].test, expected.curve[k].test, at + " test");
        EXPECT_TRUE(same_bits(got.curve[k].step, expected.curve[k].step) ||
                    (std::isnan(got.curve[k].step) && std::isnan(expected.curve[k].step)))
            << at;
      }
      for (Eigen::Index j = 0; j < expected.best_model.weights.size(); ++j) {
        EXPECT_TRUE(same_bits(got.best_model.weights[j], expected.best_model.weights[j])) << name;
      }
      EXPECT_TRUE(same_bits(got.best_model.intercept, expected.best_model.intercept)) << name;
      expect_same_metrics(got.best_test, expected.best_test, name + " best test");
      EXPECT_TRUE(same_bits(got.best_test_score_sd, expected.best_test_score_sd)) << name;
      // The decision threshold of the best model on subtrain.
      auto threshold = [&](const TrainingData& data) {
        std::vector<double> scores(static_cast<std::size_t>(data.subtrain.features.rows()));
        expected.best_model.scores(data.subtrain.features, *data.feature_map, scores);
        return decision_threshold(scores, *data.subtrain.targets);
      };
      const DecisionThreshold one_cut = threshold(one_data), spread_cut = threshold(spread_data);
      EXPECT_TRUE(same_bits(spread_cut.threshold, one_cut.threshold)) << name;
      EXPECT_TRUE(same_bits(spread_cut.false_positives, one_cut.false_positives)) << name;
      EXPECT_TRUE(same_bits(spread_cut.false_negatives, one_cut.false_negatives)) << name;
      // The run really moved away from its start.
      EXPECT_GT(expected.best_model.weights.norm(), 0) << name;
    }
  }
}

TEST(DistributedTraining, KthSmallestKeyOverRanksIsTheSortedKey) {
  Communicator& world = world_communicator();
  std::vector<std::uint64_t> all;
  for (std::uint64_t id = 0; id < 5000; ++id) all.push_back(split_key(9, id));
  // A few keys that share their top 48 bits, so that the last rounds decide.
  for (std::uint64_t low = 0; low < 40; ++low) all.push_back((0x123456789ABCULL << 16) | (low * 1601 % 65536));
  std::vector<std::uint64_t> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  // Rank r holds every P-th key, from the r-th.
  std::vector<std::uint64_t> mine;
  for (std::size_t i = static_cast<std::size_t>(world.rank()); i < all.size();
       i += static_cast<std::size_t>(world.size())) {
    mine.push_back(all[i]);
  }
  for (const std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{2499}, sorted.size() - 1}) {
    EXPECT_EQ(kth_smallest_key(world, mine, k), sorted[k]) << k;
  }
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    if (sorted[k] >> 16 == 0x123456789ABCULL) {
      EXPECT_EQ(kth_smallest_key(world, mine, k), sorted[k]);
    }
  }
  EXPECT_THROW(kth_smallest_key(world, mine, sorted.size()), std::invalid_argument);
}

}  // namespace
}  // namespace aumtrain
