// Synthetic binary classification data, for trying aumtrain at any size: a dense CSV, or a
// sparse libsvm file.
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
  /// How far the positive class's mean sits from the negative one's on every informative
  /// feature, in standard deviations. Dense: every feature is informative, and with D features
  /// the best linear scorer's AUC is Phi(shift * sqrt(D) / sqrt(2)). Sparse: see
  /// write_synthetic_libsvm.
  double shift = 0.3;
};

/// Writes a CSV with the header x1, ..., xD, label: features N(0, 1) for negatives and
/// N(shift, 1) for positives, label 1 with probability positive_fraction, all from `seed`.
/// The file is written under a temporary name and renamed; throws ConfigError for a bad spec and
/// RunError when the file cannot be written. Returns how many rows are positive (with few rows
/// and a small positive_fraction that can be none).
std::size_t write_synthetic_csv(const SyntheticSpec& spec, const std::filesystem::path& file);

/// The informative features of a sparse synthetic file with `features` features: indices 1 to
/// ceil(features / 10).
std::size_t informative_features(std::size_t features);

/// Writes a libsvm file, one row per line: the label (1 with probability positive_fraction,
/// else 0), then `nonzeros_per_row` (K, 1 <= K <= D) distinct feature indices drawn uniformly
/// from 1..D, increasing, each as index:value. Values are N(0, 1), plus `shift` in positive rows
/// on the informative features (informative_features(D): the first tenth, rounded up), so a row
/// holding m of them has a best linear score N(m shift, m) against N(0, m) for a negative; with
/// K / 10 informative nonzeros in a row on average, the best AUC is near
/// Phi(shift * sqrt(K / 10) / sqrt(2)) (lower, since m varies). Everything follows from `seed`;
/// rows are written as they are drawn, so memory does not grow with the file. Written under a
/// temporary name and renamed, with the errors and the return value of write_synthetic_csv.
std::size_t write_synthetic_libsvm(const SyntheticSpec& spec, std::size_t nonzeros_per_row,
                                   const std::filesystem::path& file);

}  // namespace aumtrain
