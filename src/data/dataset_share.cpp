#include "aumtrain/data/dataset_share.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/csv.hpp"
#include "aumtrain/data/file_shares.hpp"
#include "dataset_loading.hpp"

namespace aumtrain {
namespace {

// Refuses what several ranks cannot read: libsvm, sparse storage and categorical columns.
void check_dense_numeric_csv(const DataConfig& config) {
  std::string what;
  std::string advice = "use `train.parallel: runs`";
  if (config.format != DataFormat::csv) {
    what = "data.format: libsvm";
  } else if (config.categorical_auto || !config.categorical.empty()) {
    what = "data.categorical (one-hot encoded columns)";
    advice += ", or leave those columns out with data.exclude";
  } else if (config.storage == FeatureStorage::sparse) {
    what = "data.storage: sparse";
    advice += ", or data.storage: dense";
  } else {
    return;
  }
  throw ConfigError(fmt::format(
      "{}: data-parallel training reads dense numeric CSV only, and this dataset asks for {}; {}",
      config.path, what, advice));
}

// Texts as bytes, each after its length, and back: what ranks send each other.
std::vector<std::byte> pack_texts(const std::vector<std::string>& texts) {
  std::vector<std::byte> bytes;
  for (const std::string& text : texts) {
    const std::uint64_t size = text.size();
    const auto* size_bytes = reinterpret_cast<const std::byte*>(&size);
    bytes.insert(bytes.end(), size_bytes, size_bytes + sizeof size);
    const auto* text_bytes = reinterpret_cast<const std::byte*>(text.data());
    bytes.insert(bytes.end(), text_bytes, text_bytes + text.size());
  }
  return bytes;
}

std::vector<std::string> unpack_texts(std::span<const std::byte> bytes) {
  std::vector<std::string> texts;
  std::size_t at = 0;
  while (at + sizeof(std::uint64_t) <= bytes.size()) {
    std::uint64_t size = 0;
    std::memcpy(&size, bytes.data() + at, sizeof size);
    at += sizeof size;
    texts.emplace_back(reinterpret_cast<const char*>(bytes.data() + at), size);
    at += size;
  }
  return texts;
}

// Rank `root`'s bytes on every rank, whatever their size.
void broadcast_vector(Communicator& comm, std::vector<std::byte>& bytes, int root) {
  std::uint64_t size = bytes.size();
  comm.broadcast_bytes(std::as_writable_bytes(std::span(&size, 1)), root);
  bytes.resize(size);
  comm.broadcast_bytes(bytes, root);
}

// What rank 0 learns from the header of the file (or the first shard) and sends to the others.
struct Header {
  std::vector<std::string> names;
  char delimiter = ',';
  std::uint64_t first_byte = 0;   // where the data starts: the byte after the header's line
  std::uint64_t header_line = 0;  // the header's (last) line
};

Header read_header(const std::string& path, char delimiter) {
  CsvReader reader(path, delimiter);
  Header header;
  header.names = read_header_names(reader);
  header.delimiter = reader.delimiter();
  header.first_byte = reader.position();
  header.header_line = reader.last_line();
  return header;
}

Header broadcast_header(Communicator& comm, Header header) {
  std::vector<std::byte> bytes = pack_texts(header.names);
  broadcast_vector(comm, bytes, 0);
  header.names = unpack_texts(bytes);
  std::uint64_t numbers[3] = {static_cast<std::uint8_t>(header.delimiter), header.first_byte,
                              header.header_line};
  comm.broadcast_bytes(std::as_writable_bytes(std::span(numbers)), 0);
  header.delimiter = static_cast<char>(numbers[0]);
  header.first_byte = numbers[1];
  header.header_line = numbers[2];
  return header;
}

// The '\n' bytes in `share` of the file.
std::uint64_t count_newlines(const std::string& path, const ByteShare& share) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw DataError(fmt::format("{}: cannot open the file for reading; check the path", path));
  in.seekg(static_cast<std::streamoff>(share.begin));
  std::vector<char> buffer(1 << 20);
  std::uint64_t newlines = 0;
  for (std::uint64_t left = share.size(); left > 0;) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(buffer.size(), left));
    in.read(buffer.data(), want);
    if (in.gcount() != want) {
      throw DataError(
          fmt::format("{}: cannot read bytes {} to {}; the file may have changed "
                      "while it was read",
                      path, share.begin, share.end));
    }
    newlines += static_cast<std::uint64_t>(std::count(buffer.data(), buffer.data() + want, '\n'));
    left -= static_cast<std::uint64_t>(want);
  }
  return newlines;
}

