// Plots of a run directory with gnuplot, in PNG and SVG, drawn from its comparison.csv and
// learning_curves.csv (so they can be re-rendered at any time by `aumtrain plot`).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace aumtrain {

/// Writes into `plot_directory`:
/// - auc_<dataset>_<fraction>.{png,svg}: AUC by iteration for each (dataset, positive
///   fraction), a panel per (loss, optimizer) pair titled with each seed's selected step size
///   and iteration; in it, for every seed's selected run, lines for subtrain / validation / test
///   (colour: set, dash pattern: seed) and a dot at the selected iteration on the validation
///   line; the AUC range from the panel's data with a margin; the key in a panel of its own;
/// - comparison.{png,svg}: test AUC (mean ± sd over seeds) per (loss, optimizer) pair, a panel
///   per dataset, by positive fraction.
/// A pair is labelled by its loss alone when every run of the directory used the constant
/// optimizer, else "<loss>, <optimizer>". Files without an `optimizer` column (written before
/// there were optimizers) read as all `constant`.
/// Each plot's gnuplot script, with its data inline, is kept beside it (NAME.gp) to be edited and
/// run again. Returns the files written. Throws RunError when gnuplot is missing or fails,
/// DataError when the run directory's files cannot be read.
std::vector<std::filesystem::path> render_plots(const std::filesystem::path& run_directory,
                                                const std::filesystem::path& plot_directory);

}  // namespace aumtrain
