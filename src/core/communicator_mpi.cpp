// The MPI communicator: the only translation unit that includes <mpi.h>.
#include <fmt/format.h>
#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include "aumtrain/core/communicator.hpp"
#include "aumtrain/core/errors.hpp"

namespace aumtrain {

std::unique_ptr<Communicator> make_mpi_communicator();

namespace {

// Whether an MPI launcher started this process: without one, an MPI build is a single process
// and never initialises MPI.
bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

// MPI counts and displacements are ints: a message of 2 GiB or more is refused.
int as_mpi_count(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(INT_MAX)) {
    throw RunError(fmt::format(
        "a message of {} bytes is more than MPI's limit of {} bytes per message; run with more "
        "ranks",
        bytes, INT_MAX));
  }
  return static_cast<int>(bytes);
}

std::vector<int> as_mpi_counts(std::span<const std::size_t> bytes) {
  std::vector<int> out(bytes.size());
  for (std::size_t r = 0; r < bytes.size(); ++r) out[r] = as_mpi_count(bytes[r]);
  return out;
}

// Displacements of consecutive blocks of `counts`.
std::vector<int> displacements_of(const std::vector<int>& counts) {
  std::vector<int> out(counts.size(), 0);
  std::size_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    out[r] = as_mpi_count(total);
    total += static_cast<std::size_t>(counts[r]);
  }
  as_mpi_count(total);
  return out;
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  [[noreturn]] void abort(int exit_code) noexcept override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; should it, end this rank at least
  }
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }

  void allreduce_sum(std::span<std::uint64_t> values) override { reduce(values, MPI_SUM); }
  void allreduce_min(std::span<std::uint64_t> values) override { reduce(values, MPI_MIN); }
  void allreduce_max(std::span<std::uint64_t> values) override { reduce(values, MPI_MAX); }

  std::uint64_t exscan_sum(std::uint64_t value) override {
    std::uint64_t before = 0;
    MPI_Exscan(&value, &before, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return rank_ == 0 ? 0 : before;  // MPI leaves rank 0's result undefined
  }

  std::vector<std::size_t> allgather_counts(std::size_t local) override {
    const unsigned long long mine = local;
    std::vector<unsigned long long> all(static_cast<std::size_t>(size_));
    MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all.data(), 1, MPI_UNSIGNED_LONG_LONG,
                  MPI_COMM_WORLD);
    return {all.begin(), all.end()};
  }

  void allgatherv_bytes(std::span<const std::byte> local, std::span<std::byte> recv,
                        std::span<const std::size_t> counts) override {
    const std::vector<int> recv_counts = as_mpi_counts(counts);
    const std::vector<int> displacements = displacements_of(recv_counts);
    std::size_t total = 0;
    for (const std::size_t count : counts) total += count;
    if (total != recv.size()) {
      throw std::invalid_argument(
          fmt::format("allgatherv: {} bytes to receive into {}", total, recv.size()));
    }
    MPI_Allgatherv(local.data(), as_mpi_count(local.size()), MPI_BYTE, recv.data(),
                   recv_counts.data(), displacements.data(), MPI_BYTE, MPI_COMM_WORLD);
  }

  void broadcast_bytes(std::span<std::byte> bytes, int root) override {
    MPI_Bcast(bytes.data(), as_mpi_count(bytes.size()), MPI_BYTE, root, MPI_COMM_WORLD);
  }

  void alltoallv_bytes(std::span<const std::byte> send, std::span<const std::size_t> send_counts,
                       std::span<std::byte> recv,
                       std::span<const std::size_t> recv_counts) override {
    const std::vector<int> send_mpi = as_mpi_counts(send_counts);
    const std::vector<int> recv_mpi = as_mpi_counts(recv_counts);
    const std::vector<int> send_displacements = displacements_of(send_mpi);
    const std::vector<int> recv_displacements = displacements_of(recv_mpi);
    std::size_t total = 0;
    for (const std::size_t count : recv_counts) total += count;
    if (total != recv.size()) {
      throw std::invalid_argument(
          fmt::format("alltoallv: {} bytes to receive into {}", total, recv.size()));
    }
    MPI_Alltoallv(send.data(), send_mpi.data(), send_displacements.data(), MPI_BYTE, recv.data(),
                  recv_mpi.data(), recv_displacements.data(), MPI_BYTE, MPI_COMM_WORLD);
  }

  std::vector<std::size_t> alltoall_counts(std::span<const std::size_t> send) override {
    std::vector<unsigned long long> out(static_cast<std::size_t>(size_));
    const std::vector<unsigned long long> in(send.begin(), send.end());
    MPI_Alltoall(in.data(), 1, MPI_UNSIGNED_LONG_LONG, out.data(), 1, MPI_UNSIGNED_LONG_LONG,
                 MPI_COMM_WORLD);
    return {out.begin(), out.end()};
  }

 private:
  void reduce(std::span<std::uint64_t> values, MPI_Op op) {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), as_mpi_count(values.size()), MPI_UINT64_T, op,
                  MPI_COMM_WORLD);
  }

  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() {
  if (!started_by_mpi_launcher()) return nullptr;
  return std::make_unique<MpiCommunicator>();
}

}  // namespace aumtrain