// Reads this rank's share of one file into the rows of `dataset`: the lines from the header's
// next on are numbered by the newlines of the shares before this one. The share is read twice,
// first only to count its newlines, so that a message of the parse already names the true line.
void read_file_share(Communicator& comm, const DataConfig& config, const Header& header,
                     const loading::CsvLayout& layout, Dataset& dataset) {
  ByteShare share;
  std::uint64_t newlines = 0;
  comm.collectively([&] {
    share = line_aligned_share(config.path, header.first_byte, comm.rank(), comm.size());
    newlines = count_newlines(config.path, share);
    loading::check_dense_memory(config.path, newlines + 1, layout.columns.size());
  });
  const std::uint64_t first_line = header.header_line + 1 + comm.exscan_sum(newlines);
  comm.collectively([&] {
    CsvReader reader(config.path, header.delimiter, share, first_line);
    loading::read_dense_records(reader, config, layout, dataset);
    if (reader.ran_past_share()) {
      throw DataError(fmt::format(
          "{}:{}: this record holds a line end in a quoted field and runs past byte {}, where "
          "the next rank's share of the file starts; data-parallel reading cuts the file at "
          "line starts: remove the line ends from quoted fields, or read it with one process",
          config.path, reader.record_line(), share.end));
    }
  });
}

// Reads this rank's shards, each whole, into the rows of `dataset`.
void read_shards_share(Communicator& comm, const DataConfig& config, const Header& header,
                       const loading::CsvLayout& layout, Dataset& dataset) {
  const std::vector<std::string>& shards = config.shards;
  const auto ranks = static_cast<std::size_t>(comm.size());
  const auto rank = static_cast<std::size_t>(comm.rank());
  const std::size_t first = rank * shards.size() / ranks;
  const std::size_t end = (rank + 1) * shards.size() / ranks;
  comm.collectively([&] {
    std::size_t lines = 0;
    for (std::size_t s = first; s < end; ++s) {
      std::ifstream in(shards[s], std::ios::binary);
      lines += static_cast<std::size_t>(std::count(std::istreambuf_iterator<char>(in),
                                                   std::istreambuf_iterator<char>(), '\n')) +
               1;
    }
    loading::check_dense_memory(config.path, lines, layout.columns.size());
    for (std::size_t s = first; s < end; ++s) {
      CsvReader reader(shards[s], header.delimiter);
      loading::check_shard_header(reader, layout.names);
      loading::read_dense_records(reader, config, layout, dataset);
    }
  });
}

// The distinct labels of every rank, merged in rank order: the whole dataset's in order of
// first appearance.
std::vector<std::string> gather_label_values(Communicator& comm,
                                             const std::vector<std::string>& local) {
  const std::vector<std::byte> bytes = pack_texts(local);
  std::vector<std::size_t> counts;
  const std::vector<std::byte> all = comm.allgatherv<std::byte>(bytes, counts);
  std::vector<std::string> merged;
  std::size_t at = 0;
  for (const std::size_t count : counts) {
    for (const std::string& label : unpack_texts(std::span(all).subspan(at, count))) {
      loading::note_label(merged, label);
    }
    at += count;
  }
  return merged;
}

