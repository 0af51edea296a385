// The op table: every export of the addon, listed once. addon.cc registers each under its own name.
// Ops are defined in ops_<family>.cc with INFOPLANE_OP, grouped by ATen family.
#pragma once

#include <napi.h>

#define INFOPLANE_OPS(X) \
  /* ops_runtime.cc */ \
  X(version) X(buildConfig) X(parallelInfo) X(blasInfo) X(setFlushDenormal) X(getNumThreads) X(setNumThreads) X(cudaDeviceCount) \
  X(liveTensors) X(externalMemory) X(dispose) X(isDisposed) X(shape) X(dtype) X(device) X(isContiguous) X(isGradEnabled) \
  X(setGradEnabled) \
  /* ops_creation.cc */ \
  X(fromTypedArray) X(toTypedArray) X(item) X(empty) X(zeros) X(ones) X(full) X(zerosLike) X(onesLike) \
  X(fullLike) X(arange) X(linspace) X(eye) X(createGenerator) X(manualSeed) X(rand) X(randn) X(randint) \
  X(randperm) X(uniform_) X(normal_) X(bernoulli_) \
  /* ops_pointwise.cc */ \
  X(neg) X(abs) X(exp) X(expm1) X(log) X(log2) X(log1p) X(sqrt) X(rsqrt) X(square) X(reciprocal) X(sign) \
  X(floor) X(ceil) X(round) X(sin) X(cos) X(erf) X(tanh) X(sigmoid) X(relu) X(gelu) X(logicalNot) X(isnan) \
  X(isinf) X(isfinite) X(mul) X(div) X(pow) X(remainder) X(maximum) X(minimum) X(atan2) X(eq) X(ne) X(lt) \
  X(le) X(gt) X(ge) X(logicalAnd) X(logicalOr) X(logicalXor) X(add) X(sub) X(clamp) X(leakyRelu) X(softplus) \
  X(where) X(addcmul) X(addcdiv) \
  /* ops_reduce.cc */ \
  X(sum) X(mean) X(amax) X(amin) X(maxDim) X(minDim) X(argmax) X(argmin) X(logsumexp) X(var) X(stdDev) \
  X(norm) X(all) X(any) X(cumsum) X(softmax) X(logSoftmax) X(sort) X(topk) X(unique) X(bincount) X(histc) X(expGroupSums) \
  /* ops_shape.cc */ \
  X(reshape) X(view) X(permute) X(transpose) X(narrow) X(select) X(indexSelect) X(gather) X(scatterAdd) \
  X(maskedFill) X(nonzero) X(maskedSelect) X(cat) X(stack) X(split) X(chunk) X(flatten) X(squeeze) X(unsqueeze) \
  X(expand) X(repeat) X(flip) X(constantPadNd) X(contiguous) X(clone) X(triu) X(diagonal) X(toDtype) X(toDevice) \
  /* ops_nn.cc */ \
  X(matmul) X(mm) X(bmm) X(linear) X(addmm) X(addmm_) X(eigvalsh) X(conv2d) X(maxPool2d) X(avgPool2d) X(oneHot) X(crossEntropy) \
  X(nllLoss) X(mseLoss) X(binaryCrossEntropy) X(binaryCrossEntropyWithLogits) \
  /* ops_inplace.cc */ \
  X(add_) X(sub_) X(mul_) X(div_) X(exp_) X(sqrt_) X(pow_) X(clamp_) X(addcmul_) X(addcdiv_) X(zero_) X(fill_) \
  X(copy_) X(mulOut) X(foreachAdd_) X(foreachMul_) X(foreachDiv_) X(foreachAddcmul_) X(foreachAddcdiv_) X(foreachZero_) \
  X(foreachSqrt) X(foreachSqrt_) X(foreachAdd) X(foreachCopy_) X(foreachWelford_) \
  /* ops_autograd.cc */ \
  X(requiresGrad_) X(requiresGrad) X(isLeaf) X(detach) X(backward) X(grad) X(clearGrad) X(autogradGrad) \

namespace infoplane {

#define INFOPLANE_DECLARE_OP(name) Napi::Value name(const Napi::CallbackInfo& info);
INFOPLANE_OPS(INFOPLANE_DECLARE_OP)
#undef INFOPLANE_DECLARE_OP

}  // namespace infoplane
