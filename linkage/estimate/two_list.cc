#include "linkage/estimate/two_list.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reckon {
namespace {

constexpr double kZ95 = 1.959963984540054;
constexpr double kInf = std::numeric_limits<double>::infinity();

absl::Status CheckCounts(int64_t n1, int64_t n2, int64_t m) {
  if (n1 < 0 || n2 < 0 || m < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("two-list counts must not be negative (n1=", n1,
                     ", n2=", n2, ", m=", m, ")"));
  }
  if (m > std::min(n1, n2)) {
    return absl::InvalidArgumentError(
        absl::StrCat("two-list overlap m=", m, " exceeds a source count (n1=",
                     n1, ", n2=", n2, ")"));
  }
  return absl::OkStatus();
}

TwoListEstimate Unbounded(double lower) {
  return TwoListEstimate{.n_hat = kInf,
                         .variance = kInf,
                         .ci_low = lower,
                         .ci_high = kInf,
                         .bounded = false};
}

}  // namespace

absl::StatusOr<TwoListEstimate> LincolnPetersen(int64_t n1, int64_t n2,
                                                int64_t m) {
  if (absl::Status s = CheckCounts(n1, n2, m); !s.ok()) return s;
  const double a = static_cast<double>(n1);
  const double b = static_cast<double>(n2);
  const double c = static_cast<double>(m);
  const double seen = a + b - c;
  if (m == 0) return Unbounded(seen);
  TwoListEstimate out;
  out.n_hat = a * b / c;
  out.variance = a * b * (a - c) * (b - c) / (c * c * c);
  const double half = kZ95 * std::sqrt(out.variance);
  out.ci_low = std::max(seen, out.n_hat - half);
  out.ci_high = out.n_hat + half;
  return out;
}

absl::StatusOr<TwoListEstimate> Chapman(int64_t n1, int64_t n2, int64_t m) {
  if (absl::Status s = CheckCounts(n1, n2, m); !s.ok()) return s;
  const double a = static_cast<double>(n1);
  const double b = static_cast<double>(n2);
  const double c = static_cast<double>(m);
  const double seen = a + b - c;
  if (m == 0) return Unbounded(seen);
  TwoListEstimate out;
  out.n_hat = (a + 1.0) * (b + 1.0) / (c + 1.0) - 1.0;
  out.variance =
      (a + 1.0) * (b + 1.0) * (a - c) * (b - c) / ((c + 1.0) * (c + 1.0) * (c + 2.0));
  const double f0 = out.n_hat - seen;
  if (f0 <= 0.0 || out.variance <= 0.0) {
    // One source holds the other: no one is estimated unseen.
    out.ci_low = out.ci_high = std::max(out.n_hat, seen);
    return out;
  }
  const double spread =
      std::exp(kZ95 * std::sqrt(std::log(1.0 + out.variance / (f0 * f0))));
  out.ci_low = seen + f0 / spread;
  out.ci_high = seen + f0 * spread;
  return out;
}

}  // namespace reckon
