// `aumtrain help [COMMAND]`: the same text as `aumtrain --help` or `aumtrain COMMAND --help`.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "commands.hpp"
#include "print_results.hpp"

namespace aumtrain::app {

Command add_help_command(CLI::App& parent) {
  auto topic = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand(
      "help", "Print the help of aumtrain, or of one command (aumtrain help train)");
  command->add_option("COMMAND", *topic, "The command to explain");
  return {command, [&parent, command, topic] {
            if (topic->empty()) {
              // Not parent.help(): that would describe the command chosen, `help` itself.
              print_results(parent.get_formatter()->make_help(&parent, parent.get_name(),
                                                              CLI::AppFormatMode::Normal));
              return 0;
            }
            std::vector<std::string> names;
            for (const CLI::App* sub : parent.get_subcommands({})) {
              if (sub == command) continue;
              if (sub->get_name() == *topic) {
                print_results(sub->help(parent.get_name()));
                return 0;
              }
              names.push_back(sub->get_name());
            }
            throw ConfigError(fmt::format("help: there is no command '{}'; the commands are {}",
                                          *topic, fmt::join(names, ", ")));
          }};
}

}  // namespace aumtrain::app
