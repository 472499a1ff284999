// A registry of named makers, filled by static initialisers in the files that define the
// entries (losses, optimizers): adding an entry is one new file, and nothing lists them by hand.
#pragma once

#include <fmt/format.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {

template <class Maker>
class Registry {
 public:
  /// The one registry of this kind, built on first use so that registrations from any file's
  /// static initialiser find it, whatever order they run in.
  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  /// Returns true so that it can initialise a static.
  bool add(std::string_view name, Maker maker) {
    makers_.emplace(std::string(name), std::move(maker));
    names_.clear();
    for (const auto& [known, unused] : makers_) names_.push_back(known);
    return true;
  }

  /// The registered names in alphabetical order. Registration happens before main() starts,
  /// so the list is complete whenever it is asked for.
  const std::vector<std::string_view>& names() const noexcept { return names_; }

  /// The maker of `name`; an unknown name throws ConfigError listing the valid ones:
  /// "unknown <kind> 'name'; valid <kinds>: ...".
  const Maker& get(std::string_view name, std::string_view kind, std::string_view kinds) const {
    const auto it = makers_.find(name);
    if (it == makers_.end()) {
      throw ConfigError(fmt::format("unknown {} '{}'; valid {}: {}", kind, name, kinds,
                                    fmt::join(names_, ", ")));
    }
    return it->second;
  }

 private:
  std::map<std::string, Maker, std::less<>> makers_;
  std::vector<std::string_view> names_;
};

}  // namespace aumtrain
