// Linear algebra, convolution, pooling, and losses.
#include "args.h"
#include "ops.h"

namespace infoplane {

INFOPLANE_OP(matmul, return wrapTensor(info.Env(), at::matmul(tensorArg(info, 0, "input"), tensorArg(info, 1, "other")));)
INFOPLANE_OP(mm, return wrapTensor(info.Env(), at::mm(tensorArg(info, 0, "input"), tensorArg(info, 1, "other")));)
INFOPLANE_OP(bmm, return wrapTensor(info.Env(), at::bmm(tensorArg(info, 0, "input"), tensorArg(info, 1, "other")));)
// linear(x, weight[out,in], bias?) = x·weightᵀ + bias
INFOPLANE_OP(linear, {
  return wrapTensor(info.Env(), at::linear(tensorArg(info, 0, "input"), tensorArg(info, 1, "weight"),
                                           optionalTensorArg(info, 2, "bias")));
})
// addmm(bias, a, b) = bias + a·b, one BLAS call.
INFOPLANE_OP(addmm, {
  return wrapTensor(info.Env(), at::addmm(tensorArg(info, 0, "input"), tensorArg(info, 1, "mat1"), tensorArg(info, 2, "mat2")));
})

// addmm_(self, mat1, mat2, beta, alpha): self ← beta·self + alpha·mat1·mat2 in place (one BLAS call into a
// reused buffer).
INFOPLANE_OP(addmm_, {
  tensorArg(info, 0, "self").addmm_(tensorArg(info, 1, "mat1"), tensorArg(info, 2, "mat2"), scalarArg(info, 3, "beta"),
                                    scalarArg(info, 4, "alpha"));
  return info.Env().Undefined();
})
// eigvalsh(symmetric) → eigenvalues in ascending order (batched over leading dims).
INFOPLANE_OP(eigvalsh, return wrapTensor(info.Env(), at::linalg_eigvalsh(tensorArg(info, 0, "input")));)

// conv2d(input NCHW, weight[out,in/groups,kh,kw], bias?, stride[2], padding[2] | 'same' | 'valid', dilation[2], groups)
INFOPLANE_OP(conv2d, {
  const at::Tensor& input = tensorArg(info, 0, "input");
  const at::Tensor& weight = tensorArg(info, 1, "weight");
  auto bias = optionalTensorArg(info, 2, "bias");
  auto stride = intListArg(info, 3, "stride");
  auto dilation = intListArg(info, 5, "dilation");
  int64_t groups = intArg(info, 6, "groups");
  if (info.Length() > 4 && info[4].IsString()) {
    return wrapTensor(info.Env(), at::conv2d(input, weight, bias, stride, stringArg(info, 4, "padding"), dilation, groups));
  }
  return wrapTensor(info.Env(), at::conv2d(input, weight, bias, stride, intListArg(info, 4, "padding"), dilation, groups));
})

// maxPool2d(input, kernel[2], stride[2], padding[2], dilation[2], ceilMode)
INFOPLANE_OP(maxPool2d, {
  return wrapTensor(info.Env(), at::max_pool2d(tensorArg(info, 0, "input"), intListArg(info, 1, "kernelSize"),
                                               intListArg(info, 2, "stride"), intListArg(info, 3, "padding"),
                                               intListArg(info, 4, "dilation"), boolArg(info, 5, "ceilMode", false)));
})
INFOPLANE_OP(avgPool2d, {
  return wrapTensor(info.Env(), at::avg_pool2d(tensorArg(info, 0, "input"), intListArg(info, 1, "kernelSize"),
                                               intListArg(info, 2, "stride"), intListArg(info, 3, "padding")));
})

INFOPLANE_OP(oneHot, return wrapTensor(info.Env(), at::one_hot(tensorArg(info, 0, "input"), intArg(info, 1, "numClasses")));)

// crossEntropy(logits, target (class indices or probabilities), weight?, reduction, ignoreIndex, labelSmoothing)
INFOPLANE_OP(crossEntropy, {
  return wrapTensor(info.Env(), at::cross_entropy_loss(tensorArg(info, 0, "input"), tensorArg(info, 1, "target"),
                                                       optionalTensorArg(info, 2, "weight"), reductionArg(info, 3, "reduction"),
                                                       optionalIntArg(info, 4, "ignoreIndex").value_or(-100),
                                                       optionalNumberArg(info, 5, "labelSmoothing").value_or(0.0)));
})
// nllLoss(logProbabilities, target, weight?, reduction, ignoreIndex)
INFOPLANE_OP(nllLoss, {
  return wrapTensor(info.Env(), at::nll_loss_nd(tensorArg(info, 0, "input"), tensorArg(info, 1, "target"),
                                                optionalTensorArg(info, 2, "weight"), reductionArg(info, 3, "reduction"),
                                                optionalIntArg(info, 4, "ignoreIndex").value_or(-100)));
})
INFOPLANE_OP(mseLoss, {
  return wrapTensor(info.Env(), at::mse_loss(tensorArg(info, 0, "input"), tensorArg(info, 1, "target"),
                                             reductionArg(info, 2, "reduction")));
})
INFOPLANE_OP(binaryCrossEntropy, {
  return wrapTensor(info.Env(), at::binary_cross_entropy(tensorArg(info, 0, "input"), tensorArg(info, 1, "target"),
                                                         optionalTensorArg(info, 2, "weight"), reductionArg(info, 3, "reduction")));
})
INFOPLANE_OP(binaryCrossEntropyWithLogits, {
  return wrapTensor(info.Env(), at::binary_cross_entropy_with_logits(
                                    tensorArg(info, 0, "input"), tensorArg(info, 1, "target"),
                                    optionalTensorArg(info, 2, "weight"), c10::nullopt, reductionArg(info, 3, "reduction")));
})

}  // namespace infoplane
