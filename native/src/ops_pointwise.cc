// Elementwise ops: unary maths and activations, binary arithmetic and comparisons with broadcasting.
// Binary ops accept a JS number in either place, wrapped as PyTorch wraps Python scalars.
#include "args.h"
#include "ops.h"

namespace infoplane {

#define UNARY(name, call) INFOPLANE_OP(name, return wrapTensor(info.Env(), call(tensorArg(info, 0, "input")));)

UNARY(neg, at::neg)
UNARY(abs, at::abs)
UNARY(exp, at::exp)
UNARY(expm1, at::expm1)
UNARY(log, at::log)
UNARY(log2, at::log2)
UNARY(log1p, at::log1p)
UNARY(sqrt, at::sqrt)
UNARY(rsqrt, at::rsqrt)
UNARY(square, at::square)
UNARY(reciprocal, at::reciprocal)
UNARY(sign, at::sign)
UNARY(floor, at::floor)
UNARY(ceil, at::ceil)
UNARY(round, at::round)
UNARY(sin, at::sin)
UNARY(cos, at::cos)
UNARY(erf, at::erf)
UNARY(tanh, at::tanh)
UNARY(sigmoid, at::sigmoid)
UNARY(relu, at::relu)
UNARY(gelu, at::gelu)
UNARY(logicalNot, at::logical_not)
UNARY(isnan, at::isnan)
UNARY(isinf, at::isinf)
UNARY(isfinite, at::isfinite)

#undef UNARY

// Arguments are converted into locals first so that the first bad argument is the one reported.
#define BINARY(name, call)                                     \
  INFOPLANE_OP(name, {                                         \
    at::Tensor input = tensorOrScalarArg(info, 0, "input");    \
    at::Tensor other = tensorOrScalarArg(info, 1, "other");    \
    return wrapTensor(info.Env(), call(input, other));         \
  })

BINARY(mul, at::mul)
BINARY(div, at::div)
BINARY(pow, at::pow)
BINARY(remainder, at::remainder)
BINARY(maximum, at::maximum)
BINARY(minimum, at::minimum)
BINARY(atan2, at::atan2)
BINARY(eq, at::eq)
BINARY(ne, at::ne)
BINARY(lt, at::lt)
BINARY(le, at::le)
BINARY(gt, at::gt)
BINARY(ge, at::ge)
BINARY(logicalAnd, at::logical_and)
BINARY(logicalOr, at::logical_or)
BINARY(logicalXor, at::logical_xor)

#undef BINARY

// add(a, b, alpha = 1) = a + alpha·b; sub likewise.
INFOPLANE_OP(add, {
  at::Tensor input = tensorOrScalarArg(info, 0, "input");
  at::Tensor other = tensorOrScalarArg(info, 1, "other");
  at::Scalar alpha = isScalarArg(info, 2) ? scalarArg(info, 2, "alpha") : at::Scalar(1);
  return wrapTensor(info.Env(), at::add(input, other, alpha));
})
INFOPLANE_OP(sub, {
  at::Tensor input = tensorOrScalarArg(info, 0, "input");
  at::Tensor other = tensorOrScalarArg(info, 1, "other");
  at::Scalar alpha = isScalarArg(info, 2) ? scalarArg(info, 2, "alpha") : at::Scalar(1);
  return wrapTensor(info.Env(), at::sub(input, other, alpha));
})

INFOPLANE_OP(clamp, {
  auto low = optionalNumberArg(info, 1, "min");
  auto high = optionalNumberArg(info, 2, "max");
  return wrapTensor(info.Env(), at::clamp(tensorArg(info, 0, "input"), low ? c10::optional<at::Scalar>(*low) : c10::nullopt,
                                          high ? c10::optional<at::Scalar>(*high) : c10::nullopt));
})

INFOPLANE_OP(leakyRelu, {
  return wrapTensor(info.Env(), at::leaky_relu(tensorArg(info, 0, "input"), numberArg(info, 1, "negativeSlope")));
})

INFOPLANE_OP(softplus, return wrapTensor(info.Env(), at::softplus(tensorArg(info, 0, "input")));)

INFOPLANE_OP(where, {
  return wrapTensor(info.Env(), at::where(tensorArg(info, 0, "condition"), tensorOrScalarArg(info, 1, "input"),
                                          tensorOrScalarArg(info, 2, "other")));
})

INFOPLANE_OP(addcmul, {
  return wrapTensor(info.Env(), at::addcmul(tensorArg(info, 0, "input"), tensorArg(info, 1, "tensor1"),
                                            tensorArg(info, 2, "tensor2"), scalarArg(info, 3, "value")));
})
INFOPLANE_OP(addcdiv, {
  return wrapTensor(info.Env(), at::addcdiv(tensorArg(info, 0, "input"), tensorArg(info, 1, "tensor1"),
                                            tensorArg(info, 2, "tensor2"), scalarArg(info, 3, "value")));
})

}  // namespace infoplane
