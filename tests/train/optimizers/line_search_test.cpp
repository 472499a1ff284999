// The line_search optimizer, checked against the objective itself: AUM along the chosen ray has a
// local minimum at the chosen step, a smooth loss's derivative along the last direction is zero
// after each step, and the start from the tie at w = 0 takes the scale-free step.
#include <gtest/gtest.h>

#include <cmath>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/train/trainer.hpp"
#include "train/toy_data.hpp"

namespace aumtrain {
namespace {

using testing::make_toy;
using testing::Toy;

std::unique_ptr<Optimizer> line_search(LineSearchRule stop = LineSearchRule::min_aum,
                                       SearchSet set = SearchSet::subtrain) {
  OptimizerSpec spec;
  spec.name = "line_search";
  spec.stop = stop;
  spec.set = set;
  return optimizer_maker("line_search").make(spec, std::nullopt);
}

// One evaluated state at `model`, as the trainer would hand it to the optimizer.
TrainState evaluated_state(LinearObjective& objective, const LinearModel& model) {
  TrainState state;
  state.model = model;
  const auto& scores = state.up_to_date_scores(objective, SetName::subtrain);
  state.score_gradient.resize(scores.size());
  state.loss = objective.value_and_score_gradient(SetName::subtrain, scores, state.score_gradient);
  return state;
}

LinearModel random_model(Eigen::Index d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  LinearModel model;
  model.weights = Eigen::VectorXd::NullaryExpr(d, [&] { return normal(rng); });
  return model;
}

double aum_of(LinearObjective& objective, SetName set, const LinearModel& model,
              Denominator denominator) {
  std::vector<double> scores(objective.size(set));
  objective.scores(set, model, scores);
  const ErrorDiffs& diffs = objective.targets(set).error_diffs;
  return AumKernel().summary(scores, diffs, make_denominators(diffs, denominator)).aum;
}

TEST(LineSearchOptimizer, AumStepIsALocalMinimumAlongTheRay) {
  for (Denominator denominator : {Denominator::rate, Denominator::count}) {
    for (unsigned seed = 1; seed <= 5; ++seed) {
      const Toy toy = make_toy(4, 0.2);
      AumLoss loss(denominator);
      LinearObjective objective(toy.data(), loss, 1);
      const LinearModel start = random_model(4, seed);
      TrainState state = evaluated_state(objective, start);
      auto optimizer = line_search();
      const StepResult step = optimizer->step(objective, state);
      ASSERT_FALSE(step.converged) << step.message;
      ASSERT_GT(step.step, 0.0);
      const Eigen::VectorXd moved = state.model.weights - start.weights;  // t d
      auto aum_at = [&](double scale) {
        LinearModel m;
        m.weights = start.weights + scale * moved;
        return aum_of(objective, SetName::subtrain, m, denominator);
      };
      const double chosen = aum_at(1.0);
      EXPECT_LT(chosen, aum_at(0.0)) << "seed " << seed;
      EXPECT_LE(chosen, aum_at(1.0 - 1e-7) + 1e-12) << "seed " << seed;
      EXPECT_LE(chosen, aum_at(1.0 + 1e-7) + 1e-12) << "seed " << seed;
      // The optimizer moved the subtrain scores along the ray without a product; they are
      // the scores of the new weights.
      std::vector<double> fresh(objective.size(SetName::subtrain));
      objective.scores(SetName::subtrain, state.model, fresh);
      const auto& kept = state.scores_of(SetName::subtrain);
      ASSERT_TRUE(state.current(SetName::subtrain));
      for (std::size_t i = 0; i < fresh.size(); ++i) EXPECT_NEAR(kept[i], fresh[i], 1e-12);
    }
  }
}

TEST(LineSearchOptimizer, FromTheTieAtZeroTheFirstStepGoesToUnitNormThenAumDescends) {
  const Toy toy = make_toy(4, 0.1);
  AumLoss loss(Denominator::rate);
  auto optimizer = line_search();
  TrainerParams params;
  params.max_iterations = 15;
  const TrainResult r = train_linear_model(toy.data(), loss, *optimizer, params);
  ASSERT_GE(r.curve.size(), 3u);
  EXPECT_EQ(r.curve[0].validation.auc, 0.5);  // every score tied
  EXPECT_EQ(r.curve[1].iteration, 1);
  EXPECT_NEAR(r.curve[1].weight_norm, 1.0, 1e-12);
  EXPECT_GT(r.curve[1].validation.auc, 0.8);
  EXPECT_GT(r.best_validation_auc, 0.8);
  // From then on each min_aum step lowers subtrain AUM (the trained loss).
  for (std::size_t k = 2; k < r.curve.size(); ++k) {
    EXPECT_LE(r.curve[k].subtrain.loss, r.curve[k - 1].subtrain.loss + 1e-12) << "iteration " << k;
    EXPECT_GT(r.curve[k].step, 0.0);
  }
  EXPECT_GT(r.line_search_events, 0u);
}

TEST(LineSearchOptimizer, MaxAucNeverLowersTheSearchedSetsAuc) {
  for (SearchSet set : {SearchSet::subtrain, SearchSet::validation}) {
    const Toy toy = make_toy(5, 0.3);
    AumLoss loss(Denominator::rate);
    auto optimizer = line_search(LineSearchRule::max_auc, set);
    TrainerParams params;
    params.max_iterations = 10;
    params.init = InitKind::random;
    const TrainResult r = train_linear_model(toy.data(), loss, *optimizer, params);
    for (std::size_t k = 1; k < r.curve.size(); ++k) {
      const SetMetrics& now = set == SearchSet::subtrain ? r.curve[k].subtrain : r.curve[k].validation;
      const SetMetrics& before =
          set == SearchSet::subtrain ? r.curve[k - 1].subtrain : r.curve[k - 1].validation;
      EXPECT_GE(now.auc, before.auc - 1e-12) << "iteration " << k;
    }
  }
}

// After an exact minimisation along d, the loss's derivative along d at the new point is 0.
TEST(LineSearchOptimizer, SmoothLossesEndEachStepWhereTheirDerivativeAlongItIsZero) {
  const Toy toy = make_toy(3, 0.3);
  LogisticLoss logistic;
  BalancedLogisticLoss balanced;
  SquaredHingeAllPairsLoss hinge(1.0);
  for (Loss* loss : std::initializer_list<Loss*>{&logistic, &balanced, &hinge}) {
    for (SearchSet set : {SearchSet::subtrain, SearchSet::validation}) {
      const SetName searched = set == SearchSet::subtrain ? SetName::subtrain : SetName::validation;
      LinearObjective objective(toy.data(), *loss, 1);
      TrainState state = evaluated_state(objective, random_model(3, 7));
      auto optimizer = line_search(LineSearchRule::min_aum, set);
      for (int iteration = 0; iteration < 4; ++iteration) {
        state.iteration = iteration;
        const LinearModel before = state.model;
        std::vector<double> old_scores(objective.size(searched)), gradient(old_scores.size());
        objective.scores(searched, before, old_scores);
        objective.value_and_score_gradient(searched, old_scores, gradient);
        const StepResult step = optimizer->step(objective, state);
        if (step.converged) break;
        // The rate at which the searched set's scores moved, and the loss's slope along it
        // before and after the step.
        LinearModel direction;
        direction.weights = state.model.weights - before.weights;
        direction.intercept = state.model.intercept - before.intercept;
        std::vector<double> rate(old_scores.size()), new_scores(old_scores.size());
        objective.scores(searched, direction, rate);
        auto slope = [&](const std::vector<double>& g) {
          double sum = 0;
          for (std::size_t i = 0; i < g.size(); ++i) sum += g[i] * rate[i];
          return sum;
        };
        const double slope_before = slope(gradient);
        ASSERT_LT(slope_before, 0.0) << loss->name() << ", iteration " << iteration;
        objective.scores(searched, state.model, new_scores);
        objective.value_and_score_gradient(searched, new_scores, gradient);
        EXPECT_LT(std::abs(slope(gradient)), 1e-7 * std::abs(slope_before))
            << loss->name() << ", " << set_name(searched) << ", iteration " << iteration;
        // The trainer evaluates subtrain again before the next step.
        const auto& scores = state.up_to_date_scores(objective, SetName::subtrain);
        state.loss = objective.value_and_score_gradient(SetName::subtrain, scores,
                                                        state.score_gradient);
      }
    }
  }
}

TEST(LineSearchOptimizer, ConstantFeaturesGiveAZeroGradientAndTheRunConverges) {
  // Every column constant on subtrain: the weights are held at 0, and AUM, which has no
  // intercept, has nothing left to move.
  Toy toy = make_toy(2, 0.3);
  toy.map.fixed_at_zero.assign(2, 1);
  AumLoss loss(Denominator::rate);
  auto optimizer = line_search();
  TrainerParams params;
  params.max_iterations = 20;
  const TrainResult r = train_linear_model(toy.data(), loss, *optimizer, params);
  EXPECT_EQ(r.status, RunStatus::converged);
  EXPECT_EQ(r.iterations, 0);
  EXPECT_NE(r.message.find("the gradient is zero"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace aumtrain
