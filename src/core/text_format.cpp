#include "aumtrain/core/text_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace aumtrain {
namespace {

// Counts code points, so that "±" and "—" take one column.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

CountReading not_a_count(std::string_view text, std::string_view reason) {
  return {std::nullopt, fmt::format("'{}' {}; write a count as digits (100000 or 100_000) or "
                                    "as a power of ten (1e5, 2.5e3)",
                                    text, reason)};
}

bool is_count_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Digits with single underscores between them ("100_000"), underscores removed; "" if the text
// is not of that form.
std::string digits_without_underscores(std::string_view text) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_count_digit(text[i])) {
      digits += text[i];
    } else if (text[i] != '_' || i == 0 || i + 1 == text.size() || !is_count_digit(text[i + 1])) {
      return "";
    }
  }
  return digits;
}

}  // namespace

std::string count_noun(std::size_t count, std::string_view singular, std::string_view plural) {
  if (count == 1) return fmt::format("1 {}", singular);
  if (plural.empty()) return fmt::format("{} {}s", count, singular);
  return fmt::format("{} {}", count, plural);
}

CountReading read_count(std::string_view text) {
  if (text.empty()) return not_a_count(text, "is empty");
  if (text.front() == '-') return not_a_count(text, "is negative");
  // Split into whole digits, fraction digits and a power of ten: 2.5e3 -> "2", "5", 3.
  const std::size_t e = text.find_first_of("eE");
  const std::string_view mantissa = text.substr(0, e);
  const std::size_t point = mantissa.find('.');
  std::string digits = digits_without_underscores(mantissa.substr(0, point));
  std::string fraction;
  if (point != std::string_view::npos) {
    fraction = digits_without_underscores(mantissa.substr(point + 1));
    if (fraction.empty() && point + 1 != mantissa.size()) digits.clear();
  }
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view power = text.substr(e + 1);
    const bool negative = !power.empty() && power.front() == '-';
    if (!power.empty() && (power.front() == '+' || negative)) power.remove_prefix(1);
    if (power.empty() || !std::all_of(power.begin(), power.end(), is_count_digit)) {
      return not_a_count(text, "is not a number");
    }
    if (power.size() > 4) {
      return not_a_count(text, negative ? "is not a whole number" : "is too large");
    }
    exponent = std::stoll(std::string(power)) * (negative ? -1 : 1);
  }
  if (digits.empty() && fraction.empty()) return not_a_count(text, "is not a number");
  // The number is (digits fraction) x 10^(exponent - fraction digits): whole when the digits
  // that the power cuts off are zeros.
  digits += fraction;
  exponent -= static_cast<long long>(fraction.size());
  for (; exponent < 0; ++exponent) {
    if (digits.empty() || digits.back() != '0') return not_a_count(text, "is not a whole number");
    digits.pop_back();
  }
  std::uint64_t value = 0;
  constexpr std::uint64_t kLargest = std::numeric_limits<std::uint64_t>::max();
  for (const char digit : digits) {
    const auto d = static_cast<std::uint64_t>(digit - '0');
    if (value > (kLargest - d) / 10) return not_a_count(text, "is too large");
    value = value * 10 + d;
  }
  for (; exponent > 0 && value != 0; --exponent) {
    if (value > kLargest / 10) return not_a_count(text, "is too large");
    value *= 10;
  }
  return {value, ""};
}

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
