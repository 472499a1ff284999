// The linear scoring model s = x . w + b, evaluated on the stored (conditioned) features through
// a per-feature affine map, so that no standardised copy of the data is ever made.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

namespace aumtrain {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<const RowMajorMatrix>;

/// How the model sees a stored feature value z: x_model = multiplier * z + offset. The model's
/// own standardisation, in the file's units, is x_model = (x_raw - mean) / sd (mean 0 and sd 1
/// when features are not standardised).
struct FeatureMap {
  Eigen::VectorXd multiplier;
  Eigen::VectorXd offset;
  Eigen::VectorXd mean;  ///< in the file's units
  Eigen::VectorXd sd;    ///< in the file's units
  /// Columns that are constant on subtrain: their weight stays 0.
  std::vector<std::uint8_t> fixed_at_zero;

  std::size_t size() const noexcept { return static_cast<std::size_t>(multiplier.size()); }

  /// The map that leaves `cols` features as they are (multiplier 1, offset 0, mean 0, sd 1).
  static FeatureMap identity(std::size_t cols);
};

struct LinearModel {
  Eigen::VectorXd weights;  ///< on the model's (standardised) features
  double intercept = 0;

  /// scores = X_model weights + intercept, for the rows of `features`, on up to `threads`
  /// threads; the same bits for any number of threads.
  void scores(const MatrixView& features, const FeatureMap& map, std::span<double> out,
              int threads = 1) const;
};

/// The gradient of a loss in the model's parameters, given dL/dscores `score_gradient` on the
/// rows of `features` (the chain rule through the linear model and the feature map), summed over
/// fixed blocks of rows in a fixed order: the same bits for any number of threads.
void parameter_gradient(const MatrixView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads = 1);

/// The model in the file's units: weights w / sd and intercept b - sum(w * mean / sd).
LinearModel to_original_units(const LinearModel& model, const FeatureMap& map);

}  // namespace aumtrain
