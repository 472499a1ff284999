#include "aumtrain/model/linear_model.hpp"

#include <algorithm>

namespace aumtrain {
namespace {

// Rows below which threads cost more than they save.
constexpr Eigen::Index kMinRowsPerThread = 2048;

int useful_threads(Eigen::Index rows, int threads) {
  return static_cast<int>(std::clamp<Eigen::Index>(rows / kMinRowsPerThread, 1, std::max(threads, 1)));
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
  const int parts = useful_threads(rows, threads);
  if (parts == 1) {
    result.noalias() = features * effective;
    result.array() += shift;
    return;
  }
#pragma omp parallel for num_threads(parts) schedule(static)
  for (int part = 0; part < parts; ++part) {
    const Eigen::Index begin = rows * part / parts, end = rows * (part + 1) / parts;
    auto segment = result.segment(begin, end - begin);
    segment.noalias() = features.middleRows(begin, end - begin) * effective;
    segment.array() += shift;
  }
}

void parameter_gradient(const MatrixView& features, const FeatureMap& map,
                        std::span<const double> score_gradient, Eigen::VectorXd& weight_gradient,
                        double& intercept_gradient, int threads) {
  const Eigen::Map<const Eigen::VectorXd> g(score_gradient.data(),
                                            static_cast<Eigen::Index>(score_gradient.size()));
  const Eigen::Index rows = features.rows();
  const int parts = useful_threads(rows, threads);
  if (parts == 1) {
    weight_gradient.noalias() = features.transpose() * g;
  } else {
    // Each part sums its rows; the parts are added in a fixed order, so the result does not
    // depend on scheduling.
    Eigen::MatrixXd partial(features.cols(), parts);
#pragma omp parallel for num_threads(parts) schedule(static)
    for (int part = 0; part < parts; ++part) {
      const Eigen::Index begin = rows * part / parts, end = rows * (part + 1) / parts;
      partial.col(part).noalias() =
          features.middleRows(begin, end - begin).transpose() * g.segment(begin, end - begin);
    }
    weight_gradient = partial.rowwise().sum();
  }
  intercept_gradient = g.sum();
  weight_gradient = weight_gradient.cwiseProduct(map.multiplier) + intercept_gradient * map.offset;
  for (std::size_t j = 0; j < map.fixed_at_zero.size(); ++j) {
    if (map.fixed_at_zero[j]) weight_gradient[static_cast<Eigen::Index>(j)] = 0.0;
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
