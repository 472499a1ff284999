#include "aumtrain/core/text_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace aumtrain {
namespace {

// Counts code points, so that "±" and "—" take one column.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  return fmt::format("{}", value + 0.0);  // + 0.0 prints -0 as 0
}

std::string format_json_number(double value) {
  if (std::isnan(value)) return "null";
  if (std::isinf(value)) return value > 0 ? "\"Inf\"" : "\"-Inf\"";
  return fmt::format("{:.17g}", value + 0.0);
}

std::string csv_field(std::string_view text) {
  const bool plain = text.find_first_of(",\"\r\n") == std::string_view::npos &&
                     (text.empty() || (text.front() != ' ' && text.back() != ' '));
  if (plain) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::vector<std::size_t> TextTable::widths() const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t j = 0; j < row.size(); ++j) {
      widths[j] = std::max(widths[j], display_width(row[j]));
    }
  }
  return widths;
}

std::string TextTable::render(std::size_t left_columns) const {
  const auto width = widths();
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (j > 0) line += "  ";
      const std::string padding(width[j] - display_width(row[j]), ' ');
      line += j < left_columns ? row[j] + padding : padding + row[j];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::string TextTable::render_markdown() const {
  const auto width = widths();
  auto format_row = [&](const std::vector<std::string>& row) {
    std::string line = "|";
    for (std::size_t j = 0; j < width.size(); ++j) {
      const std::string cell = j < row.size() ? row[j] : "";
      line += " " + cell + std::string(width[j] - display_width(cell), ' ') + " |";
    }
    return line + '\n';
  };
  std::string out = format_row(rows_.front());
  out += "|";
  for (std::size_t w : width) out += std::string(std::max<std::size_t>(w, 3) + 2, '-') + "|";
  out += '\n';
  for (std::size_t i = 1; i < rows_.size(); ++i) out += format_row(rows_[i]);
  return out;
}

}  // namespace aumtrain
