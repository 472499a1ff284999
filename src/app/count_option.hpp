// Counts on the command line (rows, features, threads, repetitions, sizes) all take the same
// forms: 100000, 100_000 or 1e5.
#pragma once

#include <CLI/CLI.hpp>

namespace aumtrain::app {

/// A CLI11 transform that reads a count with read_count() and hands the option its digits, so
/// that every option it is added to reads the same forms; its message says what is wrong with
/// anything else. Add it with ->transform(count_form()) before any range check.
CLI::Validator count_form();

}  // namespace aumtrain::app
