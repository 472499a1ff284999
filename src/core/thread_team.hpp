// Which thread of an OpenMP team is running, for the core's parallel loops. Without OpenMP
// every loop runs on one thread and these say so.
#pragma once

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <cstddef>

namespace aumtrain {

/// Below this many examples the threshold sort and the AUM kernel run on one thread whatever
/// they are asked. Each call has several parallel phases, and every phase ends when the slower
/// thread does: on a machine whose cores are busy with other work a phase can wait a whole
/// scheduler time slice (milliseconds), which only pays off for calls that take tens of
/// milliseconds.
inline constexpr std::size_t kParallelMinSize = std::size_t{1} << 18;

inline int thread_number() noexcept {
#if defined(_OPENMP)
  return omp_get_thread_num();
#else
  return 0;
#endif
}

inline int team_size() noexcept {
#if defined(_OPENMP)
  return omp_get_num_threads();
#else
  return 1;
#endif
}

}  // namespace aumtrain
