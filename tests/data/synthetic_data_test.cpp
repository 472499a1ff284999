#include "aumtrain/data/synthetic_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/libsvm.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

namespace fs = std::filesystem;

struct SparseRow {
  std::string label;
  std::vector<std::size_t> indices;
  std::vector<double> values;
};

// The rows of a libsvm file as make-data writes it; fails the test on any other shape.
std::vector<SparseRow> read_sparse_rows(const fs::path& file) {
  std::ifstream in(file);
  std::vector<SparseRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream tokens(line);
    SparseRow row;
    tokens >> row.label;
    for (std::string token; tokens >> token;) {
      const auto colon = token.find(':');
      EXPECT_NE(colon, std::string::npos) << "line " << rows.size() + 1 << ": " << token;
      if (colon == std::string::npos) continue;
      row.indices.push_back(std::stoul(token.substr(0, colon)));
      row.values.push_back(std::stod(token.substr(colon + 1)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string sparse_file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

SyntheticSpec sparse_spec(std::size_t rows, std::size_t features, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.rows = rows;
  spec.features = features;
  spec.seed = seed;
  spec.positive_fraction = 0.3;
  return spec;
}

TEST(SyntheticLibsvm, EveryRowHasALabelAndKDistinctIncreasingIndices) {
  testing::TempDir dir;
  const struct {
    std::size_t features, nonzeros;
  } cases[] = {{50, 5}, {7, 7}, {1, 1}, {1000, 1}, {3, 2}};
  for (const auto& c : cases) {
    const fs::path file =
        dir.path() / ("d" + std::to_string(c.features) + "_" + std::to_string(c.nonzeros) + ".svm");
    const std::size_t positives =
        write_synthetic_libsvm(sparse_spec(300, c.features, 5), c.nonzeros, file);
    const auto rows = read_sparse_rows(file);
    ASSERT_EQ(rows.size(), 300u) << file;
    std::size_t positive_rows = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto& row = rows[r];
      const std::string where = file.filename().string() + " line " + std::to_string(r + 1);
      ASSERT_TRUE(row.label == "0" || row.label == "1") << where << ": label " << row.label;
      positive_rows += row.label == "1";
      ASSERT_EQ(row.indices.size(), c.nonzeros) << where;
      for (std::size_t k = 0; k < row.indices.size(); ++k) {
        EXPECT_GE(row.indices[k], 1u) << where;
        EXPECT_LE(row.indices[k], c.features) << where;
        if (k > 0) {
          EXPECT_LT(row.indices[k - 1], row.indices[k]) << where;
        }
        EXPECT_TRUE(std::isfinite(row.values[k])) << where;
      }
    }
    EXPECT_EQ(positives, positive_rows) << file;
  }
}

TEST(SyntheticLibsvm, TheSeedFixesEveryByte) {
  testing::TempDir dir;
  const auto spec = sparse_spec(500, 40, 11);
  write_synthetic_libsvm(spec, 6, dir.path() / "a.svm");
  write_synthetic_libsvm(spec, 6, dir.path() / "b.svm");
  EXPECT_EQ(sparse_file_bytes(dir.path() / "a.svm"), sparse_file_bytes(dir.path() / "b.svm"));
  write_synthetic_libsvm(sparse_spec(500, 40, 12), 6, dir.path() / "c.svm");
  EXPECT_NE(sparse_file_bytes(dir.path() / "a.svm"), sparse_file_bytes(dir.path() / "c.svm"));
  // Written through a temporary that is renamed: nothing else is left in the folder.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 3);
}

TEST(SyntheticLibsvm, IndicesAreUniformAndPositivesAreShiftedOnTheFirstTenthOnly) {
  testing::TempDir dir;
  SyntheticSpec spec = sparse_spec(20000, 30, 3);
  spec.positive_fraction = 0.5;
  spec.shift = 2;
  write_synthetic_libsvm(spec, 6, dir.path() / "s.svm");
  EXPECT_EQ(informative_features(30), 3u);
  std::vector<double> count(31, 0);
  double sums[2][2] = {}, counts[2][2] = {};  // [positive][informative]
  for (const auto& row : read_sparse_rows(dir.path() / "s.svm")) {
    const int positive = row.label == "1";
    for (std::size_t k = 0; k < row.indices.size(); ++k) {
      ++count[row.indices[k]];
      const int informative = row.indices[k] <= 3;
      sums[positive][informative] += row.values[k];
      ++counts[positive][informative];
    }
  }
  // 20000 x 6 / 30 = 4000 per index, sd about 57.
  for (std::size_t j = 1; j <= 30; ++j) EXPECT_NEAR(count[j], 4000, 300) << "index " << j;
  EXPECT_NEAR(sums[1][1] / counts[1][1], 2.0, 0.1) << "positives, informative";
  EXPECT_NEAR(sums[1][0] / counts[1][0], 0.0, 0.05) << "positives, other features";
  EXPECT_NEAR(sums[0][1] / counts[0][1], 0.0, 0.1) << "negatives, informative";
  EXPECT_NEAR(sums[0][0] / counts[0][0], 0.0, 0.05) << "negatives, other features";
}

TEST(SyntheticLibsvm, AumtrainsLibsvmReaderReadsEveryRow) {
  testing::TempDir dir;
  const fs::path file = dir.path() / "r.svm";
  const std::size_t positives = write_synthetic_libsvm(sparse_spec(400, 25, 9), 4, file);
  std::size_t lines = 0, labelled_positive = 0;
  for_each_libsvm_line(file.string(), [&](const LibsvmLine& line) {
    ++lines;
    labelled_positive += line.label == "1";
    EXPECT_TRUE(line.label == "0" || line.label == "1") << "line " << line.number;
    EXPECT_EQ(line.features.size(), 4u) << "line " << line.number;
  });
  EXPECT_EQ(lines, 400u);
  EXPECT_EQ(labelled_positive, positives);
}

TEST(SyntheticLibsvm, InformativeFeaturesAreTheFirstTenthRoundedUp) {
  const std::pair<std::size_t, std::size_t> cases[] = {{1, 1},  {9, 1},        {10, 1},
                                                       {11, 2}, {20000, 2000}, {20001, 2001}};
  for (const auto& [features, informative] : cases) {
    EXPECT_EQ(informative_features(features), informative) << features << " features";
  }
}

TEST(SyntheticLibsvm, RefusesNoNonzerosAndMoreNonzerosThanFeatures) {
  testing::TempDir dir;
  const struct {
    std::size_t nonzeros;
    std::string expected;
  } cases[] = {
      {0,
       "--nonzeros-per-row 0 is out of range: each row holds between 1 and --features (8) "
       "distinct features; give at least 1"},
      {9,
       "--nonzeros-per-row 9 is out of range: each row holds between 1 and --features (8) "
       "distinct features; lower it or raise --features"},
  };
  for (const auto& c : cases) {
    try {
      write_synthetic_libsvm(sparse_spec(10, 8, 1), c.nonzeros, dir.path() / "x.svm");
      ADD_FAILURE() << "K = " << c.nonzeros << " was accepted";
    } catch (const ConfigError& error) {
      EXPECT_EQ(std::string(error.what()), c.expected) << "K = " << c.nonzeros;
    }
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace aumtrain
