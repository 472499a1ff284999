// What names a loss in a configuration, and the names there are: what the configuration layer
// needs of the losses, without the losses themselves (and the AUM kernel behind them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/core/error_diffs.hpp"

namespace aumtrain {

/// Which loss to make, as written in a configuration.
struct LossSpec {
  /// One of loss_names().
  std::string name;
  /// For `aum`: rate (default) or count.
  Denominator denominator = Denominator::rate;
  /// For `squared_hinge_all_pairs`: the margin m > 0 (default 1).
  double margin = 1.0;
};

/// The names make_loss accepts, in alphabetical order. Registration happens before main()
/// starts, so the list is complete whenever it is asked for.
const std::vector<std::string_view>& loss_names();

}  // namespace aumtrain
