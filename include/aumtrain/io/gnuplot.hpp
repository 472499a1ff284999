// Plots through gnuplot (gnuplot-nox): scripts are written next to the plots they make, so a
// reader can change one and run it again.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace aumtrain {

/// Whether a gnuplot executable is on the PATH.
bool gnuplot_available();

/// Writes `script` to `script_path` and runs gnuplot on it inside the script's directory
/// (outputs named in the script land there). Throws RunError, with gnuplot's own message, when
/// gnuplot is missing or fails.
void run_gnuplot(const std::filesystem::path& script_path, std::string_view script);

/// Draws `png` with `script`, which must write the PNG under its file name alone, and keeps the
/// script beside it under the same name with the extension .gp. gnuplot runs in a temporary
/// folder beside them, and both files are renamed into place only once the PNG is drawn, so
/// neither is ever half-written. Throws RunError as run_gnuplot() does.
void draw_png(const std::filesystem::path& png, std::string_view script);

/// A gnuplot data block, "$name << EOD ... EOD", from rows of already formatted cells.
std::string gnuplot_data_block(std::string_view name,
                               const std::vector<std::vector<std::string>>& rows);

/// Script lines that draw `plot_commands` twice: into `basename`.png (cairo) and `basename`.svg,
/// both `width` x `height`, with gnuplot's enhanced text ("10^{3}"); add `noenhanced` to a
/// label, or "set termoption noenhanced" to the commands, for text with '_' or '^' in it.
std::string gnuplot_png_and_svg(std::string_view basename, int width, int height,
                                std::string_view plot_commands);

/// Before any work: throws ConfigError when `png` or its script (the same name with .gp) exists
/// and `force` is false, and RunError when gnuplot is not installed. `option` names the command
/// line option that gave `png` in the messages.
void check_png_can_be_drawn(const std::filesystem::path& png, bool force, std::string_view option);

}  // namespace aumtrain
