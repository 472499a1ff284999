#include "aumtrain/model/linear_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <variant>

#include "aumtrain/core/communicator.hpp"

namespace aumtrain {
namespace {

// The matrix products work on fixed blocks of rows. The blocks do not depend on the number of
// threads, so neither do the results; threads take blocks as they come free, so a thread whose
// core is shared with another process holds up the others by one block at most.
constexpr auto kBlockRows = static_cast<Eigen::Index>(kProductBlockRows);

Eigen::Index block_count(Eigen::Index rows) {
  return std::max<Eigen::Index>((rows + kBlockRows - 1) / kBlockRows, 1);
}

int team_for(Eigen::Index blocks, int threads) {
  return static_cast<int>(std::clamp<Eigen::Index>(blocks, 1, std::max(threads, 1)));
}

// X^T g over rows [begin, end) of a sparse view, added into `sum` (one entry per column).
void add_sparse_transpose_product(const SparseRowsView& x, const double* g, Eigen::Index begin,
                                  Eigen::Index end, double* sum) {
  for (Eigen::Index r = begin; r < end; ++r) {
    const double gr = g[r];
    for (std::int64_t k = x.begin(r), stop = x.end(r); k < stop; ++k) {
      sum[x.column[k]] += x.value[k] * gr;
    }
  }
}

// The map's part of the chain rule, shared by the dense and sparse products: w-gradient =
// multiplier * X^T g + (sum g) * offset, and 0 for the columns fixed at zero.
void finish_weight_gradient(const FeatureMap& map, Eigen::VectorXd& weight_gradient,
                            double intercept_gradient) {
  weight_gradient = weight_gradient.cwiseProduct(map.multiplier) + intercept_gradient * map.offset;
  for (std::size_t j = 0; j < map.fixed_at_zero.size(); ++j) {
    if (map.fixed_at_zero[j]) weight_gradient[static_cast<Eigen::Index>(j)] = 0.0;
  }
}

}  // namespace

FeatureMap FeatureMap::identity(std::size_t cols) {
  const auto d = static_cast<Eigen::Index>(cols);
  FeatureMap map;
  map.multiplier = Eigen::VectorXd::Ones(d);
  map.offset = Eigen::VectorXd::Zero(d);
  map.mean = Eigen::VectorXd::Zero(d);
  map.sd = Eigen::VectorXd::Ones(d);
  map.fixed_at_zero.assign(cols, 0);
  return map;
}

void LinearModel::scores(const MatrixView& features, const FeatureMap& map, std::span<double> out,
                         int threads) const {
  const Eigen::VectorXd effective = map.multiplier.cwiseProduct(weights);
  const double shift = intercept + map.offset.dot(weights);
  Eigen::Map<Eigen::VectorXd> result(out.data(), static_cast<Eigen::Index>(out.size()));
  const Eigen::Index rows = features.rows();
  const Eigen::Index blocks = block_count(rows);
  if (blocks == 1) {
    result.noalias() = features * effective;
    result.array() += shift;
    return;
  }
#pragma omp parallel for num_threads(team_for(blocks, threads)) schedule(dynamic, 1)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows, end = std::min(rows, begin + kBlockRows);
    auto segment = result.segment(begin, end - begin);
    segment.noalias() = features.middleRows(begin, end - begin) * effective;
    segment.array() += shift;
  }
}

namespace {

// Per block of rows: X^T g, then sum g in the last row. One block is the whole product, as the
// product of every row is computed when there is only one.
Eigen::MatrixXd dense_block_sums(const MatrixView& features,
                                 const Eigen::Map<const Eigen::VectorXd>& g, int threads,
                                 bool only_block) {
  const Eigen::Index rows = features.rows(), cols = features.cols();
  if (only_block) {
    Eigen::MatrixXd sums(cols + 1, 1);
    sums.col(0).head(cols).noalias() = features.transpose() * g;
    sums(cols, 0) = g.sum();
    return sums;
  }
  const Eigen::Index blocks = (rows + kBlockRows - 1) / kBlockRows;
  Eigen::MatrixXd sums(cols + 1, blocks);
#pragma omp parallel for num_threads(team_for(blocks, threads)) schedule(dynamic, 1)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows, end = std::min(rows, begin + kBlockRows);
    sums.col(block).head(cols).noalias() =
        features.middleRows(begin, end - begin).transpose() * g.segment(begin, end - begin);
    sums(cols, block) = g.segment(begin, end - begin).sum();
  }
  return sums;
}

