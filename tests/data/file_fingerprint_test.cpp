// SHA-256 fingerprints of data files, against published and independently computed digests.
#include "aumtrain/data/file_fingerprint.hpp"

#include <gtest/gtest.h>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/dataset.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

TEST(FileFingerprint, Sha256OfTheStandardExamples) {
  // FIPS 180-2, appendix B.1, and the digest of no bytes.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(FileFingerprint, LoadedDatasetsCarryTheirFilesSizeAndDigest) {
  testing::TempDir dir;
  DatasetEntry entry;
  entry.name = "d";
  entry.data.path = dir.write("d.csv", "a,y\n1,1\n2,0\n3,1\n");
  const Dataset dataset = load_dataset(entry);
  EXPECT_EQ(dataset.fingerprint.path, entry.data.path);
  EXPECT_EQ(dataset.fingerprint.bytes, 16u);
  // As `sha256sum` prints it for the same bytes.
  EXPECT_EQ(dataset.fingerprint.sha256,
            "830192c9c416ebf64dfb9e2566e79b372242ab3e95148835d9328e884b1ef31b");
}

TEST(FileFingerprint, LargerThanOneReadBuffer) {
  testing::TempDir dir;
  const std::string content(3 * (1 << 20) + 17, 'x');
  const FileFingerprint fingerprint = fingerprint_file(dir.write("big.txt", content));
  EXPECT_EQ(fingerprint.bytes, content.size());
  EXPECT_EQ(fingerprint.sha256, sha256_hex(content));
}

TEST(FileFingerprint, MissingFileIsADataError) {
  EXPECT_THROW(fingerprint_file("/no/such/file.csv"), DataError);
}

}  // namespace
}  // namespace aumtrain
