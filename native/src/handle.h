// Tensor and generator handles: type-tagged N-API externals owning a libtorch object.
//
// A handle is a JS external whose native side is a heap box. `dispose` empties the box (freeing the
// tensor at once); the external's finalizer deletes the box when V8 collects the handle. Both paths
// share `releaseBox`, so memory accounting and the live count stay exact whichever comes first.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

namespace infoplane {

struct TensorBox {
  at::Tensor tensor;
  int64_t reportedBytes = 0;  // what we told V8 via AdjustExternalMemory
};

struct GeneratorBox {
  at::Generator generator;
};

// Wraps a tensor in a new tagged handle. An undefined tensor becomes JS null.
Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor);

// Wraps each tensor of a list into a JS array of handles.
Napi::Value wrapTensors(Napi::Env env, const std::vector<at::Tensor>& tensors);

// True when `value` is a handle made by wrapTensor (live or disposed).
bool isTensorHandle(const Napi::Value& value);

// The live tensor behind a handle; throws TypeError for non-handles and Error for disposed handles.
const at::Tensor& unwrapTensor(const Napi::Value& value, const char* argName);

// Frees the tensor now; later use of the handle throws "Tensor has been disposed". Idempotent.
void disposeTensor(const Napi::Value& value);

// Number of tensors wrapped and not yet disposed or collected.
int64_t liveTensorCount();

Napi::Value wrapGenerator(Napi::Env env, at::Generator generator);
at::Generator& unwrapGenerator(const Napi::Value& value, const char* argName);

}  // namespace infoplane
