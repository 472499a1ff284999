// Data-parallel loading: each rank of a distributed run reads only its share of a dataset's
// rows, and the ranks together hold exactly the rows that load_dataset() gives one process,
// conditioned to the same bits.
#pragma once

#include "aumtrain/config/config.hpp"
#include "aumtrain/core/communicator.hpp"
#include "aumtrain/data/dataset.hpp"

namespace aumtrain {

/// This rank's share of the rows of `entry.data`, called by every rank of `communicator`.
///
/// With one rank it is load_dataset(entry). With P > 1 ranks it reads dense numeric CSV only
/// (data.format: csv, data.storage: dense or automatic, no data.categorical; anything else is
/// a ConfigError). One file: rank 0 reads the header and sends it to the others, and rank r
/// reads only line_aligned_share(file, first byte after the header, r, P). Shards: rank r reads
/// shards r * S / P to (r + 1) * S / P - 1 whole (none when S < P leaves it none). Ranks in
/// order hold the rows in file order, rank 0 first; a rank may hold none.
///
/// What every rank gets is what the single-process load gives, restricted to its rows: the
/// file's own lines (Dataset::line and every message), row ids of the whole dataset
/// (Dataset::row_id from Dataset::first_row on; Dataset::total_rows), features conditioned by
/// the range of each column over all ranks (the same center, scale and stored bits), and on
/// every rank the same label_values, dropped_rows, first_dropped_lines and fingerprint (rank 0
/// reads the file, or the first shard, through once for its digest). The class and constant
/// checks count every rank's rows. The memory check applies to this rank's share.
///
/// Every step ends in a collective check: an error on any rank (a bad cell, a missing file)
/// throws on every rank the same aumtrain::Error, "rank R: file:line:column: ..." with the
/// exit code of the lowest failing rank R, so that no rank waits for another that stopped.
/// Records must not hold a line end inside a quoted field where the file is cut between two
/// ranks (DataError naming the record).
Dataset load_dataset_share(const DatasetEntry& entry, Communicator& communicator);

}  // namespace aumtrain
