// The fused exp-sum kernel's plain C++ interface (fused_exp_sums.cc; wrapped as the expGroupSums op).
#pragma once

#include <cstdint>
#include <vector>

namespace infoplane {

struct ExpGroupSums {
  // Row-major [scales, m] and [scales, n], float64.
  std::vector<double> rowTotal, rowOwn, columnTotal, columnOwn;
};

// For x [m, n] (row-major, float32 or float64) and each scale s: v_ij = exp(max(s·x_ij, floor)), or, where
// steps[s] > 0, the 2^steps[s]-th root of the previous scale's v_ij; their sums over each row and each
// column, in total and over the entries whose row and column share a group (groups sorted ascending).
void expGroupSums(const void* x, bool isDouble, int64_t m, int64_t n, const std::vector<double>& scales, const std::vector<int64_t>& steps,
                  double floor, const int64_t* rowGroups, const int64_t* columnGroups, ExpGroupSums& out);

}  // namespace infoplane
