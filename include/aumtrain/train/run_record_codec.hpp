// Run records as bytes, for the ranks of a runs-parallel experiment to send their runs to rank
// 0: every field, each double as its 64 bits, so that what rank 0 reports is what the rank that
// trained the run computed, to the bit. Integers and the bits of doubles are written
// little-endian; the ranks run the same build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "aumtrain/train/experiment.hpp"

namespace aumtrain {

/// A run record with a number of the sender's choosing (a run's place in its group's grid).
struct TaggedRunRecord {
  std::uint64_t tag = 0;
  RunRecord record;
};

/// Appends `record` and its tag to `out`.
void append_run_record(std::vector<std::byte>& out, std::uint64_t tag, const RunRecord& record);

/// Every record of `bytes` (records appended one after another), in order. Throws RunError
/// when the bytes end inside a record or hold a value no record has.
std::vector<TaggedRunRecord> read_run_records(std::span<const std::byte> bytes);

}  // namespace aumtrain
