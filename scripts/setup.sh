#!/usr/bin/env bash
# Installs the Debian 12 packages aumtrain needs that are not installed yet.
#   scripts/setup.sh          what building and running aumtrain needs
#   scripts/setup.sh --tests  that, plus what the tests, benchmarks and fuzz targets need
#                             (clang with its libFuzzer runtime and OpenMP, and OpenMPI for
#                             the tests that run several ranks under mpirun)
# As root it runs the apt-get line itself; otherwise it prints the line for you to run.
set -euo pipefail

packages=(g++ cmake make libeigen3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
          nlohmann-json3-dev libssl-dev gnuplot-nox)
case "${1:-}" in
  "") ;;
  --tests) packages+=(libgtest-dev libbenchmark-dev libtorch-dev clang
                          libclang-rt-14-dev libomp-dev libopenmpi-dev openmpi-bin) ;;
  *) echo "usage: scripts/setup.sh [--tests]" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if ((EUID != 0)); then
  echo "aumtrain needs these Debian packages; as root, run:" >&2
  echo "  $line" >&2
  exit 1
fi
echo "Installing: ${missing[*]}" >&2
bash -c "$line"
