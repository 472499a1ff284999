// The command line as a whole: --version.
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

}  // namespace
}  // namespace aumtrain
