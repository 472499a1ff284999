// Data-parallel loading (load_dataset_share) and datasets of shards. This file is also built
// into aumtrain_mpi_tests, which runs it under mpirun with 1, 2 and 3 ranks: every test loads
// over world_communicator() and compares with what load_dataset() gives one process, bit for bit.
#include "aumtrain/data/dataset_share.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/dataset.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

// A folder that rank 0 makes and every rank uses; rank 0 removes it once every rank is done.
class SharedDir {
 public:
  explicit SharedDir(Communicator& comm) : comm_(comm) {
    std::string path;
    if (comm.rank() == 0) path = own_.emplace().path().string();
    std::uint64_t size = path.size();
    comm.broadcast_bytes(std::as_writable_bytes(std::span(&size, 1)), 0);
    path.resize(size);
    comm.broadcast_bytes(std::as_writable_bytes(std::span(path.data(), path.size())), 0);
    path_ = path;
  }
  ~SharedDir() { wait_for_every_rank(); }
  SharedDir(const SharedDir&) = delete;
  SharedDir& operator=(const SharedDir&) = delete;

  /// Rank 0 writes the file; every rank returns its path once it is written.
  std::string write(const std::string& name, const std::string& content) {
    const std::string file = (path_ / name).string();
    if (comm_.rank() == 0) std::ofstream(file, std::ios::binary) << content;
    wait_for_every_rank();
    return file;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  void wait_for_every_rank() {
    std::uint64_t nothing = 0;
    comm_.allreduce_sum({&nothing, 1});
  }
  Communicator& comm_;
  std::optional<testing::TempDir> own_;
  std::filesystem::path path_;
};

// One generated dataset: the text of its rows (CRLF line ends, no header) and its header.
struct GeneratedCsv {
  std::string header = "x1,x2,x3,label\r\n";
  std::vector<std::string> rows;
  std::string text() const {
    std::string out = header;
    for (const std::string& row : rows) out += row;
    return out;
  }
};

// `rows` rows of three features (of very different sizes) and a label spelt as a word (spam is
// positive), with a missing cell in every seventh row and a blank line after the tenth.
GeneratedCsv generated_csv(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const char* labels[] = {"spam", "ham", "eggs"};
  GeneratedCsv csv;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string x2 = i % 7 == 3 ? "NA" : fmt::format("{:.17g}", 1e6 + normal(rng));
    std::string row = fmt::format("{:.17g},{},{:.17g},{}\r\n", normal(rng), x2, 1e-3 * normal(rng),
                                  labels[(i * 5 + i / 3) % 3]);
    if (i == 10) row += "\r\n";
    csv.rows.push_back(row);
  }
  return csv;
}

DatasetEntry entry_for(const std::string& path) {
  DatasetEntry entry;
  entry.name = "generated";
  entry.data.path = path;
  entry.data.positive_label = "spam";
  entry.data.missing = MissingPolicy::drop_rows;
  return entry;
}

std::vector<std::uint64_t> bits(const std::vector<double>& values) {
  std::vector<std::uint64_t> out;
  for (const double value : values) out.push_back(std::bit_cast<std::uint64_t>(value));
  return out;
}

template <class T>
std::vector<T> gathered(Communicator& comm, const std::vector<T>& local) {
  std::vector<std::size_t> counts;
  return comm.allgatherv<T>(local, counts);
}

// Every rank's share, concatenated in rank order, is the one-process dataset, to the bit; what
// every rank holds of the whole dataset is the same as the one process's.
void expect_shares_make_the_whole(Communicator& comm, const Dataset& share, const Dataset& whole,
                                  const std::string& what) {
  SCOPED_TRACE(fmt::format("{}, rank {} of {}", what, comm.rank(), comm.size()));
  EXPECT_EQ(bits(gathered(comm, share.features.values)), bits(whole.features.values));
  EXPECT_EQ(gathered(comm, share.is_positive), whole.is_positive);
  EXPECT_EQ(gathered(comm, share.row_id), whole.row_id);
  const std::vector<std::uint64_t> lines(share.line.begin(), share.line.end());
  EXPECT_EQ(gathered(comm, lines),
            std::vector<std::uint64_t>(whole.line.begin(), whole.line.end()));
  EXPECT_EQ(share.features.rows, share.size());
  EXPECT_EQ(share.features.cols, whole.features.cols);
  EXPECT_EQ(share.feature_names, whole.feature_names);
  EXPECT_EQ(share.label_values, whole.label_values);
  EXPECT_EQ(bits(share.center), bits(whole.center));
  EXPECT_EQ(bits(share.scale), bits(whole.scale));
  EXPECT_EQ(share.total_rows, whole.size());
  EXPECT_EQ(share.first_row, comm.exscan_sum(share.size()));
  EXPECT_EQ(share.dropped_rows, whole.dropped_rows);
  EXPECT_EQ(share.first_dropped_lines, whole.first_dropped_lines);
  EXPECT_EQ(share.fingerprint.path, whole.fingerprint.path);
  EXPECT_EQ(share.fingerprint.bytes, whole.fingerprint.bytes);
  EXPECT_EQ(share.fingerprint.sha256, whole.fingerprint.sha256);
  EXPECT_EQ(share.fingerprint.shards, whole.fingerprint.shards);
  EXPECT_EQ(share.settings.delimiter, whole.settings.delimiter);
  EXPECT_EQ(share.settings.label_column, whole.settings.label_column);
}

