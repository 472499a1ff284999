#include "aumtrain/core/communicator.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <stdexcept>
#include <utility>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {

#if AUMTRAIN_WITH_MPI
/// From communicator_mpi.cpp: the MPI communicator when this process was started by an MPI
/// launcher, else nullptr.
std::unique_ptr<Communicator> make_mpi_communicator();
#endif

namespace {

// The size of the left child of a tree node of `size` > 1 blocks: the largest power of two
// below it.
std::size_t left_child_size(std::size_t size) noexcept {
  return std::bit_floor(size - 1);
}

// The tree sum of node [lo, hi) over columns of `blocks` that hold blocks first, first + 1, ...
Eigen::VectorXd node_sum(const Eigen::MatrixXd& blocks, std::size_t first, std::size_t lo,
                         std::size_t hi) {
  if (hi - lo == 1) return blocks.col(static_cast<Eigen::Index>(lo - first));
  const std::size_t mid = lo + left_child_size(hi - lo);
  Eigen::VectorXd sum = node_sum(blocks, first, lo, mid);
  sum += node_sum(blocks, first, mid, hi);
  return sum;
}

// Appends (lo, hi, sum) for each largest node of the tree under [lo, hi) that lies wholly in
// the held blocks [first, end): the nodes every rank's evaluation will meet.
void append_held_nodes(const Eigen::MatrixXd& blocks, std::size_t first, std::size_t end,
                       std::size_t lo, std::size_t hi, std::vector<double>& out) {
  if (hi <= first || end <= lo) return;
  if (first <= lo && hi <= end) {
    out.push_back(static_cast<double>(lo));
    out.push_back(static_cast<double>(hi));
    const Eigen::VectorXd sum = node_sum(blocks, first, lo, hi);
    out.insert(out.end(), sum.data(), sum.data() + sum.size());
    return;
  }
  const std::size_t mid = lo + left_child_size(hi - lo);
  append_held_nodes(blocks, first, end, lo, mid, out);
  append_held_nodes(blocks, first, end, mid, hi, out);
}

using HeldNodes = std::map<std::pair<std::size_t, std::size_t>, Eigen::VectorXd>;

Eigen::VectorXd evaluate_tree(const HeldNodes& held, std::size_t lo, std::size_t hi) {
  if (const auto found = held.find({lo, hi}); found != held.end()) return found->second;
  if (hi - lo == 1) {
    throw std::logic_error(fmt::format("tree_sum_of_blocks: no rank holds block {}", lo));
  }
  const std::size_t mid = lo + left_child_size(hi - lo);
  Eigen::VectorXd sum = evaluate_tree(held, lo, mid);
  sum += evaluate_tree(held, mid, hi);
  return sum;
}

// The message and exit code of an exception, for the other ranks.
std::pair<std::string, ExitCode> describe_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const Error& e) {
    return {e.what(), e.exit_code()};
  } catch (const std::bad_alloc&) {
    return {"out of memory", ExitCode::run_failed};
  } catch (const std::exception& e) {
    return {e.what(), ExitCode::run_failed};
  } catch (...) {
    return {"an unknown error", ExitCode::run_failed};
  }
}

}  // namespace

bool Communicator::any(bool local) {
  std::uint64_t flag = local ? 1 : 0;
  allreduce_max({&flag, 1});
  return flag != 0;
}

bool Communicator::all(bool local) {
  std::uint64_t flag = local ? 1 : 0;
  allreduce_min({&flag, 1});
  return flag != 0;
}

void Communicator::check(std::exception_ptr local_error) {
  if (!any(local_error != nullptr)) return;
  if (size() == 1) std::rethrow_exception(local_error);
  // Each failing rank sends its exit code (4 bytes) and message; the others send nothing.
  std::vector<std::byte> mine;
  if (local_error) {
    const auto [message, code] = describe_error(local_error);
    const auto code_value = static_cast<std::int32_t>(code);
    mine.resize(sizeof code_value + message.size());
    std::memcpy(mine.data(), &code_value, sizeof code_value);
    std::memcpy(mine.data() + sizeof code_value, message.data(), message.size());
  }
  std::vector<std::size_t> counts;
  const std::vector<std::byte> all = allgatherv(std::span<const std::byte>(mine), counts);
  std::size_t offset = 0;
  for (int r = 0; r < size(); ++r) {
    const std::size_t count = counts[static_cast<std::size_t>(r)];
    if (count >= sizeof(std::int32_t)) {
      std::int32_t code_value = 0;
      std::memcpy(&code_value, all.data() + offset, sizeof code_value);
      const std::string message(
          reinterpret_cast<const char*>(all.data()) + offset + sizeof code_value,
          count - sizeof code_value);
      throw RankError(fmt::format("rank {}: {}", r, message), static_cast<ExitCode>(code_value));
    }
    offset += count;
  }
  throw std::logic_error("Communicator::check: a rank failed but sent no message");
}

void Communicator::collectively(const std::function<void()>& work) {
  std::exception_ptr error;
  try {
    work();
  } catch (...) {
    error = std::current_exception();
  }
  check(error);
}

