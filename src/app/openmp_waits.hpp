// How idle OpenMP threads wait between parallel regions.
#pragma once

namespace aumtrain::app {

/// Makes idle OpenMP threads sleep instead of spinning, unless the user chose a wait policy.
///
/// GCC's libgomp lets an idle thread spin (300,000 rounds by default) before it sleeps, so a
/// thread waiting for the next matrix product keeps its core busy. When another process needs
/// one of the two cores, the spinning threads and that process take turns, and every parallel
/// phase waits for whichever thread the kernel has just set aside: a 100-iteration run on
/// 100,000 x 20 data took over four times as long on two threads as on one. Sleeping waiters
/// give their core back, and the phase goes on where a core is free.
///
/// libgomp reads OMP_WAIT_POLICY once, while it is loaded, before main() runs, and has no call
/// to change it later. So when neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set, this sets
/// OMP_WAIT_POLICY=passive and executes the program again, in the same process, with the same
/// arguments; it returns when a variable was already set (or the new start failed, in which case
/// the program goes on with spinning waiters). Call it first in main(), before any thread exists.
void make_openmp_waits_passive(char** argv);

}  // namespace aumtrain::app
