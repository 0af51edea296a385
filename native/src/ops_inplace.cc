// In-place updates (for optimizers and buffers) and their multi-tensor `_foreach_` forms.
// In-place ops return undefined: the TS layer returns the tensor it was called on.
#include "args.h"
#include "ops.h"

namespace infoplane {
namespace {

at::Scalar optionalScalarArg(const Info& info, size_t index, const char* name) {
  return isScalarArg(info, index) ? scalarArg(info, index, name) : at::Scalar(1);
}

bool isListArg(const Info& info, size_t index) { return index < info.Length() && info[index].IsArray(); }

}  // namespace

// add_(self, other, alpha = 1): self += alpha·other
INFOPLANE_OP(add_, {
  tensorArg(info, 0, "self").add_(tensorOrScalarArg(info, 1, "other"), optionalScalarArg(info, 2, "alpha"));
  return info.Env().Undefined();
})
INFOPLANE_OP(sub_, {
  tensorArg(info, 0, "self").sub_(tensorOrScalarArg(info, 1, "other"), optionalScalarArg(info, 2, "alpha"));
  return info.Env().Undefined();
})
INFOPLANE_OP(mul_, {
  tensorArg(info, 0, "self").mul_(tensorOrScalarArg(info, 1, "other"));
  return info.Env().Undefined();
})
INFOPLANE_OP(div_, {
  tensorArg(info, 0, "self").div_(tensorOrScalarArg(info, 1, "other"));
  return info.Env().Undefined();
})
INFOPLANE_OP(exp_, {
  tensorArg(info, 0, "self").exp_();
  return info.Env().Undefined();
})
INFOPLANE_OP(sqrt_, {
  tensorArg(info, 0, "self").sqrt_();
  return info.Env().Undefined();
})
INFOPLANE_OP(pow_, {
  tensorArg(info, 0, "self").pow_(scalarArg(info, 1, "exponent"));
  return info.Env().Undefined();
})
INFOPLANE_OP(clamp_, {
  auto low = optionalNumberArg(info, 1, "min");
  auto high = optionalNumberArg(info, 2, "max");
  tensorArg(info, 0, "self").clamp_(low ? c10::optional<at::Scalar>(*low) : c10::nullopt,
                                    high ? c10::optional<at::Scalar>(*high) : c10::nullopt);
  return info.Env().Undefined();
})
// addcmul_(self, t1, t2, value): self += value·t1·t2
INFOPLANE_OP(addcmul_, {
  tensorArg(info, 0, "self").addcmul_(tensorArg(info, 1, "tensor1"), tensorArg(info, 2, "tensor2"),
                                      optionalScalarArg(info, 3, "value"));
  return info.Env().Undefined();
})
// addcdiv_(self, t1, t2, value): self += value·t1/t2
INFOPLANE_OP(addcdiv_, {
  tensorArg(info, 0, "self").addcdiv_(tensorArg(info, 1, "tensor1"), tensorArg(info, 2, "tensor2"),
                                      optionalScalarArg(info, 3, "value"));
  return info.Env().Undefined();
})
INFOPLANE_OP(zero_, {
  tensorArg(info, 0, "self").zero_();
  return info.Env().Undefined();
})
INFOPLANE_OP(fill_, {
  tensorArg(info, 0, "self").fill_(scalarArg(info, 1, "value"));
  return info.Env().Undefined();
})
INFOPLANE_OP(copy_, {
  tensorArg(info, 0, "self").copy_(tensorArg(info, 1, "source"));
  return info.Env().Undefined();
})

// foreachAdd_(selves, others | scalar, alpha = 1)
INFOPLANE_OP(foreachAdd_, {
  auto selves = tensorListArg(info, 0, "selves");
  if (isListArg(info, 1)) {
    at::_foreach_add_(selves, tensorListArg(info, 1, "others"), optionalScalarArg(info, 2, "alpha"));
  } else {
    at::_foreach_add_(selves, scalarArg(info, 1, "scalar"));
  }
  return info.Env().Undefined();
})
INFOPLANE_OP(foreachMul_, {
  auto selves = tensorListArg(info, 0, "selves");
  if (isListArg(info, 1)) {
    at::_foreach_mul_(selves, tensorListArg(info, 1, "others"));
  } else {
    at::_foreach_mul_(selves, scalarArg(info, 1, "scalar"));
  }
  return info.Env().Undefined();
})
INFOPLANE_OP(foreachDiv_, {
  auto selves = tensorListArg(info, 0, "selves");
  if (isListArg(info, 1)) {
    at::_foreach_div_(selves, tensorListArg(info, 1, "others"));
  } else {
    at::_foreach_div_(selves, scalarArg(info, 1, "scalar"));
  }
  return info.Env().Undefined();
})
INFOPLANE_OP(foreachAddcmul_, {
  at::_foreach_addcmul_(tensorListArg(info, 0, "selves"), tensorListArg(info, 1, "tensors1"),
                        tensorListArg(info, 2, "tensors2"), optionalScalarArg(info, 3, "value"));
  return info.Env().Undefined();
})
INFOPLANE_OP(foreachAddcdiv_, {
  at::_foreach_addcdiv_(tensorListArg(info, 0, "selves"), tensorListArg(info, 1, "tensors1"),
                        tensorListArg(info, 2, "tensors2"), optionalScalarArg(info, 3, "value"));
  return info.Env().Undefined();
})
INFOPLANE_OP(foreachZero_, {
  at::_foreach_zero_(tensorListArg(info, 0, "selves"));
  return info.Env().Undefined();
})
INFOPLANE_OP(foreachSqrt, return wrapTensors(info.Env(), at::_foreach_sqrt(tensorListArg(info, 0, "tensors")));)
INFOPLANE_OP(foreachSqrt_, {
  at::_foreach_sqrt_(tensorListArg(info, 0, "selves"));
  return info.Env().Undefined();
})
// foreachAdd(tensors, others | scalar, alpha = 1) → new tensors tensors[i] + alpha·others[i] (or + scalar)
INFOPLANE_OP(foreachAdd, {
  auto tensors = tensorListArg(info, 0, "tensors");
  if (isListArg(info, 1)) {
    return wrapTensors(info.Env(), at::_foreach_add(tensors, tensorListArg(info, 1, "others"), optionalScalarArg(info, 2, "alpha")));
  }
  return wrapTensors(info.Env(), at::_foreach_add(tensors, scalarArg(info, 1, "scalar")));
})
// foreachCopy_(selves, sources): libtorch 1.13 has no _foreach_copy_, so one copy_ per pair.
INFOPLANE_OP(foreachCopy_, {
  auto selves = tensorListArg(info, 0, "selves");
  auto sources = tensorListArg(info, 1, "sources");
  if (selves.size() != sources.size()) throw Napi::RangeError::New(info.Env(), "selves and sources differ in length");
  for (size_t i = 0; i < selves.size(); i++) selves[i].copy_(sources[i]);
  return info.Env().Undefined();
})

}  // namespace infoplane