void split_block_sum(const Eigen::VectorXd& sum, Eigen::VectorXd& weight_gradient,
                     double& intercept_gradient) {
  const Eigen::Index cols = sum.size() - 1;
  weight_gradient = sum.head(cols);
  intercept_gradient = sum[cols];
}

}  // namespace

void parameter_gradient(const MatrixView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads) {
  const Eigen::Map<const Eigen::VectorXd> g(score_gradient.data(),
                                            static_cast<Eigen::Index>(score_gradient.size()));
  const bool only_block = block_count(features.rows()) == 1;
  // The block sums are added in a tree that depends on the block numbers alone: not on the
  // number of threads, nor on which thread, or rank, summed which block.
  split_block_sum(tree_sum_of_columns(dense_block_sums(features, g, threads, only_block)),
                  weight_gradient, intercept_gradient);
  finish_weight_gradient(map, weight_gradient, intercept_gradient);
}

void parameter_gradient(const MatrixView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads, const RowBlocks& blocks) {
  const Eigen::Index rows = features.rows();
  if (blocks.communicator == nullptr) {
    throw std::invalid_argument("parameter_gradient: the row blocks have no communicator");
  }
  // A wrong layout on any rank throws on every rank, so that none waits for the tree's sums.
  Eigen::MatrixXd sums(features.cols() + 1, 0);
  blocks.communicator->collectively([&] {
    check_row_blocks(blocks, static_cast<std::size_t>(rows));
    if (static_cast<std::size_t>(rows) != score_gradient.size()) {
      throw std::invalid_argument(fmt::format("parameter_gradient: {} rows but {} score gradients",
                                              rows, score_gradient.size()));
    }
    const Eigen::Map<const Eigen::VectorXd> g(score_gradient.data(), rows);
    if (rows > 0) sums = dense_block_sums(features, g, threads, blocks.block_count == 1);
  });
  split_block_sum(
      tree_sum_of_blocks(*blocks.communicator, sums, blocks.first_block, blocks.block_count),
      weight_gradient, intercept_gradient);
  finish_weight_gradient(map, weight_gradient, intercept_gradient);
}

Eigen::Index FeatureRows::rows() const {
  return is_sparse() ? sparse().rows : dense().rows();
}

Eigen::Index FeatureRows::cols() const {
  return is_sparse() ? sparse().cols : dense().cols();
}

