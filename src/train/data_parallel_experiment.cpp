// The data-parallel experiment (train.parallel: data): each dataset's rows spread over the
// ranks.
#include "aumtrain/core/errors.hpp"
#include "aumtrain/train/experiment.hpp"

namespace aumtrain {

ExperimentOutcome run_data_parallel_experiment(const std::vector<ExperimentConfig>&,
                                               const ExperimentOptions&,
                                               const ExperimentEvents&) {
  throw ConfigError(
      "train.parallel: data (each dataset's rows spread over the ranks, asked for or chosen by "
      "auto for a dataset too large for one rank's share of memory) is not available yet; use "
      "train.parallel: runs");
}

}  // namespace aumtrain
