// One fused kernel (DESIGN: "added only when a benchmark shows the op-by-op version is the bottleneck"):
// bench:reestimate showed a KDE grid's element-wise passes over the sample pairs — an exp, square roots
// and four reductions per variance, each a pass over the block — at 43.6 % of the run it re-estimates.
// This computes them in one pass over a block of exponents. Plain C++ over raw arrays, no ATen: its own
// translation unit is compiled with -ffast-math so that GCC vectorizes expf/exp through glibc's libmvec,
// and cloned for AVX-512 and AVX2 where the compiler can (chosen at load by the CPU).
#include "fused_exp_sums.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace infoplane {
namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define INFOPLANE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define INFOPLANE_CLONES
#endif

// One row's kernel values for scale k over columns [0, n): v_j = exp(max(s·x_j, floor)), or the 2^steps-th
// root of the previous scale's values (in place in `values`). Adds each v_j to columns[j] and returns
// the row's sums over all columns and over [ownBegin, ownEnd), which it also adds to ownColumns.
template <typename T>
INFOPLANE_CLONES void rowKernel(const T* x, int64_t n, T scale, T floor, int64_t steps, T* values, T* columns, T* ownColumns,
                                int64_t ownBegin, int64_t ownEnd, double* total, double* own) {
  if (steps == 0) {
#pragma omp simd
    for (int64_t j = 0; j < n; j++) {
      T e = scale * x[j];
      e = e < floor ? floor : e;
      values[j] = std::exp(e);
    }
  } else {
    for (int64_t r = 0; r < steps; r++) {
#pragma omp simd
      for (int64_t j = 0; j < n; j++) values[j] = std::sqrt(values[j]);
    }
  }
  T all = 0;
#pragma omp simd reduction(+ : all)
  for (int64_t j = 0; j < n; j++) {
    all += values[j];
    columns[j] += values[j];
  }
  T mine = 0;
#pragma omp simd reduction(+ : mine)
  for (int64_t j = ownBegin; j < ownEnd; j++) {
    mine += values[j];
    ownColumns[j] += values[j];
  }
  *total += static_cast<double>(all);
  *own += static_cast<double>(mine);
}

template <typename T>
void expGroupSumsT(const T* x, int64_t m, int64_t n, const std::vector<double>& scales, const std::vector<int64_t>& steps, double floor,
                   const int64_t* rowGroups, const int64_t* columnGroups, ExpGroupSums& out) {
  const int64_t k = static_cast<int64_t>(scales.size());
  std::vector<T> values(static_cast<size_t>(n));
  // Column sums in the block's precision per block, then into float64 (as a reduction over dim 0 would).
  std::vector<T> columns(static_cast<size_t>(k * n), 0), ownColumns(static_cast<size_t>(k * n), 0);
  for (int64_t i = 0; i < m; i++) {
    // The columns of row i's group: a contiguous range, the groups being sorted.
    const int64_t group = rowGroups[i];
    int64_t begin = 0;
    while (begin < n && columnGroups[begin] < group) begin++;
    int64_t end = begin;
    while (end < n && columnGroups[end] == group) end++;
    const T* row = x + i * n;
    for (int64_t s = 0; s < k; s++) {
      rowKernel<T>(row, n, static_cast<T>(scales[s]), static_cast<T>(floor), steps[s], values.data(), columns.data() + s * n,
                   ownColumns.data() + s * n, begin, end, &out.rowTotal[s * m + i], &out.rowOwn[s * m + i]);
    }
  }
  for (int64_t j = 0; j < k * n; j++) {
    out.columnTotal[j] = static_cast<double>(columns[j]);
    out.columnOwn[j] = static_cast<double>(ownColumns[j]);
  }
}

}  // namespace

void expGroupSums(const void* x, bool isDouble, int64_t m, int64_t n, const std::vector<double>& scales, const std::vector<int64_t>& steps,
                  double floor, const int64_t* rowGroups, const int64_t* columnGroups, ExpGroupSums& out) {
  const size_t k = scales.size();
  out.rowTotal.assign(k * static_cast<size_t>(m), 0.0);
  out.rowOwn.assign(k * static_cast<size_t>(m), 0.0);
  out.columnTotal.assign(k * static_cast<size_t>(n), 0.0);
  out.columnOwn.assign(k * static_cast<size_t>(n), 0.0);
  if (isDouble) {
    expGroupSumsT<double>(static_cast<const double*>(x), m, n, scales, steps, floor, rowGroups, columnGroups, out);
  } else {
    expGroupSumsT<float>(static_cast<const float*>(x), m, n, scales, steps, floor, rowGroups, columnGroups, out);
  }
}

}  // namespace infoplane
