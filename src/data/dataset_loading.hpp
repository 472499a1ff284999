// The pieces of loading a dataset that the one-process loader (dataset.cpp) and the loader of
// one rank's share (dataset_share.cpp) both use, so that both read, check and condition alike.
// Private to src/data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aumtrain/data/csv.hpp"
#include "aumtrain/data/dataset.hpp"

namespace aumtrain::loading {

/// The files a dataset is read from: its shards, or the one file data.path names.
std::vector<std::string> data_files(const DataConfig& config);

/// A CSV's header: its column names, the label's column and the chosen feature columns.
struct CsvLayout {
  std::vector<std::string> names;
  std::size_t label_index = 0;
  std::vector<std::size_t> columns;
};

/// The layout of a header with these column names, read with `delimiter`, under data.label,
/// data.features and data.exclude.
CsvLayout csv_layout(const DataConfig& config, std::vector<std::string> names, char delimiter);

/// Reads the header of a further shard and throws DataError, naming the shard's file:line and
/// the first column that differs, unless its column names are `names` (the first shard's).
void check_shard_header(CsvReader& reader, const std::vector<std::string>& names);

/// An empty dense dataset for a CSV with this layout, read with `delimiter`.
Dataset csv_dataset(const DatasetEntry& entry, char delimiter, const CsvLayout& layout);

/// Reads every record that `reader` has left into dense rows of `dataset` (features not yet
/// conditioned), with their labels and lines; rows with missing values are dropped and counted
/// under data.missing: drop_rows. Throws DataError at the first bad record.
void read_dense_records(CsvReader& reader, const DataConfig& config, const CsvLayout& layout,
                        Dataset& dataset);

/// Throws DataError when `rows` x `cols` dense would not fit in the available memory.
void check_dense_memory(const std::string& path, std::size_t rows, std::size_t cols);

/// The class checks on counts over the whole dataset: rows kept and dropped, positives, and the
/// distinct label texts in order of appearance. Throws DataError for no rows, no positive or
/// only positives.
void check_class_counts(const DatasetEntry& entry, const std::string& label_column,
                        std::size_t rows, std::size_t dropped_rows, std::size_t positives,
                        const std::vector<std::string>& label_values);

/// Adds a distinct label text to `label_values` (in order of appearance, the first 65 kept).
void note_label(std::vector<std::string>& label_values, std::string_view label);

/// Per column of `m`, threshold_key() of its lowest and highest value (of +inf and -inf when
/// there are no rows), which allreduce min and max combine exactly over ranks.
void column_range_keys(const FeatureMatrix& m, std::vector<std::uint64_t>& low,
                       std::vector<std::uint64_t>& high);

/// Conditions the dense features by range: center = low / 2 + high / 2 and scale = high / 2 -
/// low / 2 per column (scale 1 when that is 0 or not finite), stored = (x - center) / scale.
/// `low` and `high` are the keys of column_range_keys() over every row of the dataset. Throws
/// DataError, naming `path`, when every column is constant.
void condition_by_range(Dataset& dataset, const std::vector<std::uint64_t>& low,
                        const std::vector<std::uint64_t>& high, const std::string& path);

}  // namespace aumtrain::loading
