// Creation, copy to and from typed arrays, and seeded randomness.
#include <ATen/CPUGeneratorImpl.h>

#include <cstring>

#include "args.h"
#include "ops.h"

namespace infoplane {
namespace {

at::ScalarType typedArrayDtype(const Napi::TypedArray& array) {
  switch (array.TypedArrayType()) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_int8_array: return at::kChar;
    case napi_uint8_array:
    case napi_uint8_clamped_array: return at::kByte;
    case napi_int16_array: return at::kShort;
    case napi_int32_array: return at::kInt;
    case napi_bigint64_array: return at::kLong;
    default: throw Napi::TypeError::New(array.Env(), "Unsupported typed array type for data");
  }
}

template <typename ArrayType, typename Element>
Napi::Value copyOut(Napi::Env env, const at::Tensor& tensor) {
  auto array = ArrayType::New(env, static_cast<size_t>(tensor.numel()));
  if (tensor.numel() > 0) std::memcpy(array.Data(), tensor.data_ptr(), tensor.numel() * sizeof(Element));
  return array;
}

}  // namespace

// fromTypedArray(data, shape, dtype?) → a new CPU tensor holding a copy of data.
INFOPLANE_OP(fromTypedArray, {
  if (info.Length() < 1 || !info[0].IsTypedArray()) {
    throw Napi::TypeError::New(info.Env(), "Expected a typed array for data");
  }
  auto array = info[0].As<Napi::TypedArray>();
  std::vector<int64_t> shape = intListArg(info, 1, "shape");
  int64_t numel = 1;
  for (int64_t size : shape) {
    if (size < 0) throw Napi::RangeError::New(info.Env(), "Expected non-negative sizes for shape");
    numel *= size;
  }
  if (numel != static_cast<int64_t>(array.ElementLength())) {
    throw Napi::RangeError::New(info.Env(), "shape has " + std::to_string(numel) + " elements but data has " +
                                                std::to_string(array.ElementLength()));
  }
  at::ScalarType source = typedArrayDtype(array);
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(source));
  if (numel > 0) {
    auto* bytes = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    std::memcpy(tensor.data_ptr(), bytes, array.ByteLength());
  }
  auto target = optionalDtypeArg(info, 2, "dtype");
  if (target && *target != source) tensor = tensor.to(*target);
  return wrapTensor(info.Env(), tensor);
})

// toTypedArray(t) → a typed array holding a copy of t's values (bool as Uint8Array, int64 as BigInt64Array).
INFOPLANE_OP(toTypedArray, {
  at::Tensor tensor = tensorArg(info, 0, "tensor").detach().to(at::kCPU).contiguous();
  switch (tensor.scalar_type()) {
    case at::kFloat: return copyOut<Napi::Float32Array, float>(info.Env(), tensor);
    case at::kDouble: return copyOut<Napi::Float64Array, double>(info.Env(), tensor);
    case at::kInt: return copyOut<Napi::Int32Array, int32_t>(info.Env(), tensor);
    case at::kLong: return copyOut<Napi::BigInt64Array, int64_t>(info.Env(), tensor);
    case at::kShort: return copyOut<Napi::Int16Array, int16_t>(info.Env(), tensor);
    case at::kChar: return copyOut<Napi::Int8Array, int8_t>(info.Env(), tensor);
    case at::kByte:
    case at::kBool: return copyOut<Napi::Uint8Array, uint8_t>(info.Env(), tensor);
    default: return copyOut<Napi::Float32Array, float>(info.Env(), tensor.to(at::kFloat));
  }
})

INFOPLANE_OP(item, {
  const at::Tensor& tensor = tensorArg(info, 0, "tensor");
  if (tensor.numel() != 1) throw Napi::RangeError::New(info.Env(), "item() needs a tensor with exactly one element");
  return Napi::Number::New(info.Env(), tensor.item().toDouble());
})