void SingleProcessCommunicator::abort(int exit_code) noexcept { std::_Exit(exit_code); }

void SingleProcessCommunicator::allgatherv_bytes(std::span<const std::byte> local,
                                                 std::span<std::byte> recv,
                                                 std::span<const std::size_t> counts) {
  if (counts.size() != 1 || counts[0] != local.size() || recv.size() != local.size()) {
    throw std::invalid_argument("allgatherv: counts do not match one rank's bytes");
  }
  if (!local.empty()) std::memcpy(recv.data(), local.data(), local.size());
}

void SingleProcessCommunicator::broadcast_bytes(std::span<std::byte>, int root) {
  if (root != 0) throw std::invalid_argument(fmt::format("broadcast from rank {} of 1", root));
}

void SingleProcessCommunicator::alltoallv_bytes(std::span<const std::byte> send,
                                                std::span<const std::size_t> send_counts,
                                                std::span<std::byte> recv,
                                                std::span<const std::size_t> recv_counts) {
  if (send_counts.size() != 1 || recv_counts.size() != 1 || send_counts[0] != send.size() ||
      recv_counts[0] != send.size() || recv.size() != send.size()) {
    throw std::invalid_argument("alltoallv: counts do not match one rank's bytes");
  }
  if (!send.empty()) std::memcpy(recv.data(), send.data(), send.size());
}

std::vector<std::size_t> SingleProcessCommunicator::alltoall_counts(
    std::span<const std::size_t> send) {
  if (send.size() != 1) throw std::invalid_argument("alltoall_counts: one count per rank");
  return {send.begin(), send.end()};
}

bool built_with_mpi() noexcept {
  return AUMTRAIN_WITH_MPI != 0;
}

Communicator& world_communicator() {
  static const std::unique_ptr<Communicator> world = []() -> std::unique_ptr<Communicator> {
#if AUMTRAIN_WITH_MPI
    if (auto mpi = make_mpi_communicator()) return mpi;
#endif
    return std::make_unique<SingleProcessCommunicator>();
  }();
  return *world;
}

Eigen::VectorXd tree_sum_of_columns(const Eigen::MatrixXd& blocks) {
  if (blocks.cols() == 0) return Eigen::VectorXd::Zero(blocks.rows());
  return node_sum(blocks, 0, 0, static_cast<std::size_t>(blocks.cols()));
}

double tree_sum_of_values(std::span<const double> block_sums) {
  if (block_sums.empty()) return 0.0;
  if (block_sums.size() == 1) return block_sums[0];
  const std::size_t left = left_child_size(block_sums.size());
  return tree_sum_of_values(block_sums.first(left)) + tree_sum_of_values(block_sums.subspan(left));
}

Eigen::VectorXd tree_sum_of_blocks(Communicator& communicator, const Eigen::MatrixXd& local_blocks,
                                   std::size_t first_block, std::size_t block_count) {
  const std::size_t end = first_block + static_cast<std::size_t>(local_blocks.cols());
  if (end > block_count) {
    throw std::invalid_argument(
        fmt::format("tree_sum_of_blocks: blocks {} to {} of {}", first_block, end, block_count));
  }
  if (communicator.size() == 1) {
    if (first_block != 0 || end != block_count) {
      throw std::invalid_argument("tree_sum_of_blocks: one rank must hold every block");
    }
    return tree_sum_of_columns(local_blocks);
  }
  // Every rank passes the same number of rows, also a rank that holds no block.
  const auto width = static_cast<std::size_t>(local_blocks.rows());
  if (block_count == 0) return Eigen::VectorXd::Zero(static_cast<Eigen::Index>(width));
  std::vector<double> held;
  if (local_blocks.cols() > 0) {
    append_held_nodes(local_blocks, first_block, end, 0, block_count, held);
  }
  std::vector<std::size_t> counts;
  const std::vector<double> all = communicator.allgatherv(std::span<const double>(held), counts);
  HeldNodes nodes;
  const std::size_t record = 2 + width;
  for (std::size_t at = 0; at + record <= all.size(); at += record) {
    const auto lo = static_cast<std::size_t>(all[at]);
    const auto hi = static_cast<std::size_t>(all[at + 1]);
    nodes.emplace(
        std::make_pair(lo, hi),
        Eigen::Map<const Eigen::VectorXd>(all.data() + at + 2, static_cast<Eigen::Index>(width)));
  }
  return evaluate_tree(nodes, 0, block_count);
}

void check_row_blocks(const RowBlocks& blocks, std::size_t rows) {
  const std::size_t local_blocks = (rows + kSumBlockRows - 1) / kSumBlockRows;
  const bool holds_last = blocks.first_block + local_blocks == blocks.block_count;
  if (blocks.communicator == nullptr || blocks.first_block + local_blocks > blocks.block_count ||
      (!holds_last && rows % kSumBlockRows != 0)) {
    throw std::invalid_argument(
        fmt::format("{} rows as blocks from {} of {} are not whole blocks of {} rows", rows,
                    blocks.first_block, blocks.block_count, kSumBlockRows));
  }
}

}  // namespace aumtrain
