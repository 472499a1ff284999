// Number formatting and aligned text tables shared by the printed and written outputs.
#pragma once

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
