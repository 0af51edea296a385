// Shape, view, indexing, joining, and dtype/device conversion.
#include "args.h"
#include "ops.h"

namespace infoplane {

INFOPLANE_OP(reshape, return wrapTensor(info.Env(), at::reshape(tensorArg(info, 0, "input"), intListArg(info, 1, "shape")));)
INFOPLANE_OP(view, return wrapTensor(info.Env(), tensorArg(info, 0, "input").view(intListArg(info, 1, "shape")));)
INFOPLANE_OP(permute, return wrapTensor(info.Env(), at::permute(tensorArg(info, 0, "input"), intListArg(info, 1, "dims")));)
INFOPLANE_OP(transpose, {
  return wrapTensor(info.Env(), at::transpose(tensorArg(info, 0, "input"), intArg(info, 1, "dim0"), intArg(info, 2, "dim1")));
})
INFOPLANE_OP(narrow, {
  return wrapTensor(info.Env(), at::narrow(tensorArg(info, 0, "input"), intArg(info, 1, "dim"), intArg(info, 2, "start"),
                                           intArg(info, 3, "length")));
})
INFOPLANE_OP(select, {
  return wrapTensor(info.Env(), at::select(tensorArg(info, 0, "input"), intArg(info, 1, "dim"), intArg(info, 2, "index")));
})
INFOPLANE_OP(indexSelect, {
  return wrapTensor(info.Env(), at::index_select(tensorArg(info, 0, "input"), intArg(info, 1, "dim"),
                                                 tensorArg(info, 2, "index")));
})
INFOPLANE_OP(gather, {
  return wrapTensor(info.Env(), at::gather(tensorArg(info, 0, "input"), intArg(info, 1, "dim"), tensorArg(info, 2, "index")));
})
INFOPLANE_OP(scatterAdd, {
  return wrapTensor(info.Env(), at::scatter_add(tensorArg(info, 0, "input"), intArg(info, 1, "dim"),
                                                tensorArg(info, 2, "index"), tensorArg(info, 3, "src")));
})
INFOPLANE_OP(maskedFill, {
  return wrapTensor(info.Env(), at::masked_fill(tensorArg(info, 0, "input"), tensorArg(info, 1, "mask"),
                                                scalarArg(info, 2, "value")));
})
// nonzero(input) → int64 [count, ndim]: the index of every non-zero element.
INFOPLANE_OP(nonzero, return wrapTensor(info.Env(), at::nonzero(tensorArg(info, 0, "input")));)
INFOPLANE_OP(maskedSelect, {
  return wrapTensor(info.Env(), at::masked_select(tensorArg(info, 0, "input"), tensorArg(info, 1, "mask")));
})
INFOPLANE_OP(cat, return wrapTensor(info.Env(), at::cat(tensorListArg(info, 0, "tensors"), intArg(info, 1, "dim")));)
INFOPLANE_OP(stack, return wrapTensor(info.Env(), at::stack(tensorListArg(info, 0, "tensors"), intArg(info, 1, "dim")));)
INFOPLANE_OP(split, {
  return wrapTensors(info.Env(), at::split(tensorArg(info, 0, "input"), intArg(info, 1, "size"), intArg(info, 2, "dim")));
})
INFOPLANE_OP(chunk, {
  return wrapTensors(info.Env(), at::chunk(tensorArg(info, 0, "input"), intArg(info, 1, "chunks"), intArg(info, 2, "dim")));
})
INFOPLANE_OP(flatten, {
  return wrapTensor(info.Env(), at::flatten(tensorArg(info, 0, "input"), intArg(info, 1, "startDim"), intArg(info, 2, "endDim")));
})
// squeeze(input, dim?): without a dim, every size-1 dim goes.
INFOPLANE_OP(squeeze, {
  const at::Tensor& input = tensorArg(info, 0, "input");
  auto dim = optionalIntArg(info, 1, "dim");
  return wrapTensor(info.Env(), dim ? at::squeeze(input, *dim) : at::squeeze(input));
})
INFOPLANE_OP(unsqueeze, return wrapTensor(info.Env(), at::unsqueeze(tensorArg(info, 0, "input"), intArg(info, 1, "dim")));)
INFOPLANE_OP(expand, return wrapTensor(info.Env(), tensorArg(info, 0, "input").expand(intListArg(info, 1, "shape")));)
INFOPLANE_OP(repeat, return wrapTensor(info.Env(), tensorArg(info, 0, "input").repeat(intListArg(info, 1, "repeats")));)
INFOPLANE_OP(flip, return wrapTensor(info.Env(), at::flip(tensorArg(info, 0, "input"), intListArg(info, 1, "dims")));)
// constantPadNd(input, pads, value): pads = [left, right, top, bottom, …] from the last dim backwards.
INFOPLANE_OP(constantPadNd, {
  return wrapTensor(info.Env(), at::constant_pad_nd(tensorArg(info, 0, "input"), intListArg(info, 1, "pads"),
                                                    numberArg(info, 2, "value")));
})
INFOPLANE_OP(contiguous, return wrapTensor(info.Env(), tensorArg(info, 0, "input").contiguous());)
INFOPLANE_OP(clone, return wrapTensor(info.Env(), at::clone(tensorArg(info, 0, "input")));)
INFOPLANE_OP(triu, return wrapTensor(info.Env(), at::triu(tensorArg(info, 0, "input"), intArg(info, 1, "diagonal")));)
INFOPLANE_OP(diagonal, return wrapTensor(info.Env(), at::diagonal(tensorArg(info, 0, "input")));)
INFOPLANE_OP(toDtype, return wrapTensor(info.Env(), tensorArg(info, 0, "input").to(dtypeArg(info, 1, "dtype")));)
INFOPLANE_OP(toDevice, return wrapTensor(info.Env(), tensorArg(info, 0, "input").to(deviceArg(info, 1, "device")));)

}  // namespace infoplane
