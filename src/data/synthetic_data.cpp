#include "aumtrain/data/synthetic_data.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/split.hpp"

namespace aumtrain {
namespace {

void check_synthetic_spec(const SyntheticSpec& spec) {
  if (spec.rows < 1 || spec.features < 1) {
    throw ConfigError(fmt::format("--rows ({}) and --features ({}) must both be >= 1", spec.rows,
                                  spec.features));
  }
  if (!(spec.positive_fraction > 0 && spec.positive_fraction < 1)) {
    throw ConfigError(fmt::format("--positive-fraction {} is out of range; give a fraction "
                                  "strictly between 0 and 1",
                                  spec.positive_fraction));
  }
}

// Text written in blocks to a hidden temporary beside the target, which replaces the target only
// when everything was written; a failure removes the temporary and leaves the target as it was.
class StagedTextFile {
 public:
  explicit StagedTextFile(std::filesystem::path file)
      : file_(std::move(file)),
        temporary_(file_.parent_path() /
                   fmt::format(".{}.writing-{}", file_.filename().string(), ::getpid())),
        out_(std::fopen(temporary_.c_str(), "wb"), std::fclose) {
    if (!out_) {
      throw RunError(fmt::format("cannot write {}; check that its folder exists and is writable",
                                 file_.string()));
    }
  }
  StagedTextFile(const StagedTextFile&) = delete;
  StagedTextFile& operator=(const StagedTextFile&) = delete;
  ~StagedTextFile() {
    if (committed_) return;
    out_.reset();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }

  fmt::memory_buffer& buffer() { return buffer_; }

  /// Writes the buffer out once it holds a megabyte.
  void flush_when_full() {
    if (buffer_.size() > (1 << 20)) flush();
  }

  /// Writes what is left, closes the temporary and renames it to the target.
  void commit() {
    flush();
    if (std::fclose(out_.release()) != 0) throw_unfinished();
    std::error_code error;
    std::filesystem::rename(temporary_, file_, error);
    if (error) throw_unfinished();
    committed_ = true;
  }

 private:
  void flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), out_.get()) != buffer_.size()) {
      throw_unfinished();
    }
    buffer_.clear();
  }

  [[noreturn]] void throw_unfinished() const {
    throw RunError(fmt::format("cannot finish writing {}; check the disk space", file_.string()));
  }

  std::filesystem::path file_;
  std::filesystem::path temporary_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_;
  fmt::memory_buffer buffer_;
  bool committed_ = false;
};

std::uint64_t positive_threshold(double positive_fraction) {
  return static_cast<std::uint64_t>(positive_fraction * 0x1.0p64);
}

// Floyd's sampling: `count` distinct numbers from 1..`features`, each set equally likely, in
// `count` draws; `taken` (size features + 1, all false) is left all false again.
void draw_distinct_indices(SplitMix64& rng, std::size_t count, std::size_t features,
                           std::vector<bool>& taken, std::vector<std::size_t>& indices) {
  indices.clear();
  for (std::size_t upper = features - count + 1; upper <= features; ++upper) {
    std::size_t index = rng.below(upper) + 1;
    if (taken[index]) index = upper;
    taken[index] = true;
    indices.push_back(index);
  }
  for (const std::size_t index : indices) taken[index] = false;
  std::sort(indices.begin(), indices.end());
}

}  // namespace

std::size_t informative_features(std::size_t features) { return (features + 9) / 10; }

std::size_t write_synthetic_csv(const SyntheticSpec& spec, const std::filesystem::path& file) {
  check_synthetic_spec(spec);
  StagedTextFile out(file);
  auto& buffer = out.buffer();
  SplitMix64 rng(spec.seed);
  for (std::size_t j = 1; j <= spec.features; ++j) fmt::format_to(std::back_inserter(buffer), "x{},", j);
  fmt::format_to(std::back_inserter(buffer), "label\n");
  std::size_t positives = 0;
  const std::uint64_t threshold = positive_threshold(spec.positive_fraction);
  for (std::size_t i = 0; i < spec.rows; ++i) {
    const bool positive = rng.next() < threshold;
    positives += positive;
    for (std::size_t j = 0; j < spec.features; ++j) {
      fmt::format_to(std::back_inserter(buffer), "{:.7g},",
                     rng.normal() + (positive ? spec.shift : 0.0));
    }
    fmt::format_to(std::back_inserter(buffer), "{}\n", positive ? 1 : 0);
    out.flush_when_full();
  }
  out.commit();
  return positives;
}

std::size_t write_synthetic_libsvm(const SyntheticSpec& spec, std::size_t nonzeros_per_row,
                                   const std::filesystem::path& file) {
  check_synthetic_spec(spec);
  if (nonzeros_per_row < 1 || nonzeros_per_row > spec.features) {
    throw ConfigError(fmt::format(
        "--nonzeros-per-row {} is out of range: each row holds between 1 and --features ({}) "
        "distinct features; {}",
        nonzeros_per_row, spec.features,
        nonzeros_per_row < 1 ? "give at least 1" : "lower it or raise --features"));
  }
  StagedTextFile out(file);
  auto& buffer = out.buffer();
  SplitMix64 rng(spec.seed);
  std::vector<bool> taken(spec.features + 1, false);
  std::vector<std::size_t> indices;
  indices.reserve(nonzeros_per_row);
  const std::size_t informative = informative_features(spec.features);
  const std::uint64_t threshold = positive_threshold(spec.positive_fraction);
  std::size_t positives = 0;
  for (std::size_t i = 0; i < spec.rows; ++i) {
    const bool positive = rng.next() < threshold;
    positives += positive;
    fmt::format_to(std::back_inserter(buffer), "{}", positive ? 1 : 0);
    draw_distinct_indices(rng, nonzeros_per_row, spec.features, taken, indices);
    for (const std::size_t index : indices) {
      const double shift = positive && index <= informative ? spec.shift : 0.0;
      fmt::format_to(std::back_inserter(buffer), " {}:{:.7g}", index, rng.normal() + shift);
    }
    buffer.push_back('\n');
    out.flush_when_full();
  }
  out.commit();
  return positives;
}

}  // namespace aumtrain
