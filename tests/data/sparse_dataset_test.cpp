// Reading libsvm (svmlight) files into sparse storage, and the memory checks.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/dataset.hpp"
#include "aumtrain/data/split.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

DatasetEntry libsvm_entry(const std::string& path, FeatureStorage storage = FeatureStorage::automatic) {
  DatasetEntry entry;
  entry.name = "svm";
  entry.data.path = path;
  entry.data.format = DataFormat::libsvm;
  entry.data.storage = storage;
  return entry;
}

std::string sparse_load_error(const DatasetEntry& entry) {
  try {
    load_dataset(entry);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// Row r of the file as raw values, from the CSR arrays and the scales.
std::vector<double> raw_row(const Dataset& d, std::size_t r) {
  std::vector<double> row(d.feature_count(), 0.0);
  const SparseFeatureMatrix& m = d.sparse_features;
  for (auto k = m.row_start[r]; k < m.row_start[r + 1]; ++k) {
    const auto j = static_cast<std::size_t>(m.column[static_cast<std::size_t>(k)]);
    row[j] = d.center[j] + d.scale[j] * m.value[static_cast<std::size_t>(k)];
  }
  return row;
}

TEST(SparseDataset, ReadsCommentsQidAndBothLabelStyles) {
  testing::TempDir dir;
  struct Case {
    const char* name;
    const char* text;
    const char* positive_label;
  };
  for (const Case& c : {Case{"+1/-1", "# header comment\n+1 qid:3 2:0.5 7:2 # tail\n-1 qid:3 7:1\n\n+1 2:-1 9:0\n", "1"},
                        Case{"0/1", "1 qid:1 2:0.5 7:2\n0 7:1 # c\n# only a comment\n1 2:-1 9:0\n", "1"}}) {
    DatasetEntry entry = libsvm_entry(dir.write("d.svm", c.text));
    entry.data.positive_label = c.positive_label;
    const Dataset d = load_dataset(entry);
    EXPECT_TRUE(d.sparse) << c.name;
    // Features are the indices with a nonzero value somewhere: 9 only has a 0.
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"f2", "f7"})) << c.name;
    EXPECT_EQ(d.is_positive, (std::vector<std::uint8_t>{1, 0, 1})) << c.name;
    EXPECT_EQ(d.sparse_features.nonzeros(), 4u) << c.name;
    EXPECT_EQ(d.sparse_features.row_start, (std::vector<std::int64_t>{0, 2, 3, 4})) << c.name;
    EXPECT_EQ(d.center, (std::vector<double>{0.0, 0.0})) << c.name;  // never centred
    const std::vector<double> expected[] = {{0.5, 2}, {0, 1}, {-1, 0}};
    for (std::size_t r = 0; r < 3; ++r) {
      const std::vector<double> row = raw_row(d, r);
      for (std::size_t j = 0; j < 2; ++j) EXPECT_NEAR(row[j], expected[r][j], 1e-15) << c.name << " row " << r;
    }
  }
  const Dataset with_qid = load_dataset(libsvm_entry(dir.write("q.svm", "1 qid:1 1:1\n0 qid:1 1:2\n1 qid:2 1:3\n")));
  EXPECT_EQ(with_qid.qid_lines, 3u);
}

TEST(SparseDataset, AValueThatUnderflowsOnceScaledLeavesTheNonzeros) {
  testing::TempDir dir;
  // Column 4 holds 1e-300 and 1e300: scaled by the column's spread (about 5e299), 1e-300 is 0.
  const Dataset d = load_dataset(libsvm_entry(
      dir.write("d.svm", "1 2:0.5 7:2\n0 qid:1\n1 4:1e-300\n0 4:1e300\n1 2:1 4:2e300\n"),
      FeatureStorage::sparse));
  const SparseFeatureMatrix& m = d.sparse_features;
  EXPECT_EQ(m.row_start, (std::vector<std::int64_t>{0, 2, 2, 2, 3, 5}));
  EXPECT_EQ(m.nonzeros(), 5u);
  for (const double value : m.value) {
    EXPECT_TRUE(std::isfinite(value) && value != 0) << value;
  }
}

