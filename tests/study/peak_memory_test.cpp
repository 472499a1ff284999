#include "aumtrain/study/peak_memory.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace aumtrain {
namespace {

TEST(PeakMemory, SeesMemoryTouchedAndFreedInside) {
  const PeakMemoryProbe probe;
  if (!probe.extra_bytes()) GTEST_SKIP() << "this system does not expose the peak RSS";
  constexpr std::size_t bytes = std::size_t{64} << 20;
  {
    const auto block = std::make_unique<char[]>(bytes);
    std::memset(block.get(), 1, bytes);
    EXPECT_NE(block[bytes / 2], 0);
  }
  const auto extra = probe.extra_bytes();
  ASSERT_TRUE(extra.has_value());
  EXPECT_GE(*extra, bytes - (std::size_t{1} << 20));
  EXPECT_LE(*extra, bytes + (std::size_t{16} << 20));
}

}  // namespace
}  // namespace aumtrain
