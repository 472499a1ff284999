// The communication facade: the one interface through which ranks of a distributed run talk to
// each other. Nothing else in aumtrain calls MPI. A single-process implementation is always
// built; an MPI one is built with -DAUMTRAIN_WITH_MPI (src/core/communicator_mpi.cpp).
//
// Every collective here is deterministic: integer reductions are exact, and the one reduction
// of doubles (tree_sum_of_blocks) adds its terms in an order that depends on the global block
// numbers alone, so that results are the same bits for any number of ranks.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "aumtrain/core/block_sum.hpp"
#include "aumtrain/core/errors.hpp"

namespace aumtrain {

/// The ranks of one run. Collectives must be called by every rank, in the same order.
class Communicator {
 public:
  virtual ~Communicator() = default;

  /// This process's number, 0 to size() - 1.
  virtual int rank() const noexcept = 0;
  /// How many processes take part.
  virtual int size() const noexcept = 0;

  /// Element-wise sum over the ranks, in place (exact: integers).
  virtual void allreduce_sum(std::span<std::uint64_t> values) = 0;
  /// Element-wise minimum and maximum over the ranks, in place.
  virtual void allreduce_min(std::span<std::uint64_t> values) = 0;
  virtual void allreduce_max(std::span<std::uint64_t> values) = 0;
  /// The sum of `value` over the ranks before this one (0 on rank 0).
  virtual std::uint64_t exscan_sum(std::uint64_t value) = 0;

  /// Every rank's `local`, on every rank.
  virtual std::vector<std::size_t> allgather_counts(std::size_t local) = 0;
  /// Every rank's `local` bytes, rank after rank, into `recv`: counts[r] bytes from rank r (as
  /// allgather_counts gave them), `recv` holding their sum.
  virtual void allgatherv_bytes(std::span<const std::byte> local, std::span<std::byte> recv,
                                std::span<const std::size_t> counts) = 0;
  /// Rank `root`'s bytes on every rank; every rank passes a buffer of the same size.
  virtual void broadcast_bytes(std::span<std::byte> bytes, int root) = 0;
  /// Sends send_counts[r] bytes of `send` (in rank order) to rank r and receives into `recv`
  /// what each rank sends to this one, in rank order; recv_counts[r] is what rank r sends here,
  /// and `recv` holds their sum.
  virtual void alltoallv_bytes(std::span<const std::byte> send,
                               std::span<const std::size_t> send_counts, std::span<std::byte> recv,
                               std::span<const std::size_t> recv_counts) = 0;
  /// recv[r] = what rank r passed as send[this rank]; one count per rank.
  virtual std::vector<std::size_t> alltoall_counts(std::span<const std::size_t> send) = 0;

  /// Ends every rank now with `exit_code`: for an error that this rank alone met, outside any
  /// collective check, so that the others do not wait for it for ever. With one process it
  /// ends the process.
  [[noreturn]] virtual void abort(int exit_code) noexcept = 0;

  /// Collective decisions (a stop flag, divergence, patience), the same on every rank: whether
  /// any rank, or every rank, passes true.
  bool any(bool local);
  bool all(bool local);

  /// The collective failure check, called by every rank at the same point: returns, with no
  /// effect, when no rank passes an error; otherwise every rank throws the same aumtrain::Error,
  /// with the message (and exit code) of the lowest-numbered failing rank, prefixed by
  /// "rank R: " when there are several ranks. Pass std::current_exception() from a catch block,
  /// or nullptr.
  void check(std::exception_ptr local_error);

  /// Runs `work` and then check(): an exception on any rank is thrown on every rank, so that no
  /// rank goes on to a collective that the failed one will never reach.
  void collectively(const std::function<void()>& work);

  /// Typed helpers over the byte collectives.
  template <class T>
  std::vector<T> allgatherv(std::span<const T> local, std::vector<std::size_t>& counts);
  template <class T>
  std::vector<T> alltoallv(std::span<const T> send, std::span<const std::size_t> send_counts,
                           std::vector<std::size_t>& recv_counts);
};

/// What Communicator::check() throws on every rank alike when some rank failed: the message
/// and exit code of the lowest-numbered failing rank, the message prefixed by "rank R: ".
class RankError : public Error {
 public:
  using Error::Error;
};

/// The single-process communicator: rank 0 of 1, every collective a copy.
class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  void allreduce_sum(std::span<std::uint64_t>) override {}
  void allreduce_min(std::span<std::uint64_t>) override {}
  void allreduce_max(std::span<std::uint64_t>) override {}
  std::uint64_t exscan_sum(std::uint64_t) override { return 0; }
  std::vector<std::size_t> allgather_counts(std::size_t local) override { return {local}; }
  void allgatherv_bytes(std::span<const std::byte> local, std::span<std::byte> recv,
                        std::span<const std::size_t> counts) override;
  void broadcast_bytes(std::span<std::byte>, int root) override;
  void alltoallv_bytes(std::span<const std::byte> send, std::span<const std::size_t> send_counts,
                       std::span<std::byte> recv,
                       std::span<const std::size_t> recv_counts) override;
  std::vector<std::size_t> alltoall_counts(std::span<const std::size_t> send) override;
  [[noreturn]] void abort(int exit_code) noexcept override;
};

