#include "aumtrain/data/libsvm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/csv.hpp"

namespace aumtrain {
namespace {

// The white space of the C locale, without a call per character.
constexpr bool is_libsvm_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Whitespace-separated tokens of a libsvm line, with their 1-based columns; '#' starts a comment.
// Fills `tokens`, whose storage is reused from line to line.
void libsvm_tokens(const std::string& line,
                   std::vector<std::pair<std::string_view, std::size_t>>& tokens) {
  tokens.clear();
  std::size_t pos = 0;
  const std::size_t end = std::min(line.find('#'), line.size());
  while (pos < end) {
    while (pos < end && is_libsvm_space(line[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < end && !is_libsvm_space(line[pos])) ++pos;
    if (pos > start) tokens.emplace_back(std::string_view(line).substr(start, pos - start), start + 1);
  }
}

// Parses one index:value token that must come after index `previous`.
LibsvmFeature parse_libsvm_feature(std::string_view token, const SourceLocation& where,
                                   std::size_t previous) {
  const auto colon = token.find(':');
  std::size_t index = 0;
  const auto [index_end, index_error] = std::from_chars(
      token.data(), token.data() + (colon == std::string_view::npos ? 0 : colon), index);
  if (colon == std::string_view::npos || index_error != std::errc() ||
      index_end != token.data() + colon || index == 0) {
    throw DataError(fmt::format("{}: '{}' is not index:value with an index >= 1",
                                where.to_string(), token));
  }
  if (index <= previous) {
    throw DataError(fmt::format("{}: feature index {} comes after {}; indices must increase "
                                "along a line",
                                where.to_string(), index, previous));
  }
  double value = 0;
  const auto parsed = parse_number(token.substr(colon + 1), value);
  if (parsed != NumberParse::ok || !std::isfinite(value)) {
    throw DataError(fmt::format("{}: feature {}: '{}' is not a finite number", where.to_string(),
                                index, token.substr(colon + 1)));
  }
  return {index, value};
}

}  // namespace

void for_each_libsvm_line(const std::string& path,
                          const std::function<void(const LibsvmLine&)>& on_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(fmt::format("{}: cannot open the file for reading; check the path", path));
  }
  std::string text;
  LibsvmLine line;
  std::vector<std::pair<std::string_view, std::size_t>> tokens;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    libsvm_tokens(text, tokens);
    if (tokens.empty()) continue;
    line.number = number;
    line.first_token = tokens.front().first;
    line.first_column = tokens.front().second;
    // A first token with a colon is a feature: the line has no label.
    const bool labelled = line.first_token.find(':') == std::string_view::npos;
    line.label = labelled ? line.first_token : std::string_view();
    line.features.clear();
    std::size_t first_feature = labelled ? 1 : 0;
    line.has_qid = labelled && tokens.size() > 1 && tokens[1].first.starts_with("qid:");
    if (line.has_qid) ++first_feature;
    std::size_t previous = 0;
    for (std::size_t t = first_feature; t < tokens.size(); ++t) {
      const auto [token, column] = tokens[t];
      line.features.push_back(parse_libsvm_feature(token, {path, number, column}, previous));
      previous = line.features.back().index;
    }
    on_line(line);
  }
}

}  // namespace aumtrain
