// Argument conversion from JS values to ATen types, and the guard every export runs inside.
//
// Every converter checks the JS type and throws a Napi::TypeError naming the argument; the guard turns
// any C++ exception (c10::Error included, which would otherwise abort the process) into a JS Error that
// names the op and describes each argument (tensors as dtype[shape]).
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <c10/util/Optional.h>
#include <string>
#include <vector>

#include "handle.h"

namespace infoplane {

using Info = Napi::CallbackInfo;

const at::Tensor& tensorArg(const Info& info, size_t index, const char* name);
c10::optional<at::Tensor> optionalTensorArg(const Info& info, size_t index, const char* name);
std::vector<at::Tensor> tensorListArg(const Info& info, size_t index, const char* name);
double numberArg(const Info& info, size_t index, const char* name);
int64_t intArg(const Info& info, size_t index, const char* name);
c10::optional<int64_t> optionalIntArg(const Info& info, size_t index, const char* name);
c10::optional<double> optionalNumberArg(const Info& info, size_t index, const char* name);
bool boolArg(const Info& info, size_t index, const char* name, bool fallback);
std::string stringArg(const Info& info, size_t index, const char* name);
std::vector<int64_t> intListArg(const Info& info, size_t index, const char* name);
// An int list, or a single int promoted to a one-element list; absent/null gives c10::nullopt.
c10::optional<std::vector<int64_t>> optionalDimsArg(const Info& info, size_t index, const char* name);
at::Scalar scalarArg(const Info& info, size_t index, const char* name);
bool isScalarArg(const Info& info, size_t index);
// A tensor, or a JS number/boolean wrapped as PyTorch wraps Python scalars (same type promotion).
at::Tensor tensorOrScalarArg(const Info& info, size_t index, const char* name);
// 'none' | 'mean' | 'sum' → at::Reduction.
int64_t reductionArg(const Info& info, size_t index, const char* name);
at::ScalarType dtypeArg(const Info& info, size_t index, const char* name);
c10::optional<at::ScalarType> optionalDtypeArg(const Info& info, size_t index, const char* name);
at::Device deviceArg(const Info& info, size_t index, const char* name);
c10::optional<at::Generator> optionalGeneratorArg(const Info& info, size_t index, const char* name);
// TensorOptions from optional (dtype, device) arguments at index, index + 1.
at::TensorOptions optionsArg(const Info& info, size_t index, at::ScalarType fallback);

const char* dtypeName(at::ScalarType type);

// Builds "op(float32[2,3], 1.5, [0,1])" for error messages.
std::string describeCall(const char* op, const Info& info);

template <typename Body>
Napi::Value guard(const char* op, const Info& info, Body body) {
  try {
    return body();
  } catch (const Napi::TypeError& error) {
    throw Napi::TypeError::New(info.Env(), describeCall(op, info) + ": " + error.Message());
  } catch (const Napi::Error& error) {
    throw Napi::Error::New(info.Env(), describeCall(op, info) + ": " + error.Message());
  } catch (const c10::Error& error) {
    throw Napi::Error::New(info.Env(), describeCall(op, info) + ": " + error.what_without_backtrace());
  } catch (const std::exception& error) {
    throw Napi::Error::New(info.Env(), describeCall(op, info) + ": " + error.what());
  }
}

// Defines an exported op whose body runs inside the guard.
#define INFOPLANE_OP(name, ...)                                                  \
  Napi::Value name(const Napi::CallbackInfo& info) {                             \
    return ::infoplane::guard(#name, info, [&]() -> Napi::Value { __VA_ARGS__ }); \
  }

}  // namespace infoplane
