#include "aumtrain/train/run_record_codec.hpp"

#include <fmt/format.h>

#include <bit>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

// A field added to one of these structs must be written and read below too; the sizes catch
// one that is not (on the usual 64-bit Linux layout, where they are known).
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(RunKey) == 136, "RunKey changed: encode the new field in run_record_codec");
static_assert(sizeof(SetMetrics) == 24, "SetMetrics changed: encode it in run_record_codec");
static_assert(sizeof(IterationRecord) == 112,
              "IterationRecord changed: encode the new field in run_record_codec");
static_assert(sizeof(LinearModel) == 24, "LinearModel changed: encode it in run_record_codec");
static_assert(sizeof(TrainResult) == 168,
              "TrainResult changed: encode the new field in run_record_codec");
#endif

// The fields of each struct, in the order they are written and read: one list for both ways.
// `io` is a Writer (const structs) or a Reader.
template <class Io, class Metrics>
void metrics_fields(Io& io, Metrics& m) {
  io(m.loss);
  io(m.aum);
  io(m.auc);
}

template <class Io, class Key>
void key_fields(Io& io, Key& key) {
  io(key.dataset);
  io(key.positive_fraction);
  io(key.seed);
  io(key.loss);
  io(key.optimizer);
  io(key.step_size);
}

template <class Io, class Iteration>
void iteration_fields(Io& io, Iteration& it) {
  io(it.iteration);
  metrics_fields(io, it.subtrain);
  metrics_fields(io, it.validation);
  metrics_fields(io, it.test);
  io(it.weight_norm);
  io(it.seconds);
  io(it.step);
  io(it.events);
}

template <class Io, class Result>
void result_fields(Io& io, Result& r) {
  io(r.status);
  io(r.message);
  io(r.iterations);
  io(r.best_iteration);
  io(r.best_validation_auc);
  io(r.best_model.weights);
  io(r.best_model.intercept);
  metrics_fields(io, r.best_test);
  io(r.best_test_score_sd);
  io(r.seconds_to_best);
  io(r.curve);
  io(r.line_search_events);
  io(r.capped_steps);
  io(r.seconds);
}

// The bytes a curve entry takes at the least: its 14 numbers.
constexpr std::size_t kIterationBytes = std::size_t{14} * 8;

class Writer {
 public:
  explicit Writer(std::vector<std::byte>& out) : out_(out) {}

  void operator()(std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
      out_.push_back(static_cast<std::byte>((value >> (8 * byte)) & 0xff));
    }
  }
  void operator()(int value) { (*this)(static_cast<std::uint64_t>(std::int64_t{value})); }
  void operator()(double value) { (*this)(std::bit_cast<std::uint64_t>(value)); }
  void operator()(RunStatus status) { (*this)(static_cast<std::uint64_t>(status)); }
  void operator()(const std::optional<double>& value) {
    (*this)(std::uint64_t{value ? 1U : 0U});
    if (value) (*this)(*value);
  }
  void operator()(const std::string& value) {
    (*this)(std::uint64_t{value.size()});
    const auto* bytes = reinterpret_cast<const std::byte*>(value.data());
    out_.insert(out_.end(), bytes, bytes + value.size());
  }
  void operator()(const Eigen::VectorXd& values) {
    (*this)(static_cast<std::uint64_t>(values.size()));
    for (const double value : values) (*this)(value);
  }
  void operator()(const std::vector<IterationRecord>& curve) {
    (*this)(std::uint64_t{curve.size()});
    for (const IterationRecord& it : curve) iteration_fields(*this, it);
  }

 private:
  std::vector<std::byte>& out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}

  bool done() const noexcept { return offset_ == in_.size(); }

  void operator()(std::uint64_t& value) {
    const std::span<const std::byte> bytes = take(8);
    value = 0;
    for (int byte = 0; byte < 8; ++byte) {
      value |= static_cast<std::uint64_t>(bytes[static_cast<std::size_t>(byte)]) << (8 * byte);
    }
  }
  void operator()(int& value) {
    const auto wide = static_cast<std::int64_t>(number());
    if (wide < INT32_MIN || wide > INT32_MAX) fail(fmt::format("{} is not an int", wide));
    value = static_cast<int>(wide);
  }
  void operator()(double& value) { value = std::bit_cast<double>(number()); }
  void operator()(RunStatus& status) {
    const std::uint64_t value = number();
    if (value > static_cast<std::uint64_t>(RunStatus::interrupted)) {
      fail(fmt::format("{} is not a run status", value));
    }
    status = static_cast<RunStatus>(value);
  }
  void operator()(std::optional<double>& value) {
    const std::uint64_t present = number();
    if (present > 1) fail(fmt::format("{} is not a presence flag", present));
    value.reset();
    if (present) (*this)(value.emplace());
  }
  void operator()(std::string& value) {
    const std::span<const std::byte> bytes = take(number());
    value.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  void operator()(Eigen::VectorXd& values) {
    values.resize(static_cast<Eigen::Index>(count(8)));
    for (double& value : values) (*this)(value);
  }
  void operator()(std::vector<IterationRecord>& curve) {
    curve.resize(count(kIterationBytes));
    for (IterationRecord& it : curve) iteration_fields(*this, it);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw RunError(fmt::format("a run record received from another rank is damaged at byte {}: {}",
                               offset_, what));
  }

 private:
  std::uint64_t number() {
    std::uint64_t value = 0;
    (*this)(value);
    return value;
  }
  // A count of items of at least `item_bytes` each, checked against the bytes left before
  // anything is allocated for them.
  std::size_t count(std::size_t item_bytes) {
    const std::uint64_t n = number();
    if (n > (in_.size() - offset_) / item_bytes) {
      fail(fmt::format("{} items cannot fit in the {} bytes left", n, in_.size() - offset_));
    }
    return static_cast<std::size_t>(n);
  }
  std::span<const std::byte> take(std::uint64_t bytes) {
    if (bytes > in_.size() - offset_) {
      fail(fmt::format("{} bytes needed, {} left", bytes, in_.size() - offset_));
    }
    const std::span<const std::byte> out = in_.subspan(offset_, static_cast<std::size_t>(bytes));
    offset_ += static_cast<std::size_t>(bytes);
    return out;
  }

  std::span<const std::byte> in_;
  std::size_t offset_ = 0;
};

}  // namespace

void append_run_record(std::vector<std::byte>& out, std::uint64_t tag, const RunRecord& record) {
  Writer writer(out);
  writer(tag);
  key_fields(writer, record.key);
  result_fields(writer, record.result);
}

std::vector<TaggedRunRecord> read_run_records(std::span<const std::byte> bytes) {
  Reader reader(bytes);
  std::vector<TaggedRunRecord> records;
  while (!reader.done()) {
    TaggedRunRecord tagged;
    reader(tagged.tag);
    key_fields(reader, tagged.record.key);
    result_fields(reader, tagged.record.result);
    records.push_back(std::move(tagged));
  }
  return records;
}

}  // namespace aumtrain
