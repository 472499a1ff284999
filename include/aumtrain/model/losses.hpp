// Loss functions of scores. Every loss works on the score vector s = X w + b and writes dL/ds
// into a buffer the caller owns; the linear model applies X^T once. Each loss lives in its own
// file under src/model/losses/ and registers itself by name, so adding a loss is one new file.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aumtrain/core/aum_kernel.hpp"
#include "aumtrain/core/distributed_aum.hpp"
#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/model/loss_spec.hpp"

namespace aumtrain {

class Loss {
 public:
  virtual ~Loss() = default;

  /// The name used in tables and files: aum.rate, aum.count, logistic, logistic_balanced,
  /// squared_hinge_all_pairs.
  virtual std::string name() const = 0;

  /// Whether a linear model trained on this loss fits an intercept. AUM does not: it is
  /// invariant to adding a constant to every score.
  virtual bool learns_intercept() const = 0;

  /// L(scores); writes dL/dscores into `gradient`, which has as many entries as `scores`.
  /// Non-const: a loss may keep a workspace that it reuses between calls.
  virtual double value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                                    std::span<double> gradient) = 0;

  /// dL/dscores alone, into `gradient`, the same bits as value_and_gradient writes; returns
  /// whether L(scores) is finite. For losses whose value costs more than their gradient (the
  /// line search along a ray needs only slopes).
  virtual bool gradient(std::span<const double> scores, const BinaryTargets& targets,
                        std::span<double> gradient);
};

/// Makes a loss from its spec; `threads` is how many threads it may use.
using LossMaker = std::function<std::unique_ptr<Loss>(const LossSpec& spec, int threads)>;

/// Adds a loss to the registry under `name`; returns true so that it can initialise a static.
/// Use AUMTRAIN_REGISTER_LOSS in the loss's own file.
bool register_loss(std::string_view name, LossMaker maker);

/// Makes a loss by name; an unknown name throws ConfigError listing loss_names(). `threads` is
/// how many threads a loss may use (the AUM kernel uses them from N = 2^18 on).
std::unique_ptr<Loss> make_loss(const LossSpec& spec, int threads = 1);

/// AUM: the mean of the left and right directional derivatives is the gradient.
class AumLoss final : public Loss {
 public:
  explicit AumLoss(Denominator denominator, int threads = 1)
      : denominator_(denominator), kernel_(threads) {}
  std::string name() const override;
  bool learns_intercept() const override { return false; }
  double value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                            std::span<double> gradient) override;
  Denominator denominator() const noexcept { return denominator_; }

 private:
  Denominator denominator_;
  AumKernel kernel_;
  /// For sets spread over ranks (BinaryTargets::spread), made at the first such call.
  std::optional<DistributedAumKernel> distributed_kernel_;
};

/// Logistic loss, the (weighted) mean of log(1 + exp(-z s)) with z = +-1.
class LogisticLoss final : public Loss {
 public:
  std::string name() const override { return "logistic"; }
  bool learns_intercept() const override { return true; }
  double value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                            std::span<double> gradient) override;
  bool gradient(std::span<const double> scores, const BinaryTargets& targets,
                std::span<double> gradient) override;
};

/// Class-balanced logistic loss: the mean of the two per-class mean losses, so each class
/// carries total weight 1/2 however rare it is. Needs both classes.
class BalancedLogisticLoss final : public Loss {
 public:
  std::string name() const override { return "logistic_balanced"; }
  bool learns_intercept() const override { return true; }
  double value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                            std::span<double> gradient) override;
  bool gradient(std::span<const double> scores, const BinaryTargets& targets,
                std::span<double> gradient) override;
};

/// Squared hinge loss over all (positive, negative) pairs, (m - (f_p - f_q))_+^2 averaged over
/// the pairs, computed in O(N log N) with one sort and prefix sums. Needs both classes.
class SquaredHingeAllPairsLoss final : public Loss {
 public:
  explicit SquaredHingeAllPairsLoss(double margin);
  std::string name() const override { return "squared_hinge_all_pairs"; }
  bool learns_intercept() const override { return true; }
  double value_and_gradient(std::span<const double> scores, const BinaryTargets& targets,
                            std::span<double> gradient) override;

 private:
  double margin_;
  std::vector<std::pair<double, std::size_t>> order_;  // reused workspace
};

/// log(1 + exp(x)) without overflow or loss of precision for large |x|.
double softplus(double x) noexcept;
/// 1 / (1 + exp(-x)) without overflow.
double sigmoid(double x) noexcept;

}  // namespace aumtrain

/// Registers a loss under NAME (a string literal) with MAKER, a callable
/// (const LossSpec&, int threads) -> std::unique_ptr<Loss>. Put it in the loss's own file.
#define AUMTRAIN_REGISTER_LOSS(IDENTIFIER, NAME, MAKER)                   \
  namespace {                                                             \
  [[maybe_unused]] const bool aumtrain_loss_registered_##IDENTIFIER =     \
      ::aumtrain::register_loss(NAME, MAKER);                             \
  }
