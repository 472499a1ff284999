// The command line as a whole: --version, `help`.
#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using testing::run_aumtrain;

TEST(CommandLine, VersionPrintsTheProjectVersion) {
  const auto result = run_aumtrain("--version");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "aumtrain " AUMTRAIN_VERSION "\n");
}

TEST(CommandLine, HelpCommandPrintsTheHelpOfTheCommandNamed) {
  const auto help = run_aumtrain("help train");
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, run_aumtrain("train --help").out);
  EXPECT_NE(help.out.find("Usage:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("CONFIG"), std::string::npos) << help.out;

  const auto overview = run_aumtrain("help");
  EXPECT_EQ(overview.exit_code, 0) << overview.err;
  EXPECT_EQ(overview.out, run_aumtrain("--help").out);

  const auto unknown = run_aumtrain("help fly");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("help: there is no command 'fly'; the commands are train, compare, "),
            std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace aumtrain
