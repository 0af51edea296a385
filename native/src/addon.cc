// Module entry: registers every op of the table in ops.h under its own name.
#include <c10/util/Logging.h>

#include <cstdlib>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ops.h"

namespace infoplane {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  // Every libtorch error would otherwise symbolize a C++ backtrace (milliseconds per throw) that the
  // guard discards: errors reach JS with the op, its arguments and what_without_backtrace().
  c10::SetStackTraceFetcher([] { return std::string(); });
#ifdef __GLIBC__
  // Training frees and reallocates the same large activations every batch. With glibc's defaults each
  // free above the (dynamic) mmap/trim thresholds hands the pages back to the kernel and the next
  // allocation faults them in again: half of a CNN epoch's CPU time was kernel time. Keeping blocks up to
  // 32 MiB on the heap and trimming only above 1 GiB removes that (bench/train). GLIBC_TUNABLES wins.
  if (std::getenv("GLIBC_TUNABLES") == nullptr) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  }
#endif
#define INFOPLANE_EXPORT_OP(name) exports.Set(#name, Napi::Function::New(env, name, #name));
  INFOPLANE_OPS(INFOPLANE_EXPORT_OP)
#undef INFOPLANE_EXPORT_OP
  return exports;
}

}  // namespace infoplane

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) { return infoplane::init(env, exports); }

NODE_API_MODULE(infoplane_native, initAddon)
