// Fuzzes load_config: YAML configs with --set overrides.
//
// Input: NUL bytes split it into parts; the first part is the config file, each of the next
// (at most four) is one --set argument, e.g. "train.max_iterations=5".
// load_config may reject the input with an aumtrain::Error; anything else (a crash, a sanitizer
// report, another exception, a hang) is a finding. A config it accepts must come back unchanged
// through to_yaml: the run directory's config.yaml is that YAML, and it must load again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "aumtrain/config/config.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::size_t kMaxOverrides = 4;

void check_round_trip(const aumtrain::ExperimentConfig& config) {
  static aumtrain::fuzzing::ScratchFile written("written.yaml");
  const std::string yaml = aumtrain::to_yaml(config);
  try {
    const aumtrain::ExperimentConfig again = aumtrain::load_config(written.write(yaml), {});
    aumtrain::fuzzing::require(aumtrain::to_yaml(again) == yaml,
                               "to_yaml of a config is read back as the same config");
  } catch (const aumtrain::Error& error) {
    std::fprintf(stderr, "finding: to_yaml wrote a config that does not load: %s\n%s",
                 error.what(), yaml.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static aumtrain::fuzzing::ScratchFile file("config.yaml");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t config_end = std::min(input.find('\0'), input.size());
  std::vector<std::string> overrides;
  for (std::size_t start = config_end + 1; start <= input.size() && overrides.size() < kMaxOverrides;) {
    const std::size_t end = std::min(input.find('\0', start), input.size());
    overrides.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  const std::string& path = file.write(input.substr(0, config_end));
  aumtrain::fuzzing::expect_only_aumtrain_errors(
      [&] { check_round_trip(aumtrain::load_config(path, overrides)); });
  return 0;
}
