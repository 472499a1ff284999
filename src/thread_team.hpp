// Which thread of an OpenMP team is running, for the core's parallel loops. Without OpenMP
// every loop runs on one thread and these say so.
#pragma once

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace aumtrain {

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
