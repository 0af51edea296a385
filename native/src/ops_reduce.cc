// Reductions over dims (with keepdim), normalisations along a dim, sorting and uniqueness.
// A `dims` argument is an integer, an array of integers, or null/undefined for all dims.
#include "args.h"
#include "fused_exp_sums.h"
#include "ops.h"

namespace infoplane {
namespace {

at::OptionalIntArrayRef dimsRef(const c10::optional<std::vector<int64_t>>& dims) {
  if (!dims) return c10::nullopt;
  return at::IntArrayRef(*dims);
}

Napi::Value wrapPair(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& pair) {
  return wrapTensors(env, {std::get<0>(pair), std::get<1>(pair)});
}

}  // namespace

INFOPLANE_OP(sum, {
  auto dims = optionalDimsArg(info, 1, "dims");
  return wrapTensor(info.Env(), at::sum(tensorArg(info, 0, "input"), dimsRef(dims), boolArg(info, 2, "keepdim", false),
                                        optionalDtypeArg(info, 3, "dtype")));
})
INFOPLANE_OP(mean, {
  auto dims = optionalDimsArg(info, 1, "dims");
  return wrapTensor(info.Env(), at::mean(tensorArg(info, 0, "input"), dimsRef(dims), boolArg(info, 2, "keepdim", false),
                                         optionalDtypeArg(info, 3, "dtype")));
})
// amax/amin over dims (all dims when absent); gradient is shared evenly between ties.
INFOPLANE_OP(amax, {
  auto dims = optionalDimsArg(info, 1, "dims").value_or(std::vector<int64_t>{});
  return wrapTensor(info.Env(), at::amax(tensorArg(info, 0, "input"), dims, boolArg(info, 2, "keepdim", false)));
})
INFOPLANE_OP(amin, {
  auto dims = optionalDimsArg(info, 1, "dims").value_or(std::vector<int64_t>{});
  return wrapTensor(info.Env(), at::amin(tensorArg(info, 0, "input"), dims, boolArg(info, 2, "keepdim", false)));
})
// maxDim/minDim(input, dim, keepdim) → [values, indices]
INFOPLANE_OP(maxDim, {
  return wrapPair(info.Env(), at::max(tensorArg(info, 0, "input"), intArg(info, 1, "dim"), boolArg(info, 2, "keepdim", false)));
})
INFOPLANE_OP(minDim, {
  return wrapPair(info.Env(), at::min(tensorArg(info, 0, "input"), intArg(info, 1, "dim"), boolArg(info, 2, "keepdim", false)));
})
INFOPLANE_OP(argmax, {
  return wrapTensor(info.Env(), at::argmax(tensorArg(info, 0, "input"), optionalIntArg(info, 1, "dim"),
                                           boolArg(info, 2, "keepdim", false)));
})
INFOPLANE_OP(argmin, {
  return wrapTensor(info.Env(), at::argmin(tensorArg(info, 0, "input"), optionalIntArg(info, 1, "dim"),
                                           boolArg(info, 2, "keepdim", false)));
})
INFOPLANE_OP(logsumexp, {
  return wrapTensor(info.Env(), at::logsumexp(tensorArg(info, 0, "input"), intListArg(info, 1, "dims"),
                                              boolArg(info, 2, "keepdim", false)));
})
// var/std(input, dims?, unbiased = true, keepdim = false)
INFOPLANE_OP(var, {
  auto dims = optionalDimsArg(info, 1, "dims");
  return wrapTensor(info.Env(), at::var(tensorArg(info, 0, "input"), dimsRef(dims), boolArg(info, 2, "unbiased", true),
                                        boolArg(info, 3, "keepdim", false)));
})
INFOPLANE_OP(stdDev, {
  auto dims = optionalDimsArg(info, 1, "dims");
  return wrapTensor(info.Env(), at::std(tensorArg(info, 0, "input"), dimsRef(dims), boolArg(info, 2, "unbiased", true),
                                        boolArg(info, 3, "keepdim", false)));
})
// norm(input, p = 2, dims?, keepdim = false): the vector p-norm over dims.
INFOPLANE_OP(norm, {
  auto dims = optionalDimsArg(info, 2, "dims");
  return wrapTensor(info.Env(), at::linalg_vector_norm(tensorArg(info, 0, "input"), scalarArg(info, 1, "p"),
                                                       dimsRef(dims), boolArg(info, 3, "keepdim", false), c10::nullopt));
})
INFOPLANE_OP(all, return wrapTensor(info.Env(), at::all(tensorArg(info, 0, "input")));)
INFOPLANE_OP(any, return wrapTensor(info.Env(), at::any(tensorArg(info, 0, "input")));)
INFOPLANE_OP(cumsum, return wrapTensor(info.Env(), at::cumsum(tensorArg(info, 0, "input"), intArg(info, 1, "dim")));)
INFOPLANE_OP(softmax, return wrapTensor(info.Env(), at::softmax(tensorArg(info, 0, "input"), intArg(info, 1, "dim")));)
INFOPLANE_OP(logSoftmax, {
  return wrapTensor(info.Env(), at::log_softmax(tensorArg(info, 0, "input"), intArg(info, 1, "dim")));
})
// sort(input, dim, descending, stable) → [values, indices]; a stable sort keeps tied elements in order.
INFOPLANE_OP(sort, {
  return wrapPair(info.Env(), at::sort(tensorArg(info, 0, "input"), boolArg(info, 3, "stable", false), intArg(info, 1, "dim"),
                                       boolArg(info, 2, "descending", false)));
})
// topk(input, k, dim, largest, sorted) → [values, indices]
INFOPLANE_OP(topk, {
  return wrapPair(info.Env(), at::topk(tensorArg(info, 0, "input"), intArg(info, 1, "k"), intArg(info, 2, "dim"),
                                       boolArg(info, 3, "largest", true), boolArg(info, 4, "sorted", true)));
})
// unique(input, dim?) → [values, inverse, counts], sorted; with a dim, unique slices along it.
INFOPLANE_OP(unique, {
  const at::Tensor& input = tensorArg(info, 0, "input");
  auto dim = optionalIntArg(info, 1, "dim");
  auto result = dim ? at::unique_dim(input, *dim, true, true, true) : at::_unique2(input, true, true, true);
  return wrapTensors(info.Env(), {std::get<0>(result), std::get<1>(result), std::get<2>(result)});
})
// bincount(input, weights?, minlength)
INFOPLANE_OP(bincount, {
  return wrapTensor(info.Env(), at::bincount(tensorArg(info, 0, "input"), optionalTensorArg(info, 1, "weights"),
                                             optionalIntArg(info, 2, "minlength").value_or(0)));
})
// histc(input, bins, min, max): equal-width histogram; values outside [min, max] are ignored.
INFOPLANE_OP(histc, {
  return wrapTensor(info.Env(), at::histc(tensorArg(info, 0, "input"), intArg(info, 1, "bins"), scalarArg(info, 2, "min"),
                                          scalarArg(info, 3, "max")));
})

// expGroupSums(x [m, n], scales float64 [K], steps int64 [K], floor, rowGroups int64 [m], columnGroups int64 [n])
// → [rowTotal, rowOwn [K, m], columnTotal, columnOwn [K, n]] float64: sums of exp(max(scale·x, floor)) (or
// of the previous scale's values' 2^steps-th root) over rows and columns, in total and within groups
// (fused_exp_sums.h). One pass over x instead of an exp, roots and reductions per scale.
INFOPLANE_OP(expGroupSums, {
  const at::Tensor x = tensorArg(info, 0, "x").contiguous();
  const at::Tensor scales = tensorArg(info, 1, "scales").to(at::kDouble).contiguous();
  const at::Tensor steps = tensorArg(info, 2, "steps").to(at::kLong).contiguous();
  const double floor = numberArg(info, 3, "floor");
  const at::Tensor rowGroups = tensorArg(info, 4, "rowGroups").to(at::kLong).contiguous();
  const at::Tensor columnGroups = tensorArg(info, 5, "columnGroups").to(at::kLong).contiguous();
  TORCH_CHECK(x.dim() == 2, "x must be 2-D");
  TORCH_CHECK(x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble, "x must be float32 or float64");
  TORCH_CHECK(x.device().is_cpu(), "expGroupSums runs on the CPU");
  const int64_t m = x.size(0), n = x.size(1), k = scales.numel();
  TORCH_CHECK(steps.numel() == k, "steps must have one entry per scale");
  TORCH_CHECK(rowGroups.numel() == m && columnGroups.numel() == n, "one group per row and per column");
  const auto* stepData = steps.data_ptr<int64_t>();
  TORCH_CHECK(k > 0 && stepData[0] == 0, "the first scale's values are exp, not roots (steps[0] must be 0)");
  std::vector<double> scaleList(scales.data_ptr<double>(), scales.data_ptr<double>() + k);
  std::vector<int64_t> stepList(stepData, stepData + k);
  for (int64_t value : stepList) TORCH_CHECK(value >= 0 && value <= 8, "steps must be between 0 and 8");
  ExpGroupSums out;
  expGroupSums(x.data_ptr(), x.scalar_type() == at::kDouble, m, n, scaleList, stepList, floor, rowGroups.data_ptr<int64_t>(),
               columnGroups.data_ptr<int64_t>(), out);
  const auto asTensor = [](std::vector<double>& values, int64_t rows, int64_t columns) {
    return at::tensor(values, at::kDouble).view({rows, columns});
  };
  return wrapTensors(info.Env(), {asTensor(out.rowTotal, k, m), asTensor(out.rowOwn, k, m), asTensor(out.columnTotal, k, n),
                                  asTensor(out.columnOwn, k, n)});
})

}  // namespace infoplane
