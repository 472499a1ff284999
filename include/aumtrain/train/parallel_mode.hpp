// How the ranks of `mpirun -np P aumtrain train|compare` share an experiment (train.parallel):
// by runs, every rank holding all of the data, or by data, the rows spread over the ranks.
#pragma once

#include <cstddef>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "aumtrain/core/communicator.hpp"

namespace aumtrain {

/// What the automatic choice weighs, as one rank sees it.
struct MemoryOutlook {
  double largest_dataset_bytes = 0;  ///< estimated_memory_bytes() of the largest dataset
  std::size_t available_bytes = 0;   ///< available_memory_bytes(); 0 when unknown
  int ranks_on_host = 1;             ///< the ranks that share that memory, >= 1
  /// Whether every dataset can be spread over ranks (dense numeric CSV: see
  /// load_dataset_share()); when one cannot, auto keeps to runs.
  bool every_dataset_spreads = true;
};

/// The mode of `ranks` ranks when the configs ask for `asked`. One rank runs everything itself
/// (runs). data and runs are taken as asked. automatic is data when the largest dataset needs
/// more than a quarter of one rank's share of the host's available memory (available_bytes /
/// ranks_on_host / 4): every rank of a runs-parallel experiment holds every dataset, and the
/// training, its copies and the other processes of the host need the rest. It is runs otherwise,
/// when the available memory is unknown, and when some dataset cannot be spread.
ParallelMode choose_parallel_mode(ParallelMode asked, int ranks, const MemoryOutlook& outlook);

/// The bytes a dataset file will take once loaded, estimated from its size alone: twice its
/// bytes. A dense CSV cell of 6 to 10 characters becomes an 8-byte double, and each row adds its
/// label, id and line number; a libsvm nonzero of about 8 characters becomes 12 bytes. 0 when the
/// file cannot be read (loading it says why). For shards, the sum over them.
double estimated_memory_bytes(const DataConfig& data);

/// The train.parallel of configs compared together: the one mode that any of them gives
/// explicitly, else automatic. Throws ConfigError when two of them give different modes.
ParallelMode asked_parallel_mode(const std::vector<ExperimentConfig>& configs);

/// The ranks on this host as the launcher tells them (OMPI_COMM_WORLD_LOCAL_SIZE, or MPICH's
/// MPI_LOCALNRANKS); 1 when neither is set.
int ranks_on_this_host();

/// The mode of the experiment, the same on every rank: rank 0 measures (the datasets' files, its
/// host's available memory and ranks) and decides, and broadcasts its decision. Collective: every
/// rank calls it; a bad train.parallel throws the same ConfigError on every rank.
ParallelMode resolve_parallel_mode(const std::vector<ExperimentConfig>& configs,
                                   Communicator& communicator);

}  // namespace aumtrain
