// How several readers share one text file: each reads a contiguous range of bytes that starts
// at the start of a line, so that no line is read twice or cut in two, and no reader needs what
// the others read.
#pragma once

#include <cstdint>
#include <string>

namespace aumtrain {

/// Bytes [begin, end) of a file.
struct ByteShare {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const noexcept { return end - begin; }
};

/// The bytes that reader `reader` of `readers` reads of the file at `path`, whose data starts at
/// byte `first_byte` (a line start: 0, or the byte after a CSV header's line). The bytes from
/// first_byte to the end are cut into `readers` nearly equal parts, and each cut moved forward
/// to the next line start (the byte after a '\n', so a CRLF line keeps its '\r'). Together the
/// shares cover those bytes once, in reader order; a reader whose part lies inside one long line
/// gets an empty share. Reads at most the bytes from each cut to the next '\n'. Throws
/// DataError when the file cannot be opened or read, and std::invalid_argument for a reader
/// outside 0 .. readers - 1 or a first_byte past the end.
ByteShare line_aligned_share(const std::string& path, std::uint64_t first_byte, int reader,
                             int readers);

}  // namespace aumtrain
