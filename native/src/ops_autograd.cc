// Autograd entry points: leaf flags, backward, .grad, detach, and functional grad.
#include <torch/csrc/autograd/autograd.h>

#include "args.h"
#include "ops.h"

namespace infoplane {

INFOPLANE_OP(requiresGrad_, {
  tensorArg(info, 0, "tensor").requires_grad_(boolArg(info, 1, "requiresGrad", true));
  return info.Env().Undefined();
})
INFOPLANE_OP(requiresGrad, return Napi::Boolean::New(info.Env(), tensorArg(info, 0, "tensor").requires_grad());)
INFOPLANE_OP(isLeaf, return Napi::Boolean::New(info.Env(), tensorArg(info, 0, "tensor").is_leaf());)
INFOPLANE_OP(detach, return wrapTensor(info.Env(), tensorArg(info, 0, "tensor").detach());)

// backward(tensor, gradient?, retainGraph = false, createGraph = false)
INFOPLANE_OP(backward, {
  const at::Tensor& tensor = tensorArg(info, 0, "tensor");
  auto gradient = optionalTensorArg(info, 1, "gradient");
  bool createGraph = boolArg(info, 3, "createGraph", false);
  bool retainGraph = boolArg(info, 2, "retainGraph", createGraph);
  tensor.backward(gradient.value_or(at::Tensor()), retainGraph, createGraph);
  return info.Env().Undefined();
})

// grad(tensor) → the accumulated gradient (a handle sharing its memory) or null.
INFOPLANE_OP(grad, return wrapTensor(info.Env(), tensorArg(info, 0, "tensor").grad());)

// clearGrad(tensor): drops the accumulated gradient, as PyTorch's zero_grad(set_to_none=True).
INFOPLANE_OP(clearGrad, {
  tensorArg(info, 0, "tensor").mutable_grad() = at::Tensor();
  return info.Env().Undefined();
})

// autogradGrad(outputs, inputs, gradOutputs?, retainGraph, createGraph, allowUnused) → gradients (null if unused)
INFOPLANE_OP(autogradGrad, {
  auto outputs = tensorListArg(info, 0, "outputs");
  auto inputs = tensorListArg(info, 1, "inputs");
  std::vector<at::Tensor> gradOutputs;
  if (info.Length() > 2 && info[2].IsArray()) gradOutputs = tensorListArg(info, 2, "gradOutputs");
  bool createGraph = boolArg(info, 4, "createGraph", false);
  auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, boolArg(info, 3, "retainGraph", createGraph),
                                     createGraph, boolArg(info, 5, "allowUnused", false));
  return wrapTensors(info.Env(), grads);
})

}  // namespace infoplane
