// Small training problems for the trainer's tests: two noisy Gaussian classes.
#pragma once

#include <random>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/train/objective.hpp"

namespace aumtrain::testing {

// Two noisy Gaussian classes in d dimensions; positives shifted along every feature.
struct ToySet {
  RowMajorMatrix features;
  BinaryTargets targets;
};

inline ToySet toy_set(unsigned seed, Eigen::Index n, Eigen::Index d, double positive_rate,
               double shift = 0.7) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::bernoulli_distribution positive(positive_rate);
  ToySet s;
  s.features.resize(n, d);
  std::vector<double> labels;
  for (Eigen::Index i = 0; i < n; ++i) {
    const bool p = i < 2 || (i >= 4 && positive(rng));  // at least two of each class
    labels.push_back(p);
    for (Eigen::Index j = 0; j < d; ++j) s.features(i, j) = normal(rng) + (p ? shift : 0.0);
  }
  s.targets = make_binary_targets(labels);
  return s;
}

struct Toy {
  ToySet subtrain, validation, test;
  FeatureMap map;
  TrainingData data() const {
    auto rows = [](const ToySet& s) {
      return LabeledRows{MatrixView(s.features.data(), s.features.rows(), s.features.cols()),
                         &s.targets};
    };
    return {rows(subtrain), rows(validation), rows(test), &map};
  }
};

inline Toy make_toy(Eigen::Index d = 3, double positive_rate = 0.3) {
  return {toy_set(1, 200, d, positive_rate), toy_set(2, 100, d, positive_rate),
          toy_set(3, 100, d, positive_rate), FeatureMap::identity(static_cast<std::size_t>(d))};
}

}  // namespace aumtrain::testing
