// Run records as bytes: every field comes back, each double to the bit.
#include "aumtrain/train/run_record_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "aumtrain/core/errors.hpp"

namespace aumtrain {
namespace {

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }

// Doubles that a lossy encoding (text, floats) would change: a NaN with a payload, -0, the
// smallest subnormal, infinity, a value that needs all 17 digits.
const double kAwkward[] = {std::bit_cast<double>(std::uint64_t{0x7ff800000000beefULL}),
                           -0.0,
                           std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::infinity(),
                           0.1 + 0.2,
                           1e308};

SetMetrics metrics_from(std::size_t first) {
  return {kAwkward[first % 6], kAwkward[(first + 1) % 6], kAwkward[(first + 2) % 6]};
}

RunRecord every_field_set() {
  RunRecord record;
  record.key = {"sonar, with a comma", 0.02, 0xfedcba9876543210ULL, "aum.count", "constant", 1e-3};
  TrainResult& r = record.result;
  r.status = RunStatus::diverged;
  r.message = std::string("the loss is not finite\0 after a NUL byte", 40);
  r.iterations = 2147483647;
  r.best_iteration = -1;
  r.best_validation_auc = kAwkward[0];
  r.best_model.weights = Eigen::VectorXd(4);
  r.best_model.weights << kAwkward[1], kAwkward[2], kAwkward[3], kAwkward[4];
  r.best_model.intercept = kAwkward[5];
  r.best_test = metrics_from(1);
  r.best_test_score_sd = kAwkward[2];
  r.seconds_to_best = 12.5;
  for (int i = 0; i < 3; ++i) {
    IterationRecord it;
    it.iteration = 10 * i - 1;
    it.subtrain = metrics_from(static_cast<std::size_t>(i));
    it.validation = metrics_from(static_cast<std::size_t>(i) + 2);
    it.test = metrics_from(static_cast<std::size_t>(i) + 4);
    it.weight_norm = kAwkward[static_cast<std::size_t>(i)];
    it.seconds = 0.001 * i;
    it.step = std::nan("");
    it.events = std::numeric_limits<std::size_t>::max() - static_cast<std::size_t>(i);
    r.curve.push_back(it);
  }
  r.line_search_events = 123456789012345ULL;
  r.capped_steps = 7;
  r.seconds = 3.25;
  return record;
}

void expect_same_bits(const SetMetrics& a, const SetMetrics& b, const std::string& what) {
  EXPECT_EQ(bits(a.loss), bits(b.loss)) << what << ".loss";
  EXPECT_EQ(bits(a.aum), bits(b.aum)) << what << ".aum";
  EXPECT_EQ(bits(a.auc), bits(b.auc)) << what << ".auc";
}

void expect_same_optional(const std::optional<double>& a, const std::optional<double>& b,
                          const std::string& what) {
  ASSERT_EQ(a.has_value(), b.has_value()) << what;
  if (a) {
    EXPECT_EQ(bits(*a), bits(*b)) << what;
  }
}

void expect_same_record(const RunRecord& a, const RunRecord& b) {
  EXPECT_EQ(a.key.dataset, b.key.dataset);
  expect_same_optional(a.key.positive_fraction, b.key.positive_fraction, "positive_fraction");
  EXPECT_EQ(a.key.seed, b.key.seed);
  EXPECT_EQ(a.key.loss, b.key.loss);
  EXPECT_EQ(a.key.optimizer, b.key.optimizer);
  expect_same_optional(a.key.step_size, b.key.step_size, "step_size");
  const TrainResult& x = a.result;
  const TrainResult& y = b.result;
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(x.message, y.message);
  EXPECT_EQ(x.iterations, y.iterations);
  EXPECT_EQ(x.best_iteration, y.best_iteration);
  EXPECT_EQ(bits(x.best_validation_auc), bits(y.best_validation_auc));
  ASSERT_EQ(x.best_model.weights.size(), y.best_model.weights.size());
  for (Eigen::Index i = 0; i < x.best_model.weights.size(); ++i) {
    EXPECT_EQ(bits(x.best_model.weights[i]), bits(y.best_model.weights[i])) << "weight " << i;
  }
  EXPECT_EQ(bits(x.best_model.intercept), bits(y.best_model.intercept));
  expect_same_bits(x.best_test, y.best_test, "best_test");
  EXPECT_EQ(bits(x.best_test_score_sd), bits(y.best_test_score_sd));
  EXPECT_EQ(bits(x.seconds_to_best), bits(y.seconds_to_best));
  ASSERT_EQ(x.curve.size(), y.curve.size());
  for (std::size_t i = 0; i < x.curve.size(); ++i) {
    const IterationRecord& p = x.curve[i];
    const IterationRecord& q = y.curve[i];
    const std::string at = "curve[" + std::to_string(i) + "]";
    EXPECT_EQ(p.iteration, q.iteration) << at;
    expect_same_bits(p.subtrain, q.subtrain, at + ".subtrain");
    expect_same_bits(p.validation, q.validation, at + ".validation");
    expect_same_bits(p.test, q.test, at + ".test");
    EXPECT_EQ(bits(p.weight_norm), bits(q.weight_norm)) << at;
    EXPECT_EQ(bits(p.seconds), bits(q.seconds)) << at;
    EXPECT_EQ(bits(p.step), bits(q.step)) << at;
    EXPECT_EQ(p.events, q.events) << at;
  }
  EXPECT_EQ(x.line_search_events, y.line_search_events);
  EXPECT_EQ(x.capped_steps, y.capped_steps);
  EXPECT_EQ(bits(x.seconds), bits(y.seconds));
}

TEST(RunRecordCodec, EveryFieldComesBackToTheBit) {
  const RunRecord full = every_field_set();
  RunRecord empty;  // defaults: no curve, no weights, no positive fraction or step size
  empty.result.status = RunStatus::interrupted;
  std::vector<std::byte> bytes;
  append_run_record(bytes, 5, full);
  append_run_record(bytes, 0, empty);
  append_run_record(bytes, 0xffffffffffffffffULL, full);
  const std::vector<TaggedRunRecord> back = read_run_records(bytes);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].tag, 5u);
  EXPECT_EQ(back[1].tag, 0u);
  EXPECT_EQ(back[2].tag, 0xffffffffffffffffULL);
  expect_same_record(full, back[0].record);
  expect_same_record(empty, back[1].record);
  expect_same_record(full, back[2].record);
  EXPECT_TRUE(read_run_records({}).empty());
}

TEST(RunRecordCodec, DamagedBytesThrowRatherThanMakeUpARecord) {
  std::vector<std::byte> bytes;
  append_run_record(bytes, 1, every_field_set());
  // Every cut inside the record.
  for (std::size_t size = 1; size < bytes.size(); ++size) {
    EXPECT_THROW(read_run_records(std::span(bytes).first(size)), RunError) << size << " bytes";
  }
  // A run status past the last one: the byte after the tag and the key.
  std::vector<std::byte> key_only;
  RunRecord plain;
  append_run_record(key_only, 1, plain);
  std::vector<std::byte> bad = key_only;
  const std::size_t status_at = 8 + 8 + 8 + 8 + 8 + 8 + 8;  // tag, 3 empty texts, 2 absents, seed
  ASSERT_EQ(bad[status_at], std::byte{0});
  bad[status_at] = std::byte{9};
  try {
    read_run_records(bad);
    FAIL() << "a run status of 9 was accepted";
  } catch (const RunError& error) {
    EXPECT_NE(std::string(error.what()).find("9 is not a run status"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace aumtrain
