// AUM and its gradient by libtorch automatic differentiation, as in the original R study: its
// ROC_curve / Proposed_AUM tensor code (argsort, cumsum, the tie masks, sum), then backward(). It
// is the reference the explicit kernel is timed and checked against; training never uses it. Built
// only with libtorch (CMake option AUMTRAIN_WITH_TORCH), as a plug-in that is loaded on first use,
// so that no other command pays for loading libtorch.
#pragma once

#include <span>

#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain {

/// Whether this build includes libtorch.
bool autograd_available() noexcept;

/// Sets how many threads libtorch uses inside one operation (at::set_num_threads). Throws
/// ConfigError when `threads` < 1 or the build has no libtorch, RunError when the plug-in
/// cannot be loaded.
void set_autograd_threads(int threads);

/// Builds CPU double tensors from `scores` and `labels` (0/1 or -1/1, 1 positive), computes AUM
/// with the R study's tensor algorithm, calls backward() and copies d AUM / d score into
/// `gradient`. At tied scores autograd returns one subgradient (what its sort order implies),
/// not the mean of the directional derivatives. Returns AUM. Throws ConfigError when the build
/// has no libtorch, RunError when the plug-in cannot be loaded or libtorch fails, and
/// std::invalid_argument when the sizes differ.
double autograd_aum_gradient(std::span<const double> scores, std::span<const double> labels,
                             Denominator denominator, std::span<double> gradient);

}  // namespace aumtrain