// The error that every rank throws, and its exit code; empty when none throws.
std::pair<std::string, ExitCode> error_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const Error& error) {
    return {error.what(), error.exit_code()};
  }
  return {"", ExitCode::success};
}

TEST(DatasetShare, RanksTogetherHoldTheOneProcessRowsBitForBit) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  for (const std::size_t rows : std::initializer_list<std::size_t>{47, 23, 2}) {
    GeneratedCsv csv = generated_csv(rows, rows);
    if (rows == 2) csv.rows = {"1,2,3,spam\r\n", "4,5,6,ham\r\n"};  // fewer rows than ranks
    const DatasetEntry entry = entry_for(dir.write(fmt::format("d{}.csv", rows), csv.text()));
    const Dataset whole = load_dataset(entry);
    const Dataset share = load_dataset_share(entry, comm);
    expect_shares_make_the_whole(comm, share, whole, fmt::format("{} rows", rows));
    if (rows == 47) {
      EXPECT_GT(share.size(), 0u) << "rank " << comm.rank() << " holds no row of 47";
      EXPECT_EQ(whole.label_values, (std::vector<std::string>{"spam", "eggs", "ham"}));
      EXPECT_GT(whole.dropped_rows, 5u);
      // Rows 3, 10, 17, ... are dropped; the blank line after row 10 counts.
      EXPECT_EQ(whole.first_dropped_lines, (std::vector<std::size_t>{5, 12, 20, 27, 34}));
      EXPECT_EQ(whole.line[8], 11u);  // row 9
      EXPECT_EQ(whole.line[9], 14u);  // row 11
    }
  }
}

TEST(DatasetShare, ABadCellInTheLastSharesStopsEveryRankWithItsLine) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  GeneratedCsv csv = generated_csv(47, 5);
  csv.rows.back() = "0.5,7,0.25,ham\r\n";
  csv.rows[csv.rows.size() - 2] = "0.5,seven,0.25,ham\r\n";  // line 48 (+1 for the blank line)
  const DatasetEntry entry = entry_for(dir.write("bad.csv", csv.text()));
  const auto [single, single_code] = error_of([&] { load_dataset(entry); });
  EXPECT_NE(single.find("bad.csv:48:5: column 'x2': 'seven' is not a number"), std::string::npos)
      << single;
  const auto [message, code] = error_of([&] { load_dataset_share(entry, comm); });
  const std::string expected =
      comm.size() == 1 ? single : fmt::format("rank {}: {}", comm.size() - 1, single);
  EXPECT_EQ(message, expected);
  EXPECT_EQ(code, ExitCode::data);
}

TEST(DatasetShare, TheClassChecksCountEveryRanksRows) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  const char* texts[] = {
      "a,b,label\r\n",                                        // no data rows
      "a,b,label\nNA,1,spam\n1,NA,ham\n2,,ham\n",             // every row dropped
      "a,b,label\n1,2,ham\n3,4,eggs\n5,6,ham\n",              // no positive
      "a,b,label\n1,2,spam\n3,4,spam\n5,6,spam\n7,8,spam\n",  // one class
      "a,b,label\n1,2,spam\n1,4,ham\n1,6,spam\n1,8,ham\n",    // a constant column is fine
      "a,b,label\n1,2,spam\n1,2,ham\n1,2,spam\n1,2,ham\n",    // every column constant
  };
  std::size_t loaded = 0, written = 0;
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    // A file per case: rank 0 rewriting one could truncate it under a rank still reading it.
    const DatasetEntry entry = entry_for(dir.write(fmt::format("classes{}.csv", written++), text));
    const auto [single, single_code] = error_of([&] { load_dataset(entry); });
    loaded += single.empty();
    const auto [message, code] = error_of([&] { load_dataset_share(entry, comm); });
    EXPECT_EQ(message, single.empty() || comm.size() == 1 ? single : "rank 0: " + single);
    EXPECT_EQ(code, single_code);
  }
  EXPECT_EQ(loaded, 1u);  // only the file with a constant column and a varying one loads
}

