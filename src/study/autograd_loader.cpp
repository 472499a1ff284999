// The core's side of the autograd reference: finds the libtorch plug-in, loads it on first
// use and turns its C interface back into the functions of autograd_aum.hpp.
#include <dlfcn.h>
#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "aumtrain/study/autograd_aum.hpp"
#include "aumtrain/core/errors.hpp"
#include "autograd_module.hpp"

namespace aumtrain {
namespace {

struct AutogradModule {
  AumtrainAutogradGradient gradient = nullptr;
  AumtrainAutogradSetThreads set_threads = nullptr;
};

#if AUMTRAIN_WITH_TORCH
// Where the plug-in may be: $AUMTRAIN_AUTOGRAD_MODULE, next to the running program, and where
// the build put it.
std::vector<std::string> module_candidates() {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("AUMTRAIN_AUTOGRAD_MODULE"); path && *path) {
    candidates.emplace_back(path);
  }
  std::error_code error;
  const auto program = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error)
    candidates.push_back((program.parent_path() / AUMTRAIN_AUTOGRAD_MODULE_NAME).string());
  candidates.emplace_back(AUMTRAIN_AUTOGRAD_MODULE);
  return candidates;
}

AutogradModule load_module() {
  std::string failures;
  for (const std::string& path : module_candidates()) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) continue;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      failures += fmt::format("; {}: {}", path, ::dlerror());
      continue;
    }
    AutogradModule module;
    module.gradient =
        reinterpret_cast<AumtrainAutogradGradient>(::dlsym(handle, kAutogradGradientSymbol));
    module.set_threads =
        reinterpret_cast<AumtrainAutogradSetThreads>(::dlsym(handle, kAutogradSetThreadsSymbol));
    if (module.gradient && module.set_threads) return module;  // stays loaded: libtorch
    failures += fmt::format("; {}: not the aumtrain autograd plug-in", path);
    ::dlclose(handle);
  }
  throw RunError(
      fmt::format("cannot load the autograd plug-in {} (libtorch){}; rebuild aumtrain, or set "
                  "AUMTRAIN_AUTOGRAD_MODULE to the plug-in's path",
                  AUMTRAIN_AUTOGRAD_MODULE_NAME, failures.empty() ? ": not found" : failures));
}
#endif

// Loaded once, on first use; a failed load is tried again on the next call.
const AutogradModule& module() {
#if AUMTRAIN_WITH_TORCH
  static const AutogradModule loaded = load_module();
  return loaded;
#else
  throw ConfigError(
      "this aumtrain was built without libtorch, so the autograd method is not available; "
      "install libtorch-dev and configure with -DAUMTRAIN_WITH_TORCH=ON");
#endif
}

}  // namespace

bool autograd_available() noexcept {
  return AUMTRAIN_WITH_TORCH != 0;
}

void set_autograd_threads(int threads) {
  if (threads < 1) {
    throw ConfigError(fmt::format("threads is {}; libtorch needs at least 1 thread", threads));
  }
  std::array<char, 512> message{};
  if (module().set_threads(threads, message.data(), message.size()) != 0) {
    throw RunError(fmt::format("libtorch: {}", message.data()));
  }
}

double autograd_aum_gradient(std::span<const double> scores, std::span<const double> labels,
                             Denominator denominator, std::span<double> gradient) {
  if (labels.size() != scores.size() || gradient.size() != scores.size()) {
    throw std::invalid_argument(
        fmt::format("autograd_aum_gradient: {} scores, {} labels, {} gradient entries",
                    scores.size(), labels.size(), gradient.size()));
  }
  std::array<char, 512> message{};
  double aum = 0.0;
  if (module().gradient(scores.data(), labels.data(), scores.size(),
                        denominator == Denominator::count ? 1 : 0, gradient.data(), &aum,
                        message.data(), message.size()) != 0) {
    throw RunError(fmt::format("libtorch autograd failed: {}", message.data()));
  }
  return aum;
}

}  // namespace aumtrain
