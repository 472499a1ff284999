#include "aumtrain/io/gnuplot.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "aumtrain/core/errors.hpp"
#include "aumtrain/io/run_directory.hpp"

namespace aumtrain {
namespace fs = std::filesystem;

namespace {

// 'text' for a POSIX shell.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

bool gnuplot_available() { return std::system("command -v gnuplot > /dev/null 2>&1") == 0; }

void run_gnuplot(const fs::path& script_path, std::string_view script) {
  if (!gnuplot_available()) {
    throw RunError(fmt::format("gnuplot is not installed, so {} was not drawn; install it "
                               "(apt-get install gnuplot-nox, or scripts/setup.sh)",
                               script_path.string()));
  }
  write_file_atomically(script_path, script);
  const fs::path directory = script_path.has_parent_path() ? script_path.parent_path() : ".";
  const fs::path errors = directory / (script_path.filename().string() + ".err");
  const std::string command = fmt::format(
      "cd {} && gnuplot {} 2> {}", shell_quote(directory.string()),
      shell_quote(script_path.filename().string()), shell_quote(errors.filename().string()));
  const int status = std::system(command.c_str());
  std::ifstream in(errors);
  std::stringstream message;
  message << in.rdbuf();
  std::error_code ignored;
  fs::remove(errors, ignored);
  if (status != 0) {
    std::string text = message.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    throw RunError(
        fmt::format("gnuplot failed on '{}'{}; is gnuplot installed (Debian package gnuplot-nox)?",
                    script_path.string(), text.empty() ? "" : ": " + text));
  }
}

void draw_png(const fs::path& png, std::string_view script) {
  const fs::path folder = png.has_parent_path() ? png.parent_path() : fs::path(".");
  const fs::path staging =
      folder / fmt::format(".{}.drawing-{}", png.filename().string(), ::getpid());
  std::error_code error;
  fs::create_directory(staging, error);
  if (error) {
    throw RunError(fmt::format("cannot draw {}: {}; check that its folder exists and can be "
                               "written",
                               png.string(), error.message()));
  }
  struct RemoveStaging {
    fs::path path;
    ~RemoveStaging() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } remove_staging{staging};
  fs::path script_file = png;
  script_file.replace_extension(".gp");
  run_gnuplot(staging / script_file.filename(), script);
  for (const fs::path& file : {png, script_file}) {
    fs::rename(staging / file.filename(), file, error);
    if (error) throw RunError(fmt::format("cannot write {}: {}", file.string(), error.message()));
  }
}

std::string gnuplot_data_block(std::string_view name,
                               const std::vector<std::vector<std::string>>& rows) {
  std::string block = fmt::format("${} << EOD\n", name);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) block += ' ';
      block += row[i];
    }
    block += '\n';
  }
  return block + "EOD\n";
}

std::string gnuplot_png_and_svg(std::string_view basename, int width, int height,
                                std::string_view plot_commands) {
  return fmt::format(
      "set terminal pngcairo size {w},{h} enhanced font 'Sans,12'\n"
      "set output '{b}.png'\n"
      "{p}"
      "unset output\n"
      "set terminal svg size {w},{h} dynamic enhanced font 'Sans,12' background rgb 'white'\n"
      "set output '{b}.svg'\n"
      "{p}"
      "unset output\n",
      fmt::arg("w", width), fmt::arg("h", height), fmt::arg("b", basename),
      fmt::arg("p", plot_commands));
}

void check_png_can_be_drawn(const fs::path& png, bool force, std::string_view option) {
  fs::path script = png;
  script.replace_extension(".gp");
  refuse_existing_file(png, force, option);
  refuse_existing_file(script, force, option);
  if (!gnuplot_available()) {
    throw RunError(fmt::format("{}: gnuplot is not installed, so {} cannot be drawn; install it "
                               "(apt-get install gnuplot-nox) or leave out {}",
                               option, png.string(), option));
  }
}

}  // namespace aumtrain
