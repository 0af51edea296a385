// Runtime facts and handle metadata: version, BLAS/threads, devices, shapes, dtypes, lifetimes, grad mode.
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#include <dlfcn.h>

#include "args.h"
#include "ops.h"

namespace infoplane {

INFOPLANE_OP(version, return Napi::String::New(info.Env(), TORCH_VERSION);)

INFOPLANE_OP(buildConfig, return Napi::String::New(info.Env(), at::show_config());)

INFOPLANE_OP(parallelInfo, return Napi::String::New(info.Env(), at::get_parallel_info());)

// blasInfo() → { coreName, config, threads } from OpenBLAS when it is the BLAS loaded (else nulls).
INFOPLANE_OP(blasInfo, {
  using StringFn = char* (*)();
  using IntFn = int (*)();
  auto coreName = reinterpret_cast<StringFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  auto config = reinterpret_cast<StringFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  auto threads = reinterpret_cast<IntFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  Napi::Env env = info.Env();
  auto result = Napi::Object::New(env);
  result.Set("coreName", coreName ? Napi::Value(Napi::String::New(env, coreName())) : env.Null());
  result.Set("config", config ? Napi::Value(Napi::String::New(env, config())) : env.Null());
  result.Set("threads", threads ? Napi::Value(Napi::Number::New(env, threads())) : env.Null());
  return result;
})

// setFlushDenormal(enabled) → whether the CPU supports it. Flushing subnormal floats to zero (FTZ/DAZ)
// avoids their slow microcode path; exp(−D/2σ²) of far points makes them by the million.
INFOPLANE_OP(setFlushDenormal, {
  return Napi::Boolean::New(info.Env(), at::globalContext().setFlushDenormal(boolArg(info, 0, "enabled", true)));
})

INFOPLANE_OP(getNumThreads, return Napi::Number::New(info.Env(), at::get_num_threads());)

INFOPLANE_OP(setNumThreads, {
  int64_t threads = intArg(info, 0, "threads");
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "Expected a positive integer for threads");
  at::set_num_threads(static_cast<int>(threads));
  return info.Env().Undefined();
})

INFOPLANE_OP(cudaDeviceCount, {
  int count = at::globalContext().hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;
  return Napi::Number::New(info.Env(), count);
})

INFOPLANE_OP(liveTensors, return Napi::Number::New(info.Env(), static_cast<double>(liveTensorCount()));)

// externalMemory() → bytes of native memory currently reported to V8 (it paces garbage collection by it).
INFOPLANE_OP(externalMemory, {
  return Napi::Number::New(info.Env(), static_cast<double>(Napi::MemoryManagement::AdjustExternalMemory(info.Env(), 0)));
})

INFOPLANE_OP(dispose, {
  disposeTensor(info[0]);
  return info.Env().Undefined();
})

INFOPLANE_OP(isDisposed, {
  if (!isTensorHandle(info[0])) throw Napi::TypeError::New(info.Env(), "Expected a tensor for tensor");
  return Napi::Boolean::New(info.Env(), !info[0].As<Napi::External<TensorBox>>().Data()->tensor.defined());
})

INFOPLANE_OP(shape, {
  const at::Tensor& tensor = tensorArg(info, 0, "tensor");
  auto sizes = Napi::Array::New(info.Env(), tensor.dim());
  for (int64_t i = 0; i < tensor.dim(); i++) sizes.Set(static_cast<uint32_t>(i), static_cast<double>(tensor.size(i)));
  return sizes;
})

INFOPLANE_OP(dtype, return Napi::String::New(info.Env(), dtypeName(tensorArg(info, 0, "tensor").scalar_type()));)

INFOPLANE_OP(device, return Napi::String::New(info.Env(), tensorArg(info, 0, "tensor").device().str());)

INFOPLANE_OP(isContiguous, return Napi::Boolean::New(info.Env(), tensorArg(info, 0, "tensor").is_contiguous());)

INFOPLANE_OP(isGradEnabled, return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());)

INFOPLANE_OP(setGradEnabled, {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(boolArg(info, 0, "enabled", true));
  return Napi::Boolean::New(info.Env(), previous);
})

}  // namespace infoplane
