/* golden_gen - the error metric of golden/FORMAT.md, as a reader applies it. */
#ifndef GG_CHECK_H
#define GG_CHECK_H

#include "gen.h"

/* The error of float32 result `got` against element `e` in scale-ULPs:
 * |got - exact| / ulp(max(|exact|, scale)). Returns a negative value and sets
 * *why when a special-value rule fails (NaN must be NaN, an infinity the same
 * infinity, an exact zero a zero of the same sign, a finite value finite). */
double gg_check_err(float got, const gg_elem *e, const char **why);

/* float32 spacing at a: 2^(floor(log2 a) - 23) for a >= 2^-126, else 2^-149. */
double gg_ulp32(double a);

#endif