TEST(SparseDataset, ZeroBasedIndexIsAnErrorAtItsPlace) {
  testing::TempDir dir;
  const std::string path = dir.write("z.svm", "1 1:1\n0 0:2 3:1\n");
  EXPECT_EQ(sparse_load_error(libsvm_entry(path)),
            path + ":2:3: '0:2' is not index:value with an index >= 1");
}

TEST(SparseDataset, SplitsReorderTheIndexNotTheNonzeros) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 40; ++i) text += fmt::format("{} {}:{} 50:{}\n", i % 2, 1 + i % 3, i + 1, i % 5);
  Dataset d = load_dataset(libsvm_entry(dir.write("s.svm", text)));
  const std::vector<double> values = d.sparse_features.value;
  SplitConfig config;
  const PreparedSplit split = prepare_split(d, config, 2, std::nullopt);
  EXPECT_EQ(d.sparse_features.value, values);
  // Each row's id still names its row of the file: the line and the raw values agree.
  for (std::size_t p = 0; p < d.size(); ++p) {
    EXPECT_EQ(d.line[p], d.row_id[p] + 1u);
    EXPECT_NEAR(raw_row(d, d.row_id[p])[static_cast<std::size_t>(d.row_id[p] % 3)], d.row_id[p] + 1.0, 1e-12);
  }
  EXPECT_EQ(split.feature_map.size(), d.feature_count());
}

TEST(SparseDataset, MemoryNeedIsTwelveBytesPerNonzeroPlusPerRowAndPerFeatureCosts) {
  const double rows = 1000, cols = 50, nonzeros = 20000;
  const double need = sparse_memory_bytes(1000, 50, 20000);
  EXPECT_LE(need, 12 * nonzeros + (8 + 1 + 4 + 8) * rows + cols * (sizeof(std::string) + 24));
  EXPECT_GE(need, 12 * nonzeros + 8 * rows);
  EXPECT_EQ(dense_memory_bytes(1000, 50), 8 * rows * cols + 13 * rows + cols * (sizeof(std::string) + 8));
}

TEST(SparseDataset, MemoryCheckComparesTheNeedWithWhatIsAvailable) {
  const double need = sparse_memory_bytes(2000, 20000, 5'000'000);
  const auto roomy = static_cast<std::size_t>(need * 2);
  EXPECT_NO_THROW(check_memory_need("d.svm", "2,000 rows", need, roomy));
  EXPECT_NO_THROW(check_memory_need("d.svm", "2,000 rows", need, 0));  // unknown: never refused
  try {
    check_memory_need("d.svm", "2,000 rows x 20,000 features with 5,000,000 nonzeros", need,
                      static_cast<std::size_t>(need * 1.2));  // needs more than 80% of it
    FAIL() << "no error";
  } catch (const DataError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("d.svm: 2,000 rows x 20,000 features with 5,000,000 "
                                              "nonzeros need 0.06 GiB of memory, but only 0.07 GiB "
                                              "is available; use fewer rows",
                                              0),
              0u)
        << error.what();
  }
}

// 2,000 rows with feature indices up to 2e8: 3.2 TB dense, a few hundred kB sparse.
TEST(SparseDataset, LoadsAFileWhoseDenseFormWouldNotFit) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += fmt::format("{} {}:1 {}:{} 200000000:{}\n", i % 2, 1 + i % 7, 1000 + 99991 * (i % 50),
                        (i % 3) - 1, 0.5 + i % 2);
  }
  const std::string path = dir.write("wide.svm", text);
  EXPECT_NE(sparse_load_error(libsvm_entry(path, FeatureStorage::dense)).find("GiB of memory, but only"),
            std::string::npos);
  const Dataset d = load_dataset(libsvm_entry(path));
  EXPECT_EQ(d.size(), 2000u);
  EXPECT_EQ(d.feature_count(), 7u + 50u + 1u);
  EXPECT_EQ(d.feature_names.back(), "f200000000");
  EXPECT_LT(sparse_memory_bytes(d.size(), d.feature_count(), d.sparse_features.nonzeros()), 1e6);
}

}  // namespace
}  // namespace aumtrain
