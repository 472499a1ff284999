#include "aumtrain/core/errors.hpp"

#include <fmt/format.h>

namespace aumtrain {

std::string SourceLocation::to_string() const {
  if (line == 0) return file;
  if (column == 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

}  // namespace aumtrain