INFOPLANE_OP(empty, return wrapTensor(info.Env(), at::empty(intListArg(info, 0, "shape"), optionsArg(info, 1, at::kFloat)));)
INFOPLANE_OP(zeros, return wrapTensor(info.Env(), at::zeros(intListArg(info, 0, "shape"), optionsArg(info, 1, at::kFloat)));)
INFOPLANE_OP(ones, return wrapTensor(info.Env(), at::ones(intListArg(info, 0, "shape"), optionsArg(info, 1, at::kFloat)));)
INFOPLANE_OP(full, {
  return wrapTensor(info.Env(), at::full(intListArg(info, 0, "shape"), scalarArg(info, 1, "value"),
                                         optionsArg(info, 2, at::kFloat)));
})
INFOPLANE_OP(zerosLike, return wrapTensor(info.Env(), at::zeros_like(tensorArg(info, 0, "tensor")));)
INFOPLANE_OP(onesLike, return wrapTensor(info.Env(), at::ones_like(tensorArg(info, 0, "tensor")));)
INFOPLANE_OP(fullLike, {
  return wrapTensor(info.Env(), at::full_like(tensorArg(info, 0, "tensor"), scalarArg(info, 1, "value")));
})
INFOPLANE_OP(arange, {
  return wrapTensor(info.Env(), at::arange(scalarArg(info, 0, "start"), scalarArg(info, 1, "end"),
                                           scalarArg(info, 2, "step"), optionsArg(info, 3, at::kFloat)));
})
INFOPLANE_OP(linspace, {
  return wrapTensor(info.Env(), at::linspace(scalarArg(info, 0, "start"), scalarArg(info, 1, "end"),
                                             intArg(info, 2, "steps"), optionsArg(info, 3, at::kFloat)));
})
INFOPLANE_OP(eye, return wrapTensor(info.Env(), at::eye(intArg(info, 0, "n"), optionsArg(info, 1, at::kFloat)));)

// Generators: every random op takes an optional generator; without one it uses the global one.
INFOPLANE_OP(createGenerator, {
  return wrapGenerator(info.Env(), at::make_generator<at::CPUGeneratorImpl>(
                                       static_cast<uint64_t>(intArg(info, 0, "seed"))));
})
INFOPLANE_OP(manualSeed, {
  at::manual_seed(static_cast<uint64_t>(intArg(info, 0, "seed")));
  return info.Env().Undefined();
})
INFOPLANE_OP(rand, {
  return wrapTensor(info.Env(), at::rand(intListArg(info, 0, "shape"), optionalGeneratorArg(info, 1, "generator"),
                                         optionsArg(info, 2, at::kFloat)));
})
INFOPLANE_OP(randn, {
  return wrapTensor(info.Env(), at::randn(intListArg(info, 0, "shape"), optionalGeneratorArg(info, 1, "generator"),
                                          optionsArg(info, 2, at::kFloat)));
})
INFOPLANE_OP(randint, {
  return wrapTensor(info.Env(), at::randint(intArg(info, 0, "low"), intArg(info, 1, "high"),
                                            intListArg(info, 2, "shape"), optionalGeneratorArg(info, 3, "generator"),
                                            optionsArg(info, 4, at::kLong)));
})
INFOPLANE_OP(randperm, {
  return wrapTensor(info.Env(), at::randperm(intArg(info, 0, "n"), optionalGeneratorArg(info, 1, "generator"),
                                             optionsArg(info, 2, at::kLong)));
})
INFOPLANE_OP(uniform_, {
  tensorArg(info, 0, "tensor").uniform_(numberArg(info, 1, "from"), numberArg(info, 2, "to"),
                                        optionalGeneratorArg(info, 3, "generator"));
  return info.Env().Undefined();
})
INFOPLANE_OP(normal_, {
  tensorArg(info, 0, "tensor").normal_(numberArg(info, 1, "mean"), numberArg(info, 2, "std"),
                                       optionalGeneratorArg(info, 3, "generator"));
  return info.Env().Undefined();
})
INFOPLANE_OP(bernoulli_, {
  tensorArg(info, 0, "tensor").bernoulli_(numberArg(info, 1, "p"), optionalGeneratorArg(info, 2, "generator"));
  return info.Env().Undefined();
})

}  // namespace infoplane
