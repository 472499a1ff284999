// main() of aumtrain_mpi_tests, which ctest runs under mpirun: every rank runs every test, and
// only rank 0 prints, unless a test fails on another rank. The exit code is non-zero when any
// rank had a failure.
#include <gtest/gtest.h>

#include <cstdint>

#include "aumtrain/core/communicator.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  aumtrain::Communicator& world = aumtrain::world_communicator();
  if (world.rank() != 0) {
    // Other ranks report only failures, through the default printer's failure lines.
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    struct FailurePrinter : ::testing::EmptyTestEventListener {
      int rank;
      explicit FailurePrinter(int r) : rank(r) {}
      void OnTestPartResult(const ::testing::TestPartResult& result) override {
        if (result.failed()) {
          std::fprintf(stderr, "rank %d: %s:%d: %s\n", rank, result.file_name(),
                       result.line_number(), result.summary());
        }
      }
    };
    listeners.Append(new FailurePrinter(world.rank()));
  }
  const int result = RUN_ALL_TESTS();
  std::uint64_t failed = result == 0 ? 0 : 1;
  world.allreduce_max({&failed, 1});
  return failed == 0 ? 0 : 1;
}