/// Whether this build can run over MPI (configured with AUMTRAIN_WITH_MPI and MPI found).
bool built_with_mpi() noexcept;

/// The communicator of this process: over MPI when the build has it and the process was
/// started by mpirun (or another MPI launcher), else the single-process one. The first call
/// initialises MPI; it is finalised when the process exits.
Communicator& world_communicator();

/// A fixed binary tree over blocks 0 .. block_count - 1: the root covers every block, and a
/// node of more than one block splits at the largest power of two below its size (the left
/// child is a full power-of-two subtree). Sums over rows are taken per block of rows and the
/// block sums added up this tree, so that their order depends only on the global block
/// numbers, never on which rank holds which block.
///
/// Returns the tree sum of the columns of all ranks' `local_blocks` (one column per block, rows
/// the width of the sum), where this rank holds blocks first_block .. first_block +
/// local_blocks.cols() - 1 and the ranks' blocks together are 0 .. block_count - 1, each block
/// on one rank. Each rank adds the subtrees that lie wholly in its blocks and sends only those
/// (at most about 2 log2(block_count) columns): every rank gets the same bits. With one rank it
/// is the tree sum of the columns.
Eigen::VectorXd tree_sum_of_blocks(Communicator& communicator, const Eigen::MatrixXd& local_blocks,
                                   std::size_t first_block, std::size_t block_count);

/// Which rows of a set one rank holds: blocks first_block .. of the set's block_count blocks of
/// kSumBlockRows rows (numbered over every rank), every block whole, so that only the last
/// block of all can be shorter.
struct RowBlocks {
  Communicator* communicator = nullptr;
  std::size_t first_block = 0;
  std::size_t block_count = 0;
};

/// Throws std::invalid_argument unless `rows` rows are whole blocks as `blocks` says (only the
/// last block of all may be shorter), with a communicator.
void check_row_blocks(const RowBlocks& blocks, std::size_t rows);

/// block_tree_sum() over the rows of every rank, each rank passing its own `rows` rows (whole
/// blocks, as `blocks` says) and its own term: every rank gets the bits that one process
/// holding every row gets from block_tree_sum(). Rows that are not whole blocks on any rank,
/// or an exception of `term`, throw on every rank (Communicator::check).
template <class Term>
double block_tree_sum(const RowBlocks& blocks, std::size_t rows, Term&& term) {
  if (blocks.communicator == nullptr) {
    throw std::invalid_argument("block_tree_sum: the row blocks have no communicator");
  }
  Eigen::MatrixXd sums;
  blocks.communicator->collectively([&] {
    check_row_blocks(blocks, rows);
    const std::size_t local_blocks = (rows + kSumBlockRows - 1) / kSumBlockRows;
    sums.resize(1, static_cast<Eigen::Index>(local_blocks));
    for (std::size_t block = 0; block < local_blocks; ++block) {
      double sum = 0.0;
      const std::size_t end = std::min(rows, (block + 1) * kSumBlockRows);
      for (std::size_t i = block * kSumBlockRows; i < end; ++i) sum += term(i);
      sums(0, static_cast<Eigen::Index>(block)) = sum;
    }
  });
  return tree_sum_of_blocks(*blocks.communicator, sums, blocks.first_block, blocks.block_count)[0];
}

template <class T>
std::vector<T> Communicator::allgatherv(std::span<const T> local,
                                        std::vector<std::size_t>& counts) {
  std::vector<std::size_t> bytes = allgather_counts(local.size_bytes());
  std::size_t total = 0;
  for (const std::size_t count : bytes) total += count;
  std::vector<T> out(total / sizeof(T));  // received in place: no copy
  allgatherv_bytes(std::as_bytes(local), std::as_writable_bytes(std::span<T>(out)), bytes);
  counts = std::move(bytes);
  for (std::size_t& count : counts) count /= sizeof(T);
  return out;
}

template <class T>
std::vector<T> Communicator::alltoallv(std::span<const T> send,
                                       std::span<const std::size_t> send_counts,
                                       std::vector<std::size_t>& recv_counts) {
  std::vector<std::size_t> send_bytes(send_counts.begin(), send_counts.end());
  for (std::size_t& count : send_bytes) count *= sizeof(T);
  std::vector<std::size_t> recv_bytes = alltoall_counts(send_bytes);
  std::size_t total = 0;
  for (const std::size_t count : recv_bytes) total += count;
  std::vector<T> out(total / sizeof(T));  // received in place: no copy
  alltoallv_bytes(std::as_bytes(send), send_bytes, std::as_writable_bytes(std::span<T>(out)),
                  recv_bytes);
  recv_counts = std::move(recv_bytes);
  for (std::size_t& count : recv_counts) count /= sizeof(T);
  return out;
}

}  // namespace aumtrain
