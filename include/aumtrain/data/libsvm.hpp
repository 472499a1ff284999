// Reading libsvm (svmlight) lines: a label, then index:value pairs with increasing indices; '#'
// starts a comment. Shared by the dataset loader and the loader of data to score.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace aumtrain {

/// One `index:value` feature of a libsvm line (index >= 1, value finite).
struct LibsvmFeature {
  std::size_t index;
  double value;
};

/// One line that has tokens. The views are valid during the call that receives it.
struct LibsvmLine {
  std::size_t number = 0;  ///< 1-based; comment and blank lines count
  /// The first token when it is not index:value; empty when the line starts with a feature.
  std::string_view label;
  std::string_view first_token;
  std::size_t first_column = 0;  ///< 1-based byte column of the first token
  bool has_qid = false;  ///< a `qid:` token (svmlight's query id) followed the label; it is ignored
  std::vector<LibsvmFeature> features;
};

/// Calls on_line for every line of `path` with tokens (comment-only and blank lines are
/// skipped), in file order. A `qid:` token right after the label is skipped (has_qid). Throws DataError naming file:line:column for a token that is not
/// index:value with an index >= 1, decreasing or repeated indices and values that are not
/// finite numbers; and when the file cannot be opened.
void for_each_libsvm_line(const std::string& path,
                          const std::function<void(const LibsvmLine&)>& on_line);

}  // namespace aumtrain
