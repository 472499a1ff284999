#include "aumtrain/data/synthetic_data.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/data/split.hpp"

namespace aumtrain {

std::size_t write_synthetic_csv(const SyntheticSpec& spec, const std::filesystem::path& file) {
  if (spec.rows < 1 || spec.features < 1) {
    throw ConfigError(fmt::format("--rows ({}) and --features ({}) must both be >= 1", spec.rows,
                                  spec.features));
  }
  if (!(spec.positive_fraction > 0 && spec.positive_fraction < 1)) {
    throw ConfigError(fmt::format("--positive-fraction {} is out of range; give a fraction "
                                  "strictly between 0 and 1",
                                  spec.positive_fraction));
  }
  const std::filesystem::path temporary =
      file.parent_path() / fmt::format(".{}.writing-{}", file.filename().string(), ::getpid());
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(temporary.c_str(), "wb"),
                                                      std::fclose);
  if (!out) {
    throw RunError(fmt::format("cannot write {}; check that its folder exists and is writable",
                               file.string()));
  }
  SplitMix64 rng(spec.seed);
  fmt::memory_buffer buffer;
  for (std::size_t j = 1; j <= spec.features; ++j) fmt::format_to(std::back_inserter(buffer), "x{},", j);
  fmt::format_to(std::back_inserter(buffer), "label\n");
  bool ok = true;
  std::size_t positives = 0;
  const auto threshold = static_cast<std::uint64_t>(spec.positive_fraction * 0x1.0p64);
  for (std::size_t i = 0; i < spec.rows && ok; ++i) {
    const bool positive = rng.next() < threshold;
    positives += positive;
    for (std::size_t j = 0; j < spec.features; ++j) {
      fmt::format_to(std::back_inserter(buffer), "{:.7g},",
                     rng.normal() + (positive ? spec.shift : 0.0));
    }
    fmt::format_to(std::back_inserter(buffer), "{}\n", positive ? 1 : 0);
    if (buffer.size() > (1 << 20)) {
      ok = std::fwrite(buffer.data(), 1, buffer.size(), out.get()) == buffer.size();
      buffer.clear();
    }
  }
  ok = ok && std::fwrite(buffer.data(), 1, buffer.size(), out.get()) == buffer.size();
  ok = std::fclose(out.release()) == 0 && ok;
  std::error_code error;
  if (ok) std::filesystem::rename(temporary, file, error);
  if (!ok || error) {
    std::filesystem::remove(temporary, error);
    throw RunError(fmt::format("cannot finish writing {}; check the disk space", file.string()));
  }
  return positives;
}

}  // namespace aumtrain
