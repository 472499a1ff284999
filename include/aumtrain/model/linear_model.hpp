// The linear scoring model s = x . w + b, evaluated on the stored (conditioned) features through
// a per-feature affine map, so that no standardised copy of the data is ever made.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/communicator.hpp"

namespace aumtrain {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<const RowMajorMatrix>;

/// Rows of a compressed sparse row (CSR) matrix, taken through an index: row r of the view is
/// row `order[r]` of the matrix, whose nonzeros are entries row_start[order[r]] to
/// row_start[order[r] + 1] - 1 of `column` and `value`. The split reorders that index and never
/// the nonzeros, so every set of every split is a view over the one matrix that was loaded.
struct SparseRowsView {
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  const std::int64_t* row_start = nullptr;  ///< the matrix's rows + 1 offsets
  const std::int32_t* column = nullptr;     ///< per nonzero, its column
  const double* value = nullptr;            ///< per nonzero, its value
  const std::uint32_t* order = nullptr;     ///< per row of the view, its row in the matrix

  std::int64_t begin(Eigen::Index r) const { return row_start[order[r]]; }
  std::int64_t end(Eigen::Index r) const { return row_start[order[r] + 1]; }
};

/// The stored features of a set of rows, dense or sparse: what the products of the linear model
/// take, so that the objective is the one place that holds either kind.
class FeatureRows {
 public:
  FeatureRows(const MatrixView& dense) : rows_(dense) {}  // NOLINT: a view converts implicitly
  FeatureRows(const SparseRowsView& sparse) : rows_(sparse) {}  // NOLINT

  Eigen::Index rows() const;
  Eigen::Index cols() const;
  bool is_sparse() const noexcept { return std::holds_alternative<SparseRowsView>(rows_); }
  const MatrixView& dense() const { return std::get<MatrixView>(rows_); }
  const SparseRowsView& sparse() const { return std::get<SparseRowsView>(rows_); }

 private:
  std::variant<MatrixView, SparseRowsView> rows_;
};

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
  /// The same on sparse rows: each row sums its nonzeros in stored order, blocks of rows on up
  /// to `threads` threads, so the bits do not depend on the number of threads either.
  void scores(const SparseRowsView& features, const FeatureMap& map, std::span<double> out,
              int threads = 1) const;
  void scores(const FeatureRows& features, const FeatureMap& map, std::span<double> out,
              int threads = 1) const;
};

/// The rows in the products' sums are cut into fixed blocks of this many rows: those of every
/// sum over rows (kSumBlockRows).
inline constexpr std::size_t kProductBlockRows = kSumBlockRows;

/// The gradient of a loss in the model's parameters, given dL/dscores `score_gradient` on the
/// rows of `features` (the chain rule through the linear model and the feature map): X^T g and
/// sum g over each block of kProductBlockRows rows, the block sums added in the fixed tree of
/// tree_sum_of_columns(): the same bits for any number of threads.
void parameter_gradient(const MatrixView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads = 1);

/// The same over the rows of every rank, each rank passing its own rows `features` and their
/// `score_gradient`: every rank gets the bits that one process holding every row gets from the
/// function above. Rows that are not whole blocks (RowBlocks) on any rank throw on every rank
/// (Communicator::check).
void parameter_gradient(const MatrixView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads, const RowBlocks& blocks);
/// The same on sparse rows. X^T g is summed over up to kSparseParts fixed parts of the rows
/// (whole blocks of 8,192), each into its own column of a table, the columns added in order; as
/// many parts as keep the table small (at most kSparsePartialSumsLimit doubles, and no more of
/// them than the rows' nonzeros), else one part, on one thread in row order. The parts depend on
/// the data alone, so the bits do not depend on the number of threads.
void parameter_gradient(const SparseRowsView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads = 1);
void parameter_gradient(const FeatureRows& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads = 1);

/// The most parts of the rows whose partial sums the sparse X^T g product keeps apart.
inline constexpr std::int64_t kSparseParts = 16;
/// The most doubles (columns x parts) that the sparse X^T g product keeps as partial sums:
/// 2^24, 128 MiB.
inline constexpr std::int64_t kSparsePartialSumsLimit = std::int64_t{1} << 24;

/// The model in the file's units: weights w / sd and intercept b - sum(w * mean / sd).
LinearModel to_original_units(const LinearModel& model, const FeatureMap& map);

}  // namespace aumtrain
