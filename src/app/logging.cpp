#include "logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace aumtrain::app {
namespace {

// "%*" in the pattern: "warning: " or "error: " before such messages, nothing before progress.
class LevelPrefix final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& destination) override {
    std::string_view prefix;
    switch (message.level) {
      case spdlog::level::warn: prefix = "warning: "; break;
      case spdlog::level::err:
      case spdlog::level::critical: prefix = "error: "; break;
      case spdlog::level::debug:
      case spdlog::level::trace: prefix = "debug: "; break;
      default: break;
    }
    destination.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelPrefix>();
  }
};

}  // namespace

void setup_logging(Verbosity verbosity, int rank) {
  auto logger = spdlog::stderr_color_mt("aumtrain");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelPrefix>('*').set_pattern(
      rank == 0 ? std::string("%^%*%$%v") : fmt::format("rank {}: %^%*%$%v", rank));
  logger->set_formatter(std::move(formatter));
  // Rank 0 reports the experiment; the other ranks say only what goes wrong on them.
  if (rank != 0) verbosity = Verbosity::quiet;
  switch (verbosity) {
    case Verbosity::quiet: logger->set_level(spdlog::level::warn); break;
    case Verbosity::normal: logger->set_level(spdlog::level::info); break;
    case Verbosity::verbose: logger->set_level(spdlog::level::debug); break;
  }
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace aumtrain::app
