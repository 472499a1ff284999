#include "aumtrain/train/parallel_mode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/dataset.hpp"

namespace aumtrain {

ParallelMode choose_parallel_mode(ParallelMode asked, int ranks, const MemoryOutlook& outlook) {
  if (ranks <= 1) return ParallelMode::runs;
  if (asked != ParallelMode::automatic) return asked;
  if (outlook.available_bytes == 0 || !outlook.every_dataset_spreads) return ParallelMode::runs;
  const double share = static_cast<double>(outlook.available_bytes) /
                       static_cast<double>(std::max(1, outlook.ranks_on_host));
  return outlook.largest_dataset_bytes > share / 4 ? ParallelMode::data : ParallelMode::runs;
}

double estimated_memory_bytes(const DataConfig& data) {
  const std::vector<std::string> files =
      data.shards.empty() ? std::vector<std::string>{data.path} : data.shards;
  double bytes = 0;
  for (const std::string& file : files) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    if (!error) bytes += 2.0 * static_cast<double>(size);
  }
  return bytes;
}

ParallelMode asked_parallel_mode(const std::vector<ExperimentConfig>& configs) {
  const ExperimentConfig* explicit_one = nullptr;
  for (const ExperimentConfig& config : configs) {
    if (config.train.parallel == ParallelMode::automatic) continue;
    if (explicit_one && explicit_one->train.parallel != config.train.parallel) {
      throw ConfigError(fmt::format(
          "train.parallel: {} gives {} and {} gives {}; configs compared together share their "
          "ranks one way: give them the same train.parallel (or auto)",
          explicit_one->source, parallel_mode_name(explicit_one->train.parallel), config.source,
          parallel_mode_name(config.train.parallel)));
    }
    explicit_one = &config;
  }
  return explicit_one ? explicit_one->train.parallel : ParallelMode::automatic;
}

int ranks_on_this_host() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    if (const char* value = std::getenv(name)) {
      const int ranks = std::atoi(value);
      if (ranks >= 1) return ranks;
    }
  }
  return 1;
}

ParallelMode resolve_parallel_mode(const std::vector<ExperimentConfig>& configs,
                                   Communicator& communicator) {
  ParallelMode asked = ParallelMode::automatic;
  communicator.collectively([&] { asked = asked_parallel_mode(configs); });
  if (communicator.size() == 1) return ParallelMode::runs;
  // Decided on rank 0 alone: the available memory (and the ranks per host) differ between hosts.
  std::uint64_t decision = 0;
  if (communicator.rank() == 0) {
    MemoryOutlook outlook;
    for (const ExperimentConfig& config : configs) {
      for (const DatasetEntry& entry : config.datasets) {
        outlook.largest_dataset_bytes =
            std::max(outlook.largest_dataset_bytes, estimated_memory_bytes(entry.data));
        const DataConfig& data = entry.data;
        outlook.every_dataset_spreads =
            outlook.every_dataset_spreads && data.format == DataFormat::csv &&
            data.storage != FeatureStorage::sparse && data.categorical.empty() &&
            !data.categorical_auto;
      }
    }
    outlook.available_bytes = available_memory_bytes();
    outlook.ranks_on_host = ranks_on_this_host();
    const ParallelMode mode = choose_parallel_mode(asked, communicator.size(), outlook);
    decision = static_cast<std::uint64_t>(mode);
  }
  communicator.broadcast_bytes(std::as_writable_bytes(std::span(&decision, 1)), 0);
  return static_cast<ParallelMode>(decision);
}

}  // namespace aumtrain
