#include "count_option.hpp"

#include <string>

#include "aumtrain/core/text_format.hpp"

namespace aumtrain::app {

CLI::Validator count_form() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const CountReading count = read_count(text);
        if (count.value) text = std::to_string(*count.value);
        return count.problem;
      },
      "");  // nothing to add to the option's type in the help
}

}  // namespace aumtrain::app
