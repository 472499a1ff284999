// Synthetic binary classification data, for trying aumtrain at any size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace aumtrain {

struct SyntheticSpec {
  std::size_t rows = 1000;         ///< examples, >= 1
  std::size_t features = 10;       ///< feature columns, >= 1
  double positive_fraction = 0.1;  ///< probability that a row is positive, in (0, 1)
  std::uint64_t seed = 1;
  /// How far the positive class's mean sits from the negative one's on every feature, in
  /// standard deviations. With D features the best linear scorer's AUC is
  /// Phi(shift * sqrt(D) / sqrt(2)).
  double shift = 0.3;
};

/// Writes a CSV with the header x1, ..., xD, label: features N(0, 1) for negatives and
/// N(shift, 1) for positives, label 1 with probability positive_fraction, all from `seed`.
/// The file is written under a temporary name and renamed; throws ConfigError for a bad spec and
/// RunError when the file cannot be written. Returns how many rows are positive (with few rows
/// and a small positive_fraction that can be none).
std::size_t write_synthetic_csv(const SyntheticSpec& spec, const std::filesystem::path& file);

}  // namespace aumtrain
