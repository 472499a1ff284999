// `aumtrain config-reference`: the Markdown reference of every config key, the text of
// configs/README.md's key tables.
#include "aumtrain/config/config.hpp"
#include "commands.hpp"
#include "print_results.hpp"

namespace aumtrain::app {

Command add_config_reference_command(CLI::App& parent) {
  CLI::App* command =
      parent.add_subcommand("config-reference",
                            "Print a Markdown table of every config key: its type, default, "
                            "allowed values and meaning");
  return {command, [] {
            print_results(config_reference_markdown());
            return 0;
          }};
}

}  // namespace aumtrain::app
