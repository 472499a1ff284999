#include "aumtrain/study/peak_memory.hpp"

#include <malloc.h>

#include <fstream>
#include <string>

namespace aumtrain {
namespace {

// A "Name:   1234 kB" line of /proc/self/status, in bytes.
std::optional<std::size_t> status_bytes(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      try {
        return static_cast<std::size_t>(std::stoull(line.substr(name.size() + 1))) * 1024;
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

bool reset_high_water_mark() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

}  // namespace

PeakMemoryProbe::PeakMemoryProbe() {
  // Free heap pages go back to the system first: memory the measured code takes from the heap
  // then shows as new resident pages instead of hiding in what earlier code freed.
  malloc_trim(0);
  if (reset_high_water_mark()) start_bytes_ = status_bytes("VmRSS");
}

std::optional<std::size_t> PeakMemoryProbe::extra_bytes() const {
  if (!start_bytes_) return std::nullopt;
  const auto peak = status_bytes("VmHWM");
  if (!peak) return std::nullopt;
  return *peak > *start_bytes_ ? *peak - *start_bytes_ : 0;
}

}  // namespace aumtrain
