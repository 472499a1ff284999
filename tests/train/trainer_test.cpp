#include "aumtrain/train/trainer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "aumtrain/train/experiment.hpp"
#include "test_helpers.hpp"
#include "train/toy_data.hpp"

namespace aumtrain {
namespace {

using testing::make_toy;
using testing::Toy;

std::unique_ptr<Optimizer> constant_step(double step_size) {
  return optimizer_maker("constant").make(OptimizerSpec{}, step_size);
}

// Trains with the constant optimizer at `step_size`.
TrainResult train_constant(const Toy& toy, Loss& loss, double step_size, const TrainerParams& params,
                           const ProgressCallback& progress = {}) {
  auto optimizer = constant_step(step_size);
  return train_linear_model(toy.data(), loss, *optimizer, params, progress);
}

TEST(Trainer, SmallStepLogisticDescentDecreasesTheLossEveryIteration) {
  const Toy toy = make_toy();
  LogisticLoss loss;
  TrainerParams params;
  params.max_iterations = 200;
  params.log_every = 1;
  const TrainResult r = train_constant(toy, loss, 0.05, params);
  ASSERT_EQ(r.status, RunStatus::completed);
  ASSERT_EQ(r.curve.size(), 201u);
  for (std::size_t t = 1; t < r.curve.size(); ++t) {
    EXPECT_LT(r.curve[t].subtrain.loss, r.curve[t - 1].subtrain.loss) << "iteration " << t;
  }
  EXPECT_NEAR(r.curve[0].subtrain.loss, std::log(2.0), 1e-14);  // w = 0, b = 0
}

TEST(Trainer, AumRaisesValidationAucAboveIterationZero) {
  const Toy toy = make_toy(4, 0.1);
  AumLoss loss(Denominator::rate);
  TrainerParams params;
  params.max_iterations = 50;
  const TrainResult r = train_constant(toy, loss, 0.1, params);
  EXPECT_EQ(r.curve[0].validation.auc, 0.5);  // w = 0: every score tied
  EXPECT_GT(r.best_validation_auc, 0.8);
  EXPECT_GT(r.best_iteration, 0);
  EXPECT_EQ(r.best_model.intercept, 0.0);  // AUM learns no intercept
  // The best model's validation AUC is what was recorded for it.
  std::vector<double> scores(100);
  r.best_model.scores(toy.data().validation.features, toy.map, scores);
  AumKernel kernel;
  EXPECT_EQ(kernel.summary(scores, toy.validation.targets.error_diffs, {1, 1}).auc,
            r.best_validation_auc);
}

TEST(Trainer, AumFromZeroGivesTheSameAucCurveAtEveryStepSize) {
  // AUM's gradient does not change when every score is scaled by the same positive factor, so
  // from w = 0 the iterates of step size a are a times those of step size 1, and AUC does not
  // see the scale.
  const Toy toy = make_toy();
  AumLoss loss(Denominator::rate);
  TrainerParams params;
  params.max_iterations = 30;
  const TrainResult one = train_constant(toy, loss, 1.0, params);
  const TrainResult quarter = train_constant(toy, loss, 0.25, params);
  for (std::size_t t = 0; t < one.curve.size(); ++t) {
    EXPECT_EQ(one.curve[t].validation.auc, quarter.curve[t].validation.auc) << "iteration " << t;
    EXPECT_NEAR(one.curve[t].weight_norm, 4 * quarter.curve[t].weight_norm,
                1e-9 * one.curve[t].weight_norm);
  }
}

TEST(Trainer, RecordsEveryLogEveryIterationsTheLastALogSpacedGridAndEveryNewBest) {
  const Toy toy = make_toy();
  LogisticLoss loss;
  TrainerParams params;
  params.max_iterations = 45;
  params.log_every = 20;
  const TrainResult r = train_constant(toy, loss, 0.5, params);
  // Every log_every-th iteration, the grid and the last one, and besides them exactly the
  // iterations whose validation AUC beats every earlier one.
  const std::vector<int> grid = {0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 45};
  std::vector<int> iterations;
  double best_auc = -1;
  for (const auto& record : r.curve) {
    iterations.push_back(record.iteration);
    const bool on_grid = std::find(grid.begin(), grid.end(), record.iteration) != grid.end();
    EXPECT_TRUE(on_grid || record.validation.auc > best_auc) << "iteration " << record.iteration;
    best_auc = std::max(best_auc, record.validation.auc);
    EXPECT_GT(record.test.auc, 0.0);
    EXPECT_GT(record.test.loss, 0.0);
  }
  for (int iteration : grid) {
    EXPECT_NE(std::find(iterations.begin(), iterations.end(), iteration), iterations.end())
        << "iteration " << iteration;
  }
  EXPECT_TRUE(std::is_sorted(iterations.begin(), iterations.end()));
}

TEST(Trainer, WithoutLogEveryRecordsOnlyTheGridTheBestsAndTheLast) {
  const Toy toy = make_toy();
  LogisticLoss loss;
  TrainerParams params;
  params.max_iterations = 90;
  const std::vector<int> grid = {0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 90};
  auto on_grid = [&](int iteration) {
    return std::find(grid.begin(), grid.end(), iteration) != grid.end();
  };
  // Iterations off the grid are recorded only when they are a new best validation AUC.
  const TrainResult plain = train_constant(toy, loss, 0.5, params);
  std::vector<int> iterations;
  double best_auc = -1;
  for (const auto& record : plain.curve) {
    iterations.push_back(record.iteration);
    EXPECT_TRUE(on_grid(record.iteration) || record.validation.auc > best_auc)
        << "iteration " << record.iteration;
    best_auc = std::max(best_auc, record.validation.auc);
  }
  for (int iteration : grid) {
    EXPECT_NE(std::find(iterations.begin(), iterations.end(), iteration), iterations.end())
        << "iteration " << iteration;
  }
  // log_every adds its multiples to exactly those.
  params.log_every = 15;
  const TrainResult every_15 = train_constant(toy, loss, 0.5, params);
  std::vector<int> expected = iterations;
  for (int iteration = 15; iteration <= 90; iteration += 15) expected.push_back(iteration);
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  std::vector<int> got;
  for (const auto& record : every_15.curve) got.push_back(record.iteration);
  EXPECT_EQ(got, expected);
}

TEST(Trainer, TheBestIterationIsAlwaysRecorded) {
  // With rows only every 1000 iterations, the record of the selected iteration is there all
  // the same, with the validation AUC that selected it.
  for (double step : {0.01, 0.3, 3.0}) {
    const Toy toy = make_toy(4, 0.1);
    BalancedLogisticLoss loss;
    TrainerParams params;
    params.max_iterations = 300;
    params.log_every = 1000;
    const TrainResult r = train_constant(toy, loss, step, params);
    const auto at_best = std::find_if(r.curve.begin(), r.curve.end(), [&](const auto& record) {
      return record.iteration == r.best_iteration;
    });
    ASSERT_NE(at_best, r.curve.end()) << "step " << step << ", best iteration " << r.best_iteration;
    EXPECT_EQ(at_best->validation.auc, r.best_validation_auc) << "step " << step;
    EXPECT_TRUE(std::isnan(r.curve.front().step));
    EXPECT_EQ(r.curve.back().step, step);
  }
}

TEST(Trainer, PatienceStopsEarly) {
  const Toy toy = make_toy();
  LogisticLoss loss;
  TrainerParams params;
  params.max_iterations = 1000;
  params.patience = 5;
  const TrainResult r = train_constant(toy, loss, 1.0, params);
  EXPECT_EQ(r.status, RunStatus::stopped_early);
  EXPECT_EQ(r.iterations, r.best_iteration + 5);
}

// One feature on which both classes are separated in every set: negatives below 0, positives
// above.
testing::ToySet separated_set(const std::vector<double>& negatives,
                              const std::vector<double>& positives) {
  testing::ToySet set;
  set.features.resize(static_cast<Eigen::Index>(negatives.size() + positives.size()), 1);
  std::vector<double> labels;
  Eigen::Index row = 0;
  for (const auto& [values, label] : {std::pair{&negatives, 0.0}, std::pair{&positives, 1.0}}) {
    for (double x : *values) {
      set.features(row++, 0) = x;
      labels.push_back(label);
    }
  }
  set.targets = make_binary_targets(labels);
  return set;
}

TEST(Trainer, AFlatTopOfValidationAucSelectsItsFirstIterationAndPatienceCountsFromIt) {
  // From w = 0 (every score tied, AUC 0.5) the first logistic step gives the feature a
  // positive weight, which ranks the validation set perfectly; every later step keeps it
  // positive, so validation AUC is 1 from iteration 1 on. The first step, worked by hand: at
  // s = 0 each example's dL/ds is -z / (2 n), so dL/dw = -(1 + 2 + 3 + 1 + 2 + 3) / 12 = -1, the
  // intercept's derivative is 0, and a step of 0.5 gives w = 0.5.
  const Toy toy{separated_set({-1, -2, -3}, {1, 2, 3}),
                separated_set({-2, -0.5, -1}, {0.3, 1, 2.5}), separated_set({-1, -0.2}, {0.1, 4}),
                FeatureMap::identity(1)};
  LogisticLoss loss;
  TrainerParams params;
  params.max_iterations = 40;
  params.log_every = 1;
  const TrainResult flat = train_constant(toy, loss, 0.5, params);
  ASSERT_EQ(flat.status, RunStatus::completed);
  ASSERT_EQ(flat.curve.size(), 41u);
  EXPECT_EQ(flat.curve[0].validation.auc, 0.5);
  for (std::size_t t = 1; t < flat.curve.size(); ++t) {
    EXPECT_EQ(flat.curve[t].validation.auc, 1.0) << "iteration " << t;
  }
  // Ties go to the earliest iteration: the first with the top AUC, and its model.
  EXPECT_EQ(flat.best_iteration, 1);
  EXPECT_EQ(flat.best_validation_auc, 1.0);
  EXPECT_NEAR(flat.best_model.weights[0], 0.5, 1e-15);
  EXPECT_NEAR(flat.best_model.intercept, 0.0, 1e-15);
  EXPECT_EQ(flat.best_test.auc, 1.0);

  // A tie is no improvement: patience counts from the first iteration of the plateau.
  for (const int patience : {1, 4, 10}) {
    params.patience = patience;
    const TrainResult patient = train_constant(toy, loss, 0.5, params);
    EXPECT_EQ(patient.status, RunStatus::stopped_early) << "patience " << patience;
    EXPECT_EQ(patient.best_iteration, 1) << "patience " << patience;
    EXPECT_EQ(patient.iterations, 1 + patience) << "patience " << patience;
  }
}

TEST(Trainer, OverflowingScoresMarkTheRunDivergedAndKeepTheBestSoFar) {
  Toy toy = make_toy();
  toy.map.multiplier *= 1e300;  // features of size 1e300: the first step overflows
  SquaredHingeAllPairsLoss loss(1.0);
  TrainerParams params;
  params.max_iterations = 10;
  const TrainResult r = train_constant(toy, loss, 1.0, params);
  EXPECT_EQ(r.status, RunStatus::diverged);
  EXPECT_NE(r.message.find("try a smaller step size"), std::string::npos) << r.message;
  EXPECT_EQ(r.best_iteration, 0);
  EXPECT_EQ(r.best_validation_auc, 0.5);
  for (const auto& record : r.curve) EXPECT_FALSE(std::isnan(record.validation.auc));
}

TEST(Trainer, ProgressCallbackCanInterrupt) {
  const Toy toy = make_toy();
  LogisticLoss loss;
  TrainerParams params;
  params.max_iterations = 100;
  const TrainResult r =
      train_constant(toy, loss, 0.1, params, [](int iteration, double) { return iteration < 7; });
  EXPECT_EQ(r.status, RunStatus::interrupted);
  EXPECT_EQ(r.iterations, 7);
}

TEST(Trainer, RandomInitIsSeededAndDeterministic) {
  const Toy toy = make_toy();
  LogisticLoss loss;
  TrainerParams params;
  params.init = InitKind::random;
  params.max_iterations = 3;
  params.seed = 11;
  const TrainResult a = train_constant(toy, loss, 0.1, params);
  const TrainResult b = train_constant(toy, loss, 0.1, params);
  EXPECT_NE(a.curve[0].weight_norm, 0.0);
  EXPECT_EQ(a.curve[0].validation.auc, b.curve[0].validation.auc);
  EXPECT_EQ(a.best_model.weights, b.best_model.weights);
  params.seed = 12;
  EXPECT_NE(train_constant(toy, loss, 0.1, params).curve[0].weight_norm, a.curve[0].weight_norm);
}

RunRecord record(double step, int best_iteration, double best_auc) {
  RunRecord r;
  r.key.step_size = step;
  r.result.best_iteration = best_iteration;
  r.result.best_validation_auc = best_auc;
  return r;
}

TEST(Selection, PicksTheMaximumValidationAucThenFewestIterationsThenSmallestStep) {
  const RunRecord a = record(0.1, 50, 0.90), b = record(1.0, 20, 0.93), c = record(10, 10, 0.93),
                  d = record(0.01, 10, 0.93), e = record(100, -1, std::nan(""));
  EXPECT_EQ(select_best_run({&a, &b}), &b);
  EXPECT_EQ(select_best_run({&a, &b, &c}), &c);        // same AUC, fewer iterations
  EXPECT_EQ(select_best_run({&c, &d, &b}), &d);        // same AUC and iterations: smaller step
  EXPECT_EQ(select_best_run({&e, &a}), &a);            // a run with no valid iteration is skipped
  EXPECT_EQ(select_best_run({&e}), nullptr);
}

TEST(Selection, IsTheSameInWhateverOrderTheRunsCome) {
  // Four runs share the top validation AUC: the one with the fewest iterations wins, and of the
  // two with 7, the smaller step size. Every order of the five runs must select it.
  const RunRecord runs[] = {record(0.1, 12, 0.8), record(0.5, 7, 0.8), record(0.05, 7, 0.8),
                            record(1.0, 3, 0.75), record(0.01, 30, 0.8)};
  std::vector<int> order = {0, 1, 2, 3, 4};
  int orders = 0, wrong = 0;
  std::string first_wrong;
  do {
    std::vector<const RunRecord*> listed;
    for (int k : order) listed.push_back(&runs[k]);
    const RunRecord* selected = select_best_run(listed);
    ++orders;
    if (selected != &runs[2] && wrong++ == 0) {
      for (int k : order) first_wrong += std::to_string(k) + " ";
      first_wrong += "selects run " + (selected ? std::to_string(selected - runs) : "none");
    }
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 120);
  EXPECT_EQ(wrong, 0) << "first wrong order: " << first_wrong;
}

}  // namespace
}  // namespace aumtrain