TEST(DatasetShare, AQuotedLineEndAcrossACutIsRefusedByTheRankWhereItsRecordStarts) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  // Line 4 starts a record whose quoted label runs over 400 lines: most of the file's bytes,
  // so that every cut between two ranks' shares falls inside it.
  std::string text = "x1,x2,x3,label\n1,2,3,spam\n4,5,6,ham\n7,8,9,\"a long";
  for (int i = 0; i < 400; ++i) text += "\nnote";
  text += "\"\n1,1,1,spam\n2,2,2,ham\n";
  DatasetEntry entry = entry_for(dir.write("quoted.csv", text));
  const Dataset whole = load_dataset(entry);  // one process reads it
  EXPECT_EQ(whole.line, (std::vector<std::size_t>{2, 3, 4, 405, 406}));
  const auto [message, code] = error_of([&] { load_dataset_share(entry, comm); });
  if (comm.size() == 1) {
    EXPECT_EQ(message, "");
    return;
  }
  const std::string expected = "rank 0: " + entry.data.path +
                               ":4: this record holds a line end in a quoted field and runs past "
                               "byte ";
  EXPECT_EQ(message.substr(0, expected.size()), expected) << message;
  EXPECT_EQ(code, ExitCode::data);
}

TEST(DatasetShare, SeveralRanksReadDenseNumericCsvOnly) {
  Communicator& comm = world_communicator();
  if (comm.size() == 1) GTEST_SKIP() << "one rank reads anything load_dataset reads";
  SharedDir dir(comm);
  DatasetEntry entry = entry_for(dir.write("d.csv", generated_csv(30, 1).text()));
  entry.data.storage = FeatureStorage::sparse;
  const auto [message, code] = error_of([&] { load_dataset_share(entry, comm); });
  EXPECT_NE(message.find("rank 0: "), std::string::npos) << message;
  EXPECT_NE(message.find("data-parallel training reads dense numeric CSV only"), std::string::npos)
      << message;
  EXPECT_NE(message.find("train.parallel: runs"), std::string::npos) << message;
  EXPECT_EQ(code, ExitCode::usage);
}

// Three shards of 15, 15 and 17 rows of one generated dataset, and the whole file.
struct Shards {
  GeneratedCsv csv = generated_csv(47, 9);
  std::vector<std::string> files;
  std::string whole;
  explicit Shards(SharedDir& dir) {
    for (std::size_t s = 0; s < 3; ++s) {
      std::string text = csv.header;
      for (std::size_t i = s * 15; i < (s == 2 ? csv.rows.size() : (s + 1) * 15); ++i) {
        text += csv.rows[i];
      }
      files.push_back(dir.write(fmt::format("shard_{}.csv", s), text));
    }
    whole = dir.write("whole.csv", csv.text());
  }
};

// Each config gets a file of its own: rank 0 rewriting one file could truncate it under a rank
// still reading it.
DatasetEntry config_entry(SharedDir& dir, const std::string& path_yaml) {
  static int configs = 0;
  const std::string config = dir.write(
      fmt::format("c{}.yaml", configs++),
      fmt::format("data: {{path: {}, missing: drop_rows, positive_label: spam}}\n", path_yaml));
  return load_config(config, {}).datasets.front();
}

