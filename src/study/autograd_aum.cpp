// The libtorch plug-in: the one translation unit that includes libtorch headers. The core loads
// it with dlopen() the first time the autograd method is used (src/study/autograd_loader.cpp).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <span>

#include "aumtrain/core/error_diffs.hpp"
#include "autograd_module.hpp"

namespace aumtrain {
namespace {

// The original R study's ROC_curve followed by Proposed_AUM, operation for operation. R's 1-based
// slices become 0-based ones: roc[["min(FPR,FNR)"]][2:-2] is min.slice(0, 1, -1) and
// roc$min_constant[2:N] is min_constant.slice(0, 1).
at::Tensor proposed_aum(const at::Tensor& pred_tensor, const at::Tensor& label_tensor,
                        Denominator denominator) {
  const auto dtype = at::TensorOptions().dtype(at::kDouble);
  const at::Tensor is_positive = label_tensor == 1;
  const at::Tensor is_negative = label_tensor != 1;
  const at::Tensor fn_diff =
      at::where(is_positive, at::scalar_tensor(-1.0, dtype), at::scalar_tensor(0.0, dtype));
  const at::Tensor fp_diff =
      at::where(is_positive, at::scalar_tensor(0.0, dtype), at::scalar_tensor(1.0, dtype));
  const at::Tensor thresh_tensor = -pred_tensor.flatten();
  const at::Tensor sorted_indices = at::argsort(thresh_tensor);
  // "rate" divides by the class counts, "count" by 1.
  const bool rate = denominator == Denominator::rate;
  const at::Tensor fp_denom = rate ? at::sum(is_negative) : at::scalar_tensor(1.0, dtype);
  const at::Tensor fn_denom = rate ? at::sum(is_positive) : at::scalar_tensor(1.0, dtype);
  const at::Tensor sorted_fp_cum = fp_diff.index_select(0, sorted_indices).cumsum(0) / fp_denom;
  const at::Tensor sorted_fn_cum =
      -fn_diff.index_select(0, sorted_indices).flip(0).cumsum(0).flip(0) / fn_denom;
  const at::Tensor sorted_thresh = thresh_tensor.index_select(0, sorted_indices);
  const at::Tensor sorted_is_diff = sorted_thresh.diff() != 0;
  const at::Tensor true_tensor = at::ones({1}, at::TensorOptions().dtype(at::kBool));
  const at::Tensor sorted_fp_end = at::cat({sorted_is_diff, true_tensor});
  const at::Tensor sorted_fn_end = at::cat({true_tensor, sorted_is_diff});
  const at::Tensor uniq_thresh = sorted_thresh.masked_select(sorted_fp_end);
  const at::Tensor uniq_fp_after = sorted_fp_cum.masked_select(sorted_fp_end);
  const at::Tensor uniq_fn_before = sorted_fn_cum.masked_select(sorted_fn_end);
  const at::Tensor fpr = at::cat({at::zeros({1}, dtype), uniq_fp_after});
  const at::Tensor fnr = at::cat({uniq_fn_before, at::zeros({1}, dtype)});
  const at::Tensor min_fpr_fnr = at::minimum(fpr, fnr);
  const at::Tensor min_constant =
      at::cat({at::full({1}, -std::numeric_limits<double>::infinity(), dtype), uniq_thresh});
  // Proposed_AUM
  const at::Tensor min_inner = min_fpr_fnr.slice(0, 1, -1);
  const at::Tensor constant_diff = min_constant.slice(0, 1).diff();
  return at::sum(min_inner * constant_diff);
}

// Builds CPU double tensors from the vectors (copies, as torch_tensor(pred_vec, "double") does),
// computes AUM, calls backward() and copies the gradient out.
double gradient_by_autograd(std::span<const double> scores, std::span<const double> labels,
                            Denominator denominator, std::span<double> gradient) {
  const auto n = static_cast<std::int64_t>(scores.size());
  const auto dtype = at::TensorOptions().dtype(at::kDouble);
  at::Tensor pred_tensor =
      at::from_blob(const_cast<double*>(scores.data()), {n}, dtype).clone().requires_grad_(true);
  const at::Tensor label_tensor =
      at::from_blob(const_cast<double*>(labels.data()), {n}, dtype).clone();
  const at::Tensor loss = proposed_aum(pred_tensor, label_tensor, denominator);
  loss.backward();
  const at::Tensor grad = pred_tensor.grad();
  if (grad.defined()) {
    const at::Tensor contiguous = grad.contiguous();
    std::memcpy(gradient.data(), contiguous.data_ptr<double>(), scores.size() * sizeof(double));
  } else {
    std::fill(gradient.begin(), gradient.end(), 0.0);
  }
  return loss.item<double>();
}

void copy_message(const char* message, char* error, std::size_t error_size) {
  if (error_size == 0) return;
  std::strncpy(error, message, error_size - 1);
  error[error_size - 1] = '\0';
}

}  // namespace
}  // namespace aumtrain

extern "C" __attribute__((visibility("default"))) int aumtrain_autograd_gradient(
    const double* scores, const double* labels, std::size_t n, int count_denominator,
    double* gradient, double* aum, char* error, std::size_t error_size) {
  try {
    *aum = aumtrain::gradient_by_autograd(
        {scores, n}, {labels, n},
        count_denominator ? aumtrain::Denominator::count : aumtrain::Denominator::rate,
        {gradient, n});
    return 0;
  } catch (const std::exception& exception) {
    aumtrain::copy_message(exception.what(), error, error_size);
    return 1;
  }
}

extern "C" __attribute__((visibility("default"))) int aumtrain_autograd_set_threads(
    int threads, char* error, std::size_t error_size) {
  try {
    at::set_num_threads(threads);
    return 0;
  } catch (const std::exception& exception) {
    aumtrain::copy_message(exception.what(), error, error_size);
    return 1;
  }
}