namespace {

// Row r of `features` times w. Four running sums, so that each multiply-add need not wait for
// the one before; they are added in a fixed order, so the result depends on the row alone.
double sparse_row_dot(const SparseRowsView& features, Eigen::Index r, const double* w) {
  const double* value = features.value;
  const std::int32_t* column = features.column;
  std::int64_t k = features.begin(r);
  const std::int64_t stop = features.end(r);
  double sum[4] = {0.0, 0.0, 0.0, 0.0};
  for (; k + 4 <= stop; k += 4) {
    sum[0] += value[k] * w[column[k]];
    sum[1] += value[k + 1] * w[column[k + 1]];
    sum[2] += value[k + 2] * w[column[k + 2]];
    sum[3] += value[k + 3] * w[column[k + 3]];
  }
  for (; k < stop; ++k) sum[0] += value[k] * w[column[k]];
  return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

}  // namespace

void LinearModel::scores(const SparseRowsView& features, const FeatureMap& map,
                         std::span<double> out, int threads) const {
  const Eigen::VectorXd effective = map.multiplier.cwiseProduct(weights);
  const double shift = intercept + map.offset.dot(weights);
  const Eigen::Index rows = features.rows;
  const Eigen::Index blocks = block_count(rows);
  const double* w = effective.data();
#pragma omp parallel for num_threads(team_for(blocks, threads)) schedule(dynamic, 1)
  for (Eigen::Index block = 0; block < blocks; ++block) {
    const Eigen::Index begin = block * kBlockRows, end = std::min(rows, begin + kBlockRows);
    for (Eigen::Index r = begin; r < end; ++r) {
      out[static_cast<std::size_t>(r)] = sparse_row_dot(features, r, w) + shift;
    }
  }
}

void LinearModel::scores(const FeatureRows& features, const FeatureMap& map,
                         std::span<double> out, int threads) const {
  if (features.is_sparse()) {
    scores(features.sparse(), map, out, threads);
  } else {
    scores(features.dense(), map, out, threads);
  }
}

void parameter_gradient(const SparseRowsView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads) {
  const double* g = score_gradient.data();
  const Eigen::Index rows = features.rows, cols = features.cols;
  const Eigen::Index blocks = block_count(rows);
  std::int64_t nonzeros = 0;
  for (Eigen::Index r = 0; r < rows; ++r) nonzeros += features.end(r) - features.begin(r);
  // The rows are cut into `parts` fixed parts (at most kSparseParts, whole blocks of rows), each
  // summed into its own column of a table, the columns then added in order. The parts follow
  // from the data alone, so the result does not depend on the threads; threads take parts as
  // they come free.
  Eigen::Index parts = std::min<Eigen::Index>(blocks, kSparseParts);
  while (parts > 1 && (static_cast<std::int64_t>(cols) * parts > kSparsePartialSumsLimit ||
                       static_cast<std::int64_t>(cols) * parts > nonzeros)) {
    --parts;
  }
  weight_gradient.setZero(cols);
  if (parts == 1) {
    add_sparse_transpose_product(features, g, 0, rows, weight_gradient.data());
  } else {
    thread_local std::vector<double> table;  // reused from call to call: no fresh pages each time
    table.assign(static_cast<std::size_t>(cols * parts), 0.0);
    double* const sums = table.data();  // this thread's table, which the team fills
#pragma omp parallel for num_threads(team_for(parts, threads)) schedule(dynamic, 1)
    for (Eigen::Index part = 0; part < parts; ++part) {
      const Eigen::Index begin = std::min(rows, blocks * part / parts * kBlockRows);
      const Eigen::Index end = std::min(rows, blocks * (part + 1) / parts * kBlockRows);
      add_sparse_transpose_product(features, g, begin, end, sums + part * cols);
    }
    for (Eigen::Index part = 0; part < parts; ++part) {
      weight_gradient += Eigen::Map<const Eigen::VectorXd>(sums + part * cols, cols);
    }
  }
  intercept_gradient = Eigen::Map<const Eigen::VectorXd>(g, rows).sum();
  finish_weight_gradient(map, weight_gradient, intercept_gradient);
}

void parameter_gradient(const FeatureRows& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads) {
  if (features.is_sparse()) {
    parameter_gradient(features.sparse(), map, score_gradient, weight_gradient,
                       intercept_gradient, threads);
  } else {
    parameter_gradient(features.dense(), map, score_gradient, weight_gradient, intercept_gradient,
                       threads);
  }
}

LinearModel to_original_units(const LinearModel& model, const FeatureMap& map) {
  LinearModel original;
  original.weights.resize(model.weights.size());
  original.intercept = model.intercept;
  for (Eigen::Index j = 0; j < model.weights.size(); ++j) {
    const double sd = map.sd[j];
    original.weights[j] = sd > 0 ? model.weights[j] / sd : 0.0;
    original.intercept -= original.weights[j] * map.mean[j];
  }
  return original;
}

}  // namespace aumtrain