// The counts, labels and dropped lines of the whole dataset on every rank, the class checks on
// them, and the global row ids of this rank's rows.
void combine_rows(Communicator& comm, const DatasetEntry& entry, const loading::CsvLayout& layout,
                  Dataset& dataset) {
  std::uint64_t totals[3] = {dataset.size(), dataset.dropped_rows, dataset.positive_count()};
  comm.allreduce_sum(totals);
  dataset.first_row = comm.exscan_sum(dataset.size());
  dataset.total_rows = totals[0];
  dataset.dropped_rows = totals[1];
  dataset.total_positives = totals[2];
  dataset.label_values = gather_label_values(comm, dataset.label_values);
  const std::vector<std::uint64_t> lines(dataset.first_dropped_lines.begin(),
                                         dataset.first_dropped_lines.end());
  std::vector<std::size_t> counts;
  const std::vector<std::uint64_t> all_lines = comm.allgatherv<std::uint64_t>(lines, counts);
  dataset.first_dropped_lines.assign(
      all_lines.begin(), all_lines.begin() + std::min(all_lines.size(), kDroppedLinesKept));
  comm.collectively([&] {
    loading::check_class_counts(entry, "column '" + layout.names[layout.label_index] + "'",
                                totals[0], totals[1], totals[2], dataset.label_values);
    dataset.row_id.resize(dataset.size());
    for (std::size_t i = 0; i < dataset.size(); ++i) {
      dataset.row_id[i] = static_cast<std::uint32_t>(dataset.first_row + i);
    }
  });
}

// Every column's extremes over all ranks, and the conditioning they give.
void condition_over_ranks(Communicator& comm, const DataConfig& config, Dataset& dataset) {
  std::vector<std::uint64_t> low, high;
  comm.collectively([&] { loading::column_range_keys(dataset.features, low, high); });
  comm.allreduce_min(low);
  comm.allreduce_max(high);
  comm.collectively([&] { loading::condition_by_range(dataset, low, high, config.path); });
}

// Rank 0 reads the file (the first shard) through once for its size and digest; every rank
// gets them.
FileFingerprint broadcast_fingerprint(Communicator& comm, const DataConfig& config) {
  FileFingerprint fingerprint;
  comm.collectively([&] {
    if (comm.rank() == 0) fingerprint = fingerprint_file(loading::data_files(config).front());
  });
  std::vector<std::byte> bytes = pack_texts({fingerprint.path, fingerprint.sha256});
  broadcast_vector(comm, bytes, 0);
  const std::vector<std::string> texts = unpack_texts(bytes);
  fingerprint.path = texts.at(0);
  fingerprint.sha256 = texts.at(1);
  comm.broadcast_bytes(std::as_writable_bytes(std::span(&fingerprint.bytes, 1)), 0);
  fingerprint.shards = config.shards;
  return fingerprint;
}

}  // namespace

Dataset load_dataset_share(const DatasetEntry& entry, Communicator& communicator) {
  if (communicator.size() == 1) return load_dataset(entry);
  Communicator& comm = communicator;
  const DataConfig& config = entry.data;
  Header header;
  comm.collectively([&] {
    check_dense_numeric_csv(config);
    if (comm.rank() == 0)
      header = read_header(loading::data_files(config).front(), config.delimiter);
  });
  header = broadcast_header(comm, std::move(header));
  loading::CsvLayout layout;
  Dataset dataset;
  comm.collectively([&] {
    layout = loading::csv_layout(config, header.names, header.delimiter);
    dataset = loading::csv_dataset(entry, header.delimiter, layout);
  });
  if (config.shards.empty()) {
    read_file_share(comm, config, header, layout, dataset);
  } else {
    read_shards_share(comm, config, header, layout, dataset);
  }
  combine_rows(comm, entry, layout, dataset);
  condition_over_ranks(comm, config, dataset);
  dataset.fingerprint = broadcast_fingerprint(comm, config);
  return dataset;
}

}  // namespace aumtrain
