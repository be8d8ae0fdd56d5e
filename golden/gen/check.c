/* golden_gen - the error metric of golden/FORMAT.md. */
#include "check.h"

#include <math.h>

double gg_ulp32(double a) {
  if (!(a >= 0x1p-126))
    return 0x1p-149;
  int k;
  frexp(a, &k); /* a = f * 2^k, f in [0.5, 1): floor(log2 a) = k - 1 */
  return ldexp(1.0, k - 1 - 23);
}

double gg_check_err(float got, const gg_elem *e, const char **why) {
  if (isnan(e->rounded)) {
    if (isnan(got))
      return 0;
    *why = "NaN expected";
    return -1;
  }
  if (isinf(e->rounded)) {
    if (got == e->rounded)
      return 0;
    *why = e->rounded > 0 ? "+inf expected" : "-inf expected";
    return -1;
  }
  if (!isfinite(got)) {
    *why = "a finite value expected";
    return -1;
  }
  if (e->exact == 0) {
    if (got == 0 && !signbit(got) == !signbit(e->exact))
      return 0;
    *why = signbit(e->exact) ? "-0 expected" : "+0 expected";
    return -1;
  }
  double ref = fmax(fabs(e->exact), e->scale);
  return fabs((double)got - e->exact) / gg_ulp32(ref);
}