TEST(DatasetShare, AListOrAGlobOfShardsIsTheirConcatenation) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  const Shards shards(dir);
  const Dataset whole = load_dataset(entry_for(shards.whole));
  for (const std::string path :
       {"[shard_0.csv, shard_1.csv, shard_2.csv]", "'shard_?.csv'", "'shard_[0-9].csv'"}) {
    SCOPED_TRACE(path);
    const DatasetEntry entry = config_entry(dir, path);
    ASSERT_EQ(entry.data.shards, shards.files);
    const Dataset one = load_dataset(entry);
    EXPECT_EQ(bits(one.features.values), bits(whole.features.values));
    EXPECT_EQ(one.is_positive, whole.is_positive);
    EXPECT_EQ(one.row_id, whole.row_id);
    EXPECT_EQ(one.label_values, whole.label_values);
    EXPECT_EQ(bits(one.center), bits(whole.center));
    EXPECT_EQ(bits(one.scale), bits(whole.scale));
    EXPECT_EQ(one.dropped_rows, whole.dropped_rows);
    // Each row keeps its own shard's line: the whole file's line less 0 in the first shard,
    // less 16 in the second (15 rows and the blank line before) and 31 in the third.
    std::vector<std::size_t> line_shifts;
    for (std::size_t i = 0; i < one.size(); ++i) {
      const std::size_t shift = whole.line[i] - one.line[i];
      if (line_shifts.empty() || line_shifts.back() != shift) line_shifts.push_back(shift);
    }
    EXPECT_EQ(line_shifts, (std::vector<std::size_t>{0, 16, 31}));
    EXPECT_EQ(one.fingerprint.path, shards.files.front());
    EXPECT_EQ(one.fingerprint.shards, shards.files);
    expect_shares_make_the_whole(comm, load_dataset_share(entry, comm), one, path);
  }
  // Fewer shards than ranks: a rank with no shard holds no rows.
  const DatasetEntry two = config_entry(dir, "[shard_1.csv, shard_2.csv]");
  expect_shares_make_the_whole(comm, load_dataset_share(two, comm), load_dataset(two), "two");
  const DatasetEntry one = config_entry(dir, "[shard_2.csv]");
  expect_shares_make_the_whole(comm, load_dataset_share(one, comm), load_dataset(one), "one");
}

TEST(DatasetShare, CategoricalAndSparseShardsAreTheirConcatenationInOneProcess) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  const std::string header = "colour,x,label\n";
  const std::string first = "red,1,spam\nblue,2,ham\n";
  const std::string second = "green,3,spam\nred,0,ham\nblue,5,eggs\n";
  dir.write("cat_0.csv", header + first);
  dir.write("cat_1.csv", header + second);
  dir.write("cat.csv", header + first + second);
  for (const char* storage : {"sparse", "dense"}) {
    SCOPED_TRACE(storage);
    const std::string keys = fmt::format(", categorical: auto, storage: {}", storage);
    const Dataset shards = load_dataset(config_entry(dir, "'cat_?.csv'" + keys));
    const Dataset whole = load_dataset(config_entry(dir, "cat.csv" + keys));
    EXPECT_EQ(shards.feature_names,
              (std::vector<std::string>{"colour=red", "colour=blue", "colour=green", "x"}));
    EXPECT_EQ(shards.feature_names, whole.feature_names);
    EXPECT_EQ(shards.sparse_features.row_start, whole.sparse_features.row_start);
    EXPECT_EQ(shards.sparse_features.column, whole.sparse_features.column);
    EXPECT_EQ(bits(shards.sparse_features.value), bits(whole.sparse_features.value));
    EXPECT_EQ(bits(shards.features.values), bits(whole.features.values));
    EXPECT_EQ(bits(shards.center), bits(whole.center));
    EXPECT_EQ(bits(shards.scale), bits(whole.scale));
    EXPECT_EQ(shards.is_positive, whole.is_positive);
    EXPECT_EQ(shards.line, (std::vector<std::size_t>{2, 3, 2, 3, 4}));
  }
}

TEST(DatasetShare, AShardWithAnotherHeaderIsRefused) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  const Shards shards(dir);
  dir.write("other_1.csv", "x1,x2,z,label\n1,2,3,spam\n");
  const DatasetEntry entry = config_entry(dir, "[shard_0.csv, other_1.csv, shard_2.csv]");
  const std::string other = (dir.path() / "other_1.csv").string();
  const std::string expected = other +
                               ":1: this shard's header differs from the first shard's: column 3 "
                               "is 'z' where the first has 'x3'; every shard needs the same header";
  const auto [single, single_code] = error_of([&] { load_dataset(entry); });
  EXPECT_EQ(single, expected);
  EXPECT_EQ(single_code, ExitCode::data);
  const auto [message, code] = error_of([&] { load_dataset_share(entry, comm); });
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  EXPECT_EQ(code, ExitCode::data);
}

TEST(DatasetShare, APatternThatMatchesNoFileIsAConfigError) {
  Communicator& comm = world_communicator();
  SharedDir dir(comm);
  try {
    config_entry(dir, "'nothing_*.csv'");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("data.path: no file matches the pattern '" +
                           (dir.path() / "nothing_*.csv").string() + "'"),
              std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace aumtrain
