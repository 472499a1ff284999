// Peak extra memory of a piece of code, from the kernel's resident-set high-water mark: Linux
// lets a process reset its own VmHWM (write 5 to /proc/self/clear_refs), so the peak can be read
// for one call at a time. It counts every allocation (libtorch's too), page by page, so sizes
// below a few pages are not resolved.
#pragma once

#include <cstddef>
#include <optional>

namespace aumtrain {

class PeakMemoryProbe {
 public:
  /// Returns free heap memory to the system (malloc_trim), resets the high-water mark and notes
  /// the resident set size now. When the system does not allow it, the probe is unavailable and
  /// extra_bytes() is empty.
  PeakMemoryProbe();

  /// Highest resident set size since construction, minus the size at construction (0 when the
  /// code freed more than it took).
  std::optional<std::size_t> extra_bytes() const;

 private:
  std::optional<std::size_t> start_bytes_;
};

}  // namespace aumtrain
