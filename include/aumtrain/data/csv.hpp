// A streaming CSV reader (RFC 4180 quoting, UTF-8 byte-order mark, CRLF or LF line ends) that
// remembers where every field starts, so that a bad cell can be reported as file:line:column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/file_shares.hpp"

namespace aumtrain {

/// One field of a record: its text (quotes removed, "" unescaped, surrounding spaces trimmed)
/// and where it starts (1-based line and byte column).
struct CsvField {
  std::string_view text;
  std::size_t line = 0;
  std::size_t column = 0;
};

class CsvReader {
 public:
  /// Opens `path`. `delimiter` 0 detects it from the first line: the most frequent of ',', '\t'
  /// and ';' outside quotes (',' when none occurs). Throws DataError when the file cannot be
  /// opened.
  explicit CsvReader(std::string path, char delimiter = 0);

  /// Opens `path` to read only the records that start in `share` (a range of line starts, as
  /// line_aligned_share() gives them), numbering lines from `first_line`, the line that starts
  /// at share.begin: one reader's part of a file whose header another reader read. There is no
  /// header, byte-order mark or delimiter detection: `delimiter` is the header's. A record
  /// whose quoted field holds a line end is read to its end, also past share.end
  /// (ran_past_share() then says so).
  CsvReader(std::string path, char delimiter, ByteShare share, std::size_t first_line);

  /// Reads the next record into `fields` (views valid until the next call). Blank lines are
  /// skipped. Returns false at the end of the file. Throws DataError, with the position, for an
  /// unterminated quote or text after a closing quote.
  bool next_record(std::vector<CsvField>& fields);

  char delimiter() const noexcept { return delimiter_; }
  /// The byte after the last line read (after the header, once it is read).
  std::uint64_t position() const noexcept { return position_; }
  /// The line last read: where the last record read ends.
  std::size_t last_line() const noexcept { return line_number_; }
  /// The line the last record read starts on.
  std::size_t record_line() const noexcept { return record_line_; }
  /// Whether the last record read ends past the end of the share it was to read.
  bool ran_past_share() const noexcept { return position_ > share_end_; }
  const std::string& path() const noexcept { return path_; }
  /// "file:line:column" of a field of the current record.
  SourceLocation location(const CsvField& field) const {
    return {path_, field.line, field.column};
  }

 private:
  bool read_line();  // next physical line into line_, without its line end

  std::ifstream input_;
  std::string path_;
  char delimiter_;
  std::string line_;
  std::size_t line_number_ = 0;
  std::size_t record_line_ = 0;
  std::uint64_t position_ = 0;  // bytes of the file consumed by the lines read
  std::uint64_t share_end_ = UINT64_MAX;  // no record starts at or after this byte
  bool have_pending_line_ = false;
  std::string storage_;  // texts of the current record's fields
  struct Span {
    std::size_t offset, size, line, column;
  };
  std::vector<Span> spans_;
};

/// The column names of the header, the first record. Throws DataError for an empty file and
/// for a name that occurs twice (naming both places).
std::vector<std::string> read_header_names(CsvReader& reader);

/// How a cell reads as a number.
enum class NumberParse { ok, missing, not_a_number, out_of_range };

/// Parses a whole cell as a double (decimal or scientific notation, optional leading sign; "inf"
/// and "nan" spellings parse to non-finite values). Missing cells ("", NA, NaN, ?) give
/// `missing` and leave `value` NaN.
NumberParse parse_number(std::string_view text, double& value);

/// Whether a cell means "no value": empty, NA, NaN (any case) or ?.
bool is_missing_cell(std::string_view text);

/// A readable name for a delimiter in messages: "','", "tab", "';'".
std::string delimiter_name(char delimiter);

}  // namespace aumtrain
