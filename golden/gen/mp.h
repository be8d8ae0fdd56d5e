/* golden_gen - MPFR helpers shared by the update rules and the layer ops. */
#ifndef GG_MP_H
#define GG_MP_H

#include <mpfr.h>

#include "gen.h"

/* Stores the exact value v and its scale s as a file element: v rounded to
 * double and (checked independently of MPFR) to the nearest float32, s to
 * double. Returns NULL, or a message naming `array`[i] when v is outside the
 * double range, the rounding check fails or the scale is not a finite
 * non-negative number. Needs gg_formulas_init(). */
const char *gg_mp_to_elem(gg_elem *e, mpfr_srcptr v, mpfr_srcptr s, const char *array, size_t i);

#endif
