#include "args.h"

#include <ATen/ScalarOps.h>
#include <ATen/core/Reduction.h>

#include <cmath>
#include <sstream>

namespace infoplane {
namespace {

Napi::TypeError typeError(const Info& info, const char* what, const char* name) {
  return Napi::TypeError::New(info.Env(), std::string("Expected ") + what + " for " + name);
}

bool present(const Info& info, size_t index) {
  return index < info.Length() && !info[index].IsUndefined() && !info[index].IsNull();
}

int64_t toInt(const Info& info, const Napi::Value& value, const char* name) {
  if (!value.IsNumber()) throw typeError(info, "an integer", name);
  double number = value.As<Napi::Number>().DoubleValue();
  // 2^63 is exactly representable; anything at or beyond it would overflow int64_t.
  if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) >= 9.2233720368547758e18) {
    throw typeError(info, "an integer", name);
  }
  return static_cast<int64_t>(number);
}

struct DtypeEntry {
  const char* name;
  at::ScalarType type;
};

constexpr DtypeEntry kDtypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf}, {"bfloat16", at::kBFloat16},
    {"int8", at::kChar},     {"int16", at::kShort},    {"int32", at::kInt},    {"int64", at::kLong},
    {"uint8", at::kByte},    {"bool", at::kBool},
};

void describeValue(std::ostringstream& out, const Napi::Value& value, int depth) {
  if (isTensorHandle(value)) {
    const at::Tensor& tensor = value.As<Napi::External<TensorBox>>().Data()->tensor;
    if (!tensor.defined()) {
      out << "<disposed tensor>";
      return;
    }
    out << dtypeName(tensor.scalar_type()) << tensor.sizes();
    if (!tensor.device().is_cpu()) out << "@" << tensor.device();
  } else if (value.IsNumber()) {
    out << value.As<Napi::Number>().DoubleValue();
  } else if (value.IsBoolean()) {
    out << (value.As<Napi::Boolean>().Value() ? "true" : "false");
  } else if (value.IsString()) {
    out << '"' << value.As<Napi::String>().Utf8Value() << '"';
  } else if (value.IsNull()) {
    out << "null";
  } else if (value.IsUndefined()) {
    out << "undefined";
  } else if (value.IsTypedArray()) {
    out << "TypedArray(" << value.As<Napi::TypedArray>().ElementLength() << ")";
  } else if (value.IsArray() && depth < 2) {
    auto array = value.As<Napi::Array>();
    out << "[";
    uint32_t shown = std::min<uint32_t>(array.Length(), 8);
    for (uint32_t i = 0; i < shown; i++) {
      if (i > 0) out << ",";
      describeValue(out, array.Get(i), depth + 1);
    }
    if (array.Length() > shown) out << ",…";
    out << "]";
  } else if (value.IsExternal()) {
    out << "<external>";
  } else {
    out << "<object>";
  }
}

}  // namespace

const char* dtypeName(at::ScalarType type) {
  for (const auto& entry : kDtypes) {
    if (entry.type == type) return entry.name;
  }
  return c10::toString(type);
}

std::string describeCall(const char* op, const Info& info) {
  std::ostringstream out;
  out << op << "(";
  for (size_t i = 0; i < info.Length(); i++) {
    if (i > 0) out << ", ";
    describeValue(out, info[i], 0);
  }
  out << ")";
  return out.str();
}

const at::Tensor& tensorArg(const Info& info, size_t index, const char* name) {
  return unwrapTensor(index < info.Length() ? info[index] : info.Env().Undefined(), name);
}

c10::optional<at::Tensor> optionalTensorArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return c10::nullopt;
  return unwrapTensor(info[index], name);
}

std::vector<at::Tensor> tensorListArg(const Info& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsArray()) throw typeError(info, "an array of tensors", name);
  auto array = info[index].As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  tensors.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) tensors.push_back(unwrapTensor(array.Get(i), name));
  return tensors;
}

double numberArg(const Info& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsNumber()) throw typeError(info, "a number", name);
  return info[index].As<Napi::Number>().DoubleValue();
}

int64_t intArg(const Info& info, size_t index, const char* name) {
  return toInt(info, index < info.Length() ? info[index] : info.Env().Undefined(), name);
}

c10::optional<int64_t> optionalIntArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return c10::nullopt;
  return intArg(info, index, name);
}

c10::optional<double> optionalNumberArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return c10::nullopt;
  return numberArg(info, index, name);
}

bool boolArg(const Info& info, size_t index, const char* name, bool fallback) {
  if (!present(info, index)) return fallback;
  if (!info[index].IsBoolean()) throw typeError(info, "a boolean", name);
  return info[index].As<Napi::Boolean>().Value();
}

std::string stringArg(const Info& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsString()) throw typeError(info, "a string", name);
  return info[index].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> intListArg(const Info& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsArray()) throw typeError(info, "an array of integers", name);
  auto array = info[index].As<Napi::Array>();
  std::vector<int64_t> values(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) values[i] = toInt(info, array.Get(i), name);
  return values;
}

c10::optional<std::vector<int64_t>> optionalDimsArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return c10::nullopt;
  if (info[index].IsNumber()) return std::vector<int64_t>{intArg(info, index, name)};
  return intListArg(info, index, name);
}

bool isScalarArg(const Info& info, size_t index) {
  return index < info.Length() && (info[index].IsNumber() || info[index].IsBoolean());
}

at::Scalar scalarArg(const Info& info, size_t index, const char* name) {
  if (index < info.Length() && info[index].IsBoolean()) return at::Scalar(info[index].As<Napi::Boolean>().Value());
  double number = numberArg(info, index, name);
  // Whole numbers stay integral so that int tensor + 1 keeps its dtype, as in PyTorch.
  if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 9.0e15) {
    return at::Scalar(static_cast<int64_t>(number));
  }
  return at::Scalar(number);
}

at::Tensor tensorOrScalarArg(const Info& info, size_t index, const char* name) {
  if (!isScalarArg(info, index)) return tensorArg(info, index, name);
  return at::native::wrapped_scalar_tensor(scalarArg(info, index, name));
}

int64_t reductionArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return at::Reduction::Mean;
  std::string text = stringArg(info, index, name);
  if (text == "mean") return at::Reduction::Mean;
  if (text == "sum") return at::Reduction::Sum;
  if (text == "none") return at::Reduction::None;
  throw Napi::TypeError::New(info.Env(), std::string("Expected 'none', 'mean' or 'sum' for ") + name);
}

at::ScalarType dtypeArg(const Info& info, size_t index, const char* name) {
  std::string text = stringArg(info, index, name);
  for (const auto& entry : kDtypes) {
    if (text == entry.name) return entry.type;
  }
  throw Napi::TypeError::New(info.Env(), std::string("Expected a dtype name for ") + name + " but received \"" +
                                             text + "\"");
}

c10::optional<at::ScalarType> optionalDtypeArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return c10::nullopt;
  return dtypeArg(info, index, name);
}

at::Device deviceArg(const Info& info, size_t index, const char* name) {
  return at::Device(stringArg(info, index, name));
}

c10::optional<at::Generator> optionalGeneratorArg(const Info& info, size_t index, const char* name) {
  if (!present(info, index)) return c10::nullopt;
  return unwrapGenerator(info[index], name);
}

at::TensorOptions optionsArg(const Info& info, size_t index, at::ScalarType fallback) {
  auto options = at::TensorOptions().dtype(optionalDtypeArg(info, index, "dtype").value_or(fallback));
  if (present(info, index + 1)) options = options.device(deviceArg(info, index + 1, "device"));
  return options;
}

}  // namespace infoplane
