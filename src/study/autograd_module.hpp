// The C interface between the core and the libtorch plug-in (src/study/autograd_aum.cpp), which the
// core loads with dlopen() (src/study/autograd_loader.cpp). Plain C types only: no exception or C++
// type crosses the boundary.
#pragma once

#include <cstddef>

extern "C" {

/// AUM and d AUM / d score by autograd. `count_denominator` is 0 for rate, 1 for count.
/// Returns 0 on success; otherwise writes a NUL-terminated message (cut to `error_size`) into
/// `error` and returns 1.
using AumtrainAutogradGradient = int (*)(const double* scores, const double* labels, std::size_t n,
                                         int count_denominator, double* gradient, double* aum,
                                         char* error, std::size_t error_size);

/// Sets libtorch's intra-op thread count. Returns 0 on success, 1 with a message otherwise.
using AumtrainAutogradSetThreads = int (*)(int threads, char* error, std::size_t error_size);
}

namespace aumtrain {
inline constexpr const char* kAutogradGradientSymbol = "aumtrain_autograd_gradient";
inline constexpr const char* kAutogradSetThreadsSymbol = "aumtrain_autograd_set_threads";
}  // namespace aumtrain
