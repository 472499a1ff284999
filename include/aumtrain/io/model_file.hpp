// Model files (models/*.json of a run directory): a selected model with everything needed to
// score new data on its own: how to read the data, the features in order, the weights, the
// decision threshold, and which data and settings it came from. README.md documents every key.
#pragma once

#include <Eigen/Core>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/scoring_data.hpp"
#include "aumtrain/model/decision_threshold.hpp"
#include "aumtrain/model/linear_model.hpp"
#include "aumtrain/train/experiment.hpp"

namespace aumtrain {

/// The value of the key `format`, and the format version this aumtrain writes and reads.
inline constexpr std::string_view kModelFormat = "aumtrain-model";
/// Version 2 added data.categorical and data.missing: category; version 1 files are read too.
inline constexpr int kModelFormatVersion = 2;
/// How aumtrain chooses the threshold (see decision_threshold()).
inline constexpr std::string_view kThresholdRule = "min_fp_plus_fn_on_subtrain";

struct ModelFile {
  std::string aumtrain_version;  ///< the aumtrain that wrote the file
  RunKey key;                    ///< dataset, positive fraction and seed of the split, loss, ...
  int iteration = 0;
  double validation_auc = 0;
  double test_auc = 0;
  DataReadSettings data;                  ///< how to read data for this model
  std::vector<std::string> label_values;  ///< the training data's labels, in order of appearance
  /// The label written for a negative prediction: the first label value that is not positive.
  std::string negative_label;
  FileFingerprint training_data;
  std::vector<std::string> feature_names;
  Eigen::VectorXd mean;  ///< standardisation, in the file's units
  Eigen::VectorXd sd;
  LinearModel standardized;  ///< on (x - mean) / sd
  LinearModel original;      ///< on the file's values
  std::string threshold_rule;
  DecisionThreshold threshold;  ///< in score units; a score above it is positive

  /// original.intercept + sum_j original.weights[j] * raw_features[j], summed in that order.
  double score(std::span<const double> raw_features) const;
  /// The same for a row given by its nonzeros, in increasing feature order.
  double score(std::span<const FeatureValue> nonzeros) const;
  bool predicts_positive(double score) const { return score > threshold.threshold; }
  /// positive_label or negative_label, as spelled in the training data.
  const std::string& predicted_label(double score) const;
};

/// The version of this aumtrain (the CMake project's version).
std::string_view aumtrain_version();

/// The model file of a usable selection.
ModelFile model_file_of(const Selection& selection);

/// The file's JSON text: keys in a fixed order, numbers that read back to the same doubles.
std::string model_file_json(const ModelFile& model);

/// Parses and checks a model file's text; `path` names it in messages. Every problem is a
/// DataError naming the file and the JSON key and saying what to do: text that is not JSON (or
/// repeats a key), a missing key, a value of the wrong type, another format or format version,
/// vectors whose lengths differ from feature_names, numbers that are not finite or out of
/// range, an sd <= 0 under a nonzero weight, and original-unit weights that do not match the
/// standardised ones.
ModelFile parse_model_file(std::string_view text, const std::string& path);

/// Reads and checks a model file (DataError also when it cannot be read).
ModelFile read_model_file(const std::string& path);

}  // namespace aumtrain
