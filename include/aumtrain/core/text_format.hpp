// Number formatting and aligned text tables shared by the printed and written outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aumtrain {

/// The shortest text that reads back as the same double; "Inf", "-Inf", "NaN" otherwise.
std::string format_number(double value);

/// A JSON value with 17 significant digits; infinities as the strings "Inf" and "-Inf", NaN as
/// null.
std::string format_json_number(double value);

/// A field of a comma-separated file: as it is, or quoted (quotes doubled) when it holds a
/// comma, a quote, a line end, or spaces at either end.
std::string csv_field(std::string_view text);
/// "1 run", "3 runs": the count and the noun, in the plural unless the count is 1. `plural` is
/// for nouns that do not just add an "s" ("1 line search", "2 line searches").
std::string count_noun(std::size_t count, std::string_view singular, std::string_view plural = {});

/// A count read from text: its value, or what is wrong with the text and which forms to use.
struct CountReading {
  std::optional<std::uint64_t> value;
  std::string problem;
};

/// Reads a count (a whole number >= 0) written as digits, with or without underscores between
/// them (100000, 100_000), or in scientific notation that names a whole number (1e5, 2.5e3,
/// 1E+5). Anything else (1.5, 1e-3, -5, abc, a number above 2^64 - 1) gives a problem. The one
/// reader of counts for the command line and the config files.
CountReading read_count(std::string_view text);

/// A table of text cells: the first row is the header. Renders with right-aligned columns for a
/// terminal, or as a Markdown table.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  /// Columns separated by two spaces; the first `left_columns` columns are left-aligned.
  std::string render(std::size_t left_columns = 0) const;
  std::string render_markdown() const;

 private:
  std::vector<std::size_t> widths() const;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace aumtrain
