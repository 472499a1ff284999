#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test, in three stages:
#   1. the GoogleTest suite (build/);
#   2. the same suite built with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/);
#   3. each fuzz target for FUZZ_SECONDS, default 30 (scripts/fuzz.sh, in build-fuzz/).
#   scripts/test.sh [FUZZ_SECONDS]
# Stops at the first stage that fails; prints how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${1:-30}

timings=()
run_stage() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  "$@"
  timings+=("$name: $((SECONDS - start)) s")
  echo "=== $name: passed in $((SECONDS - start)) s"
}

tests() {
  # The suite compares against libtorch autograd: ask for it, so that it cannot go missing.
  scripts/setup.sh --tests && cmake -S . -B build -DAUMTRAIN_WITH_TORCH=ON &&
    cmake --build build -j2 &&
    ctest --test-dir build --output-on-failure -j2
}
sanitized_tests() {
  cmake -S . -B build-asan -DAUMTRAIN_SANITIZE=ON -DAUMTRAIN_BUILD_BENCHMARKS=OFF &&
    cmake --build build-asan -j2 && ctest --test-dir build-asan --output-on-failure -j2
}

run_stage "tests" tests
run_stage "tests under ASan+UBSan" sanitized_tests
run_stage "fuzzing, $fuzz_seconds s per target" scripts/fuzz.sh "$fuzz_seconds"
printf '%s\n' "${timings[@]}"
