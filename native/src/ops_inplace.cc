// In-place updates (for optimizers and buffers) and their multi-tensor `_foreach_` forms.
// In-place ops return undefined: the TS layer returns the tensor it was called on.
#include "args.h"
#include "ops.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

namespace infoplane {
namespace {

at::Scalar optionalScalarArg(const Info& info, size_t index, const char* name) {
  return isScalarArg(info, index) ? scalarArg(info, index, name) : at::Scalar(1);
}

bool isListArg(const Info& info, size_t index) { return index < info.Length() && info[index].IsArray(); }

// One Welford step over n contiguous elements (see foreachWelford_), vectorisable: no aliasing.
template <typename T>
void welfordKernel(T* __restrict__ mean, T* __restrict__ m2, const T* __restrict__ sample, int64_t n, int64_t count) {
  const T inverse = T(1) / static_cast<T>(count);
  at::parallel_for(0, n, 1 << 15, [&](int64_t begin, int64_t end) {
#pragma GCC ivdep
    for (int64_t i = begin; i < end; i++) {
      const T delta = sample[i] - mean[i];
      const T updated = mean[i] + delta * inverse;
      mean[i] = updated;
      m2[i] += delta * (sample[i] - updated);
    }
  });
}

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
// mulOut(out, self, other): out ← self·other (ATen mul_out) in one pass into an existing tensor.
INFOPLANE_OP(mulOut, {
  auto out = tensorArg(info, 0, "out");
  const auto& self = tensorArg(info, 1, "self");
  const auto other = tensorOrScalarArg(info, 2, "other");
  // ATen would resize a mis-shaped out; a buffer must keep its shape, so that is an error here.
  if (!out.sizes().equals(at::infer_size(self.sizes(), other.sizes()))) {
    throw Napi::RangeError::New(info.Env(), "out must have the shape of self·other");
  }
  at::mul_out(out, self, other);
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

// foreachWelford_(means, m2s, samples, count): adds the count-th sample to streaming moments (Welford):
// δ = x − m; m += δ/count; M₂ += δ·(x − m). Not an ATen op: a fused generic statistics kernel, one pass over
// the three tensors instead of the four multi-tensor ops it replaces (bench:fig5 showed those as a cost of
// their own). CPU contiguous float tensors take the fused loop; anything else (other devices, strides) the
// same update as ATen ops.
INFOPLANE_OP(foreachWelford_, {
  auto means = tensorListArg(info, 0, "means");
  auto m2s = tensorListArg(info, 1, "m2s");
  auto samples = tensorListArg(info, 2, "samples");
  const int64_t count = intArg(info, 3, "count");
  if (count < 1) throw Napi::RangeError::New(info.Env(), "count must be at least 1");
  if (means.size() != m2s.size() || means.size() != samples.size()) {
    throw Napi::RangeError::New(info.Env(), "means, m2s and samples differ in length");
  }
  for (size_t t = 0; t < means.size(); t++) {
    auto& mean = means[t];
    auto& m2 = m2s[t];
    const auto& x = samples[t];
    if (!mean.sizes().equals(x.sizes()) || !m2.sizes().equals(x.sizes())) {
      throw Napi::RangeError::New(info.Env(), "tensor " + std::to_string(t) + ": mean, m2 and sample differ in shape");
    }
    const bool fused = !mean.requires_grad() && !m2.requires_grad() && mean.device().is_cpu() &&
                       m2.device().is_cpu() && x.device().is_cpu() && mean.is_contiguous() && m2.is_contiguous() &&
                       x.is_contiguous() && mean.scalar_type() == x.scalar_type() &&
                       m2.scalar_type() == x.scalar_type() &&
                       (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble);
    if (!fused) {
      auto delta = x - mean;
      mean.add_(delta, 1.0 / static_cast<double>(count));
      m2.addcmul_(delta, x - mean);
      continue;
    }
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "foreachWelford_", [&] {
      welfordKernel(mean.data_ptr<scalar_t>(), m2.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), x.numel(), count);
    });
  }
  return info.Env().Undefined();
})

}  // namespace infoplane
