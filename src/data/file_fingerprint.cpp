#include "aumtrain/data/file_fingerprint.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// OpenSSL's SHA-256, fed piece by piece.
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
      throw RunError("OpenSSL cannot start a SHA-256 digest; check the OpenSSL installation");
    }
  }
  void add(const char* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(context_.get(), data, size) != 1) {
      throw RunError("OpenSSL's SHA-256 digest failed");
    }
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest, &size) != 1) {
      throw RunError("OpenSSL's SHA-256 digest failed");
    }
    std::string text;
    for (unsigned int i = 0; i < size; ++i) text += fmt::format("{:02x}", digest[i]);
    return text;
  }

 private:
  DigestContext context_;
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Sha256 digest;
  digest.add(bytes.data(), bytes.size());
  return digest.hex();
}

FileFingerprint fingerprint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(fmt::format("{}: cannot open the file for reading; check the path", path));
  Sha256 digest;
  FileFingerprint fingerprint{path, 0, "", {}};
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    digest.add(buffer.data(), got);
    fingerprint.bytes += got;
  }
  if (in.bad()) throw DataError(fmt::format("{}: the file could not be read to its end", path));
  fingerprint.sha256 = digest.hex();
  return fingerprint;
}

}  // namespace aumtrain
