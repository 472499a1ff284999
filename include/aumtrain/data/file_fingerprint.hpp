// What identifies a data file's content: its size and SHA-256, recorded in model files so that
// a reader can check which data a model was trained on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aumtrain {

struct FileFingerprint {
  std::string path;         ///< as it was given
  std::uint64_t bytes = 0;  ///< the file's size
  std::string sha256;       ///< 64 lowercase hexadecimal digits
  /// A dataset of several shard files: all of them, in order, the first being `path` (whose
  /// size and digest these are, to keep the check simple); empty for one file.
  std::vector<std::string> shards;
};

/// Reads the whole file once. Throws DataError when it cannot be opened or read.
FileFingerprint fingerprint_file(const std::string& path);

/// The SHA-256 of `bytes` as 64 lowercase hexadecimal digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace aumtrain
