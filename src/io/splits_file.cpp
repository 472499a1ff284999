#include "aumtrain/io/splits_file.hpp"

#include <fmt/format.h>

#include <string>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/outputs.hpp"

namespace aumtrain {

SplitsWriter::SplitsWriter(const std::filesystem::path& directory)
    : file_(directory / "splits.csv"), out_(file_, std::ios::binary | std::ios::trunc) {
  if (!out_) throw RunError(fmt::format("cannot write {}; check the permissions", file_.string()));
  out_ << "dataset,positive_fraction,seed,line,set\n";
}

void SplitsWriter::append(const Dataset& dataset, const PreparedSplit& split) {
  const std::string prefix = fmt::format("{},{},{},", dataset.name,
                                         positive_fraction_cell(split.positive_fraction), split.seed);
  std::string text;
  auto add_rows = [&](std::size_t begin, std::size_t end, const char* set) {
    for (std::size_t row = begin; row < end; ++row) {
      text += fmt::format("{}{},{}\n", prefix, dataset.line[row], set);
    }
  };
  for (SetName set : kAllSets) add_rows(split.set(set).begin, split.set(set).end, set_name(set));
  add_rows(split.test.end, dataset.size(), "unused");
  out_ << text;
}

void SplitsWriter::finish() {
  out_.close();
  if (!out_) {
    throw RunError(fmt::format("cannot finish writing {}; check the disk space", file_.string()));
  }
}

}  // namespace aumtrain
