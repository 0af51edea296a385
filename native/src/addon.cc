// Module entry: registers every op of the table in ops.h under its own name.
#include <c10/util/Logging.h>

#include "ops.h"

namespace infoplane {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  // Every libtorch error would otherwise symbolize a C++ backtrace (milliseconds per throw) that the
  // guard discards: errors reach JS with the op, its arguments and what_without_backtrace().
  c10::SetStackTraceFetcher([] { return std::string(); });
#define INFOPLANE_EXPORT_OP(name) exports.Set(#name, Napi::Function::New(env, name, #name));
  INFOPLANE_OPS(INFOPLANE_EXPORT_OP)
#undef INFOPLANE_EXPORT_OP
  return exports;
}

}  // namespace infoplane

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) { return infoplane::init(env, exports); }

NODE_API_MODULE(infoplane_native, initAddon)
