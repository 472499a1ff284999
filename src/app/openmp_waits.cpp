#include "openmp_waits.hpp"

#include <unistd.h>

#include <cstdlib>

namespace aumtrain::app {

void make_openmp_waits_passive(char** argv) {
#if defined(_OPENMP)
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) {
    return;
  }
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  // The variable is now set, so the new start returns above instead of starting again.
  execv("/proc/self/exe", argv);
  unsetenv("OMP_WAIT_POLICY");  // no new start (no /proc?): go on as the user started us
#else
  (void)argv;
#endif
}

}  // namespace aumtrain::app
