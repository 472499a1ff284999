#include "aumtrain/data/file_shares.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

// The first line start at or after `position`, from `first_byte` on: `position` itself when the
// byte before it is a '\n', else the byte after the next '\n' (the file's size when none).
std::uint64_t line_start_at_or_after(std::ifstream& file, const std::string& path,
                                     std::uint64_t first_byte, std::uint64_t size,
                                     std::uint64_t position) {
  if (position <= first_byte) return first_byte;
  if (position >= size) return size;
  constexpr std::size_t kChunkBytes = 1 << 16;
  std::vector<char> chunk(kChunkBytes);
  std::uint64_t at = position - 1;  // the byte before the cut may end a line
  file.clear();
  file.seekg(static_cast<std::streamoff>(at));
  while (at < size) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(kChunkBytes, size - at));
    file.read(chunk.data(), want);
    if (file.gcount() != want) {
      throw DataError(
          fmt::format("{}: cannot read bytes {} to {}; the file may have changed "
                      "while it was read",
                      path, at, at + static_cast<std::uint64_t>(want)));
    }
    const char* const begin = chunk.data();
    const char* const found = std::find(begin, begin + want, '\n');
    if (found != begin + want) return at + static_cast<std::uint64_t>(found - begin) + 1;
    at += static_cast<std::uint64_t>(want);
  }
  return size;
}

}  // namespace

ByteShare line_aligned_share(const std::string& path, std::uint64_t first_byte, int reader,
                             int readers) {
  if (readers < 1 || reader < 0 || reader >= readers) {
    throw std::invalid_argument(
        fmt::format("line_aligned_share: reader {} of {}", reader, readers));
  }
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path, error);
  std::ifstream file(path, std::ios::binary);
  if (error || !file) {
    throw DataError(fmt::format("{}: cannot open the file to read its share: {}", path,
                                error ? error.message() : "it cannot be opened"));
  }
  if (first_byte > size) {
    throw std::invalid_argument(fmt::format(
        "line_aligned_share: data starts at byte {} of a file of {} bytes", first_byte, size));
  }
  const std::uint64_t data = size - first_byte;
  const auto cut = [&](int k) {
    // data * k / readers without overflow for files below 2^63 bytes and any int readers.
    const auto whole = static_cast<std::uint64_t>(readers);
    const auto part = static_cast<std::uint64_t>(k);
    const std::uint64_t nominal = first_byte + data / whole * part + data % whole * part / whole;
    return line_start_at_or_after(file, path, first_byte, size, nominal);
  };
  const std::uint64_t begin = cut(reader);
  const std::uint64_t end = reader + 1 == readers ? size : cut(reader + 1);
  return {begin, std::max(begin, end)};
}

}  // namespace aumtrain
