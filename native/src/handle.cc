#include "handle.h"

#include <atomic>

namespace infoplane {
namespace {

// Random-looking tags, unique to this addon: a JS object that was not made here never passes them.
constexpr napi_type_tag kTensorTag = {0x6b3f1d2c9a4e8b71ULL, 0x1f2e3d4c5b6a7980ULL};
constexpr napi_type_tag kGeneratorTag = {0x2a7c5e9b3d1f4a68ULL, 0x91827364a5b6c7d8ULL};

std::atomic<int64_t> liveTensors{0};

void releaseBox(Napi::BasicEnv env, TensorBox* box) {
  if (!box->tensor.defined()) return;
  box->tensor = at::Tensor();
  liveTensors--;
  if (box->reportedBytes != 0) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -box->reportedBytes);
    box->reportedBytes = 0;
  }
}

}  // namespace

Napi::Value wrapTensor(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  auto* box = new TensorBox{std::move(tensor), 0};
  // V8 paces its collections by the host memory that handles keep alive, so we report a CPU tensor's
  // storage when this handle is its only owner (a fresh result); views and aliases share memory already
  // counted and report nothing.
  const at::Tensor& t = box->tensor;
  if (t.device().is_cpu() && t.has_storage() && t.storage().use_count() == 1) {
    box->reportedBytes = static_cast<int64_t>(t.storage().nbytes());
    Napi::MemoryManagement::AdjustExternalMemory(env, box->reportedBytes);
  }
  liveTensors++;
  auto external = Napi::External<TensorBox>::New(env, box, [](Napi::BasicEnv finalizeEnv, TensorBox* dead) {
    releaseBox(finalizeEnv, dead);
    delete dead;
  });
  external.TypeTag(&kTensorTag);
  return external;
}

Napi::Value wrapTensors(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  auto array = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); i++) array.Set(static_cast<uint32_t>(i), wrapTensor(env, tensors[i]));
  return array;
}

bool isTensorHandle(const Napi::Value& value) {
  return value.IsExternal() && value.As<Napi::External<TensorBox>>().CheckTypeTag(&kTensorTag);
}

const at::Tensor& unwrapTensor(const Napi::Value& value, const char* argName) {
  if (!isTensorHandle(value)) {
    throw Napi::TypeError::New(value.Env(), std::string("Expected a tensor for ") + argName);
  }
  TensorBox* box = value.As<Napi::External<TensorBox>>().Data();
  if (!box->tensor.defined()) throw Napi::Error::New(value.Env(), "Tensor has been disposed");
  return box->tensor;
}

void disposeTensor(const Napi::Value& value) {
  if (!isTensorHandle(value)) throw Napi::TypeError::New(value.Env(), "Expected a tensor for tensor");
  releaseBox(value.Env(), value.As<Napi::External<TensorBox>>().Data());
}

int64_t liveTensorCount() { return liveTensors.load(); }

Napi::Value wrapGenerator(Napi::Env env, at::Generator generator) {
  auto* box = new GeneratorBox{std::move(generator)};
  auto external = Napi::External<GeneratorBox>::New(env, box, [](Napi::BasicEnv, GeneratorBox* dead) { delete dead; });
  external.TypeTag(&kGeneratorTag);
  return external;
}

at::Generator& unwrapGenerator(const Napi::Value& value, const char* argName) {
  if (!value.IsExternal() || !value.As<Napi::External<GeneratorBox>>().CheckTypeTag(&kGeneratorTag)) {
    throw Napi::TypeError::New(value.Env(), std::string("Expected a generator for ") + argName);
  }
  return value.As<Napi::External<GeneratorBox>>().Data()->generator;
}

}  // namespace infoplane
