#include "aumtrain/data/file_shares.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

// A file in the test's temporary folder with these bytes.
std::string file_with(const std::string& name, const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("aumtrain_file_shares_" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path.string();
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> shares_of(const std::string& path,
                                                               std::uint64_t first_byte,
                                                               int readers) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (int r = 0; r < readers; ++r) {
    const ByteShare share = line_aligned_share(path, first_byte, r, readers);
    out.emplace_back(share.begin, share.end);
  }
  return out;
}

using Shares = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

// "h\nab\ncdef\ng\n": the header is bytes 0-1, data lines start at 2, 5 and 10 (12 bytes).
TEST(FileShares, CutsMoveForwardToTheNextLineStart) {
  const std::string path = file_with("worked", "h\nab\ncdef\ng\n");
  EXPECT_EQ(shares_of(path, 2, 1), (Shares{{2, 12}}));
  // Cut at 7, inside "cdef": moves to 10.
  EXPECT_EQ(shares_of(path, 2, 2), (Shares{{2, 10}, {10, 12}}));
  // Cuts at 5 (a line start, kept) and 8 (moves to 10).
  EXPECT_EQ(shares_of(path, 2, 3), (Shares{{2, 5}, {5, 10}, {10, 12}}));
  // Cuts at 4, 7 and 9: the third reader's part lies inside "cdef\n" and is empty.
  EXPECT_EQ(shares_of(path, 2, 4), (Shares{{2, 5}, {5, 10}, {10, 10}, {10, 12}}));
  // Without a header line, from byte 0.
  EXPECT_EQ(shares_of(path, 0, 2), (Shares{{0, 10}, {10, 12}}));
}

TEST(FileShares, ALastLineWithoutNewlineAndCrlfLines) {
  const std::string path = file_with("crlf", "a\r\nbb\r\nccc");
  // 10 bytes; the cut at 5 lies in "bb\r\n" and moves to 7; CR stays with its line.
  EXPECT_EQ(shares_of(path, 0, 2), (Shares{{0, 7}, {7, 10}}));
}

// Whatever the number of readers, the shares cover the data once, in order, each starting at
// a line start.
TEST(FileShares, CoverEveryByteOnceFromLineStarts) {
  std::string text = "header,line\n";
  for (int line = 0; line < 200; ++line) text += std::string(1 + (line * 37) % 90, 'x') + "\n";
  text += "last line without a newline";
  const std::string path = file_with("many", text);
  const std::uint64_t first = 12;
  for (int readers = 1; readers <= 17; ++readers) {
    const Shares shares = shares_of(path, first, readers);
    EXPECT_EQ(shares.front().first, first) << readers << " readers";
    EXPECT_EQ(shares.back().second, text.size()) << readers << " readers";
    for (int r = 0; r < readers; ++r) {
      const auto [begin, end] = shares[static_cast<std::size_t>(r)];
      EXPECT_LE(begin, end) << readers << " readers, reader " << r;
      if (r + 1 < readers) {
        EXPECT_EQ(end, shares[static_cast<std::size_t>(r) + 1].first) << readers << " readers";
      }
      if (begin > first && begin < text.size()) {
        EXPECT_EQ(text[begin - 1], '\n') << readers << " readers, reader " << r;
      }
    }
  }
}

TEST(FileShares, BadArgumentsAndMissingFilesAreRefused) {
  const std::string path = file_with("small", "a\nb\n");
  EXPECT_THROW(line_aligned_share(path, 0, 2, 2), std::invalid_argument);
  EXPECT_THROW(line_aligned_share(path, 0, -1, 2), std::invalid_argument);
  EXPECT_THROW(line_aligned_share(path, 5, 0, 1), std::invalid_argument);
  EXPECT_THROW(line_aligned_share(path + ".missing", 0, 0, 1), DataError);
  const ByteShare empty = line_aligned_share(file_with("empty", ""), 0, 0, 3);
  EXPECT_EQ(empty.size(), 0u);
}

}  // namespace
}  // namespace aumtrain
