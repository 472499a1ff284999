#include "aumtrain/data/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace aumtrain {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

char detect_delimiter(std::string_view line) {
  std::size_t counts[3] = {0, 0, 0};
  constexpr char candidates[3] = {',', '\t', ';'};
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int k = 0; k < 3; ++k) counts[k] += c == candidates[k];
  }
  int best = 0;
  for (int k = 1; k < 3; ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return candidates[best];
}

}  // namespace

std::string delimiter_name(char delimiter) {
  if (delimiter == '\t') return "tab";
  return fmt::format("'{}'", delimiter);
}

CsvReader::CsvReader(std::string path, char delimiter)
    : input_(path, std::ios::binary), path_(std::move(path)), delimiter_(delimiter) {
  if (!input_) {
    throw DataError(fmt::format("{}: cannot open the file for reading; check the path", path_));
  }
  if (read_line()) {
    if (line_.starts_with("\xEF\xBB\xBF")) line_.erase(0, 3);  // UTF-8 byte-order mark
    have_pending_line_ = true;
    if (delimiter_ == 0) delimiter_ = detect_delimiter(line_);
  } else if (delimiter_ == 0) {
    delimiter_ = ',';
  }
}

CsvReader::CsvReader(std::string path, char delimiter, ByteShare share, std::size_t first_line)
    : input_(path, std::ios::binary),
      path_(std::move(path)),
      delimiter_(delimiter),
      line_number_(first_line - 1),
      position_(share.begin),
      share_end_(share.end) {
  if (!input_) {
    throw DataError(fmt::format("{}: cannot open the file for reading; check the path", path_));
  }
  input_.seekg(static_cast<std::streamoff>(share.begin));
}

bool CsvReader::read_line() {
  if (!std::getline(input_, line_)) return false;
  ++line_number_;
  position_ += line_.size() + (input_.eof() ? 0 : 1);  // the line and its '\n'
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  return true;
}

bool CsvReader::next_record(std::vector<CsvField>& fields) {
  fields.clear();
  spans_.clear();
  storage_.clear();
  // The next non-blank line starts the record.
  for (;;) {
    if (have_pending_line_) {
      have_pending_line_ = false;
    } else if (position_ >= share_end_ || !read_line()) {
      return false;
    }
    if (line_.find_first_not_of(" \t") != std::string::npos) break;
  }
  record_line_ = line_number_;

  const char delimiter = delimiter_;
  auto is_space = [delimiter](char c) { return (c == ' ' || c == '\t') && c != delimiter; };
  std::size_t pos = 0;
  for (;;) {
    while (pos < line_.size() && is_space(line_[pos])) ++pos;
    const std::size_t start_line = line_number_;
    const std::size_t start_column = pos + 1;
    const std::size_t offset = storage_.size();
    if (pos < line_.size() && line_[pos] == '"') {
      ++pos;
      for (;;) {
        const std::size_t quote = line_.find('"', pos);
        if (quote == std::string::npos) {  // the field goes on over the line end
          storage_.append(line_, pos);
          storage_.push_back('\n');
          if (!read_line()) {
            throw DataError(fmt::format(
                "{}: the quoted field that starts here is never closed; add the closing '\"'",
                SourceLocation{path_, start_line, start_column}.to_string()));
          }
          pos = 0;
          continue;
        }
        storage_.append(line_, pos, quote - pos);
        if (quote + 1 < line_.size() && line_[quote + 1] == '"') {  // "" is a literal quote
          storage_.push_back('"');
          pos = quote + 2;
          continue;
        }
        pos = quote + 1;
        break;
      }
      while (pos < line_.size() && is_space(line_[pos])) ++pos;
      if (pos < line_.size() && line_[pos] != delimiter) {
        throw DataError(fmt::format(
            "{}: unexpected '{}' after a closing quote; a quoted field must end at the "
            "delimiter {} (write a literal quote as \"\")",
            SourceLocation{path_, line_number_, pos + 1}.to_string(), line_[pos],
            delimiter_name(delimiter)));
      }
    } else {
      std::size_t end = line_.find(delimiter, pos);
      if (end == std::string::npos) end = line_.size();
      std::size_t last = end;
      while (last > pos && is_space(line_[last - 1])) --last;
      storage_.append(line_, pos, last - pos);
      pos = end;
    }
    spans_.push_back({offset, storage_.size() - offset, start_line, start_column});
    if (pos < line_.size() && line_[pos] == delimiter) {
      ++pos;
      continue;
    }
    break;
  }
  fields.reserve(spans_.size());
  for (const Span& span : spans_) {
    fields.push_back(CsvField{std::string_view(storage_).substr(span.offset, span.size),
                              span.line, span.column});
  }
  return true;
}

std::vector<std::string> read_header_names(CsvReader& reader) {
  std::vector<CsvField> fields;
  if (!reader.next_record(fields)) {
    throw DataError(fmt::format(
        "{}: the file is empty; expected a header row naming the columns, then data rows",
        reader.path()));
  }
  std::vector<std::string> names;
  for (const auto& field : fields) {
    const std::string name(field.text);
    const auto previous = std::find(names.begin(), names.end(), name);
    if (previous != names.end()) {
      throw DataError(fmt::format(
          "{}: column '{}' is named twice (also column {}); give every column its own name",
          reader.location(field).to_string(), name, previous - names.begin() + 1));
    }
    names.push_back(name);
  }
  return names;
}

bool is_missing_cell(std::string_view text) {
  return text.empty() || text == "?" || equals_ignoring_case(text, "NA") ||
         equals_ignoring_case(text, "NaN");
}

NumberParse parse_number(std::string_view text, double& value) {
  value = std::numeric_limits<double>::quiet_NaN();
  if (is_missing_cell(text)) return NumberParse::missing;
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() == '+') return NumberParse::not_a_number;
  double parsed = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
  if (end != digits.data() + digits.size()) return NumberParse::not_a_number;
  if (error == std::errc::result_out_of_range) return NumberParse::out_of_range;
  if (error != std::errc()) return NumberParse::not_a_number;
  value = parsed;
  return NumberParse::ok;
}

}  // namespace aumtrain
