/* golden_gen - a plain float32 evaluation of the formulas.
 *
 * It only guards the case design: every stored case must be one a correct
 * float32 implementation can meet (see main.c). The stored values are the
 * exact ones.
 */
#ifndef GG_PLAIN_H
#define GG_PLAIN_H

#include "gen.h"

/* One step in place, in float32, the book's operation order left to right;
 * derived coefficients computed in double and rounded once to float. s holds
 * the states (those the step does not use may be NULL). */
void gg_plain_step(gg_algo a, const gg_hp *hp, int64_t t, size_t n, float *p, const float *g,
                   float *const s[GG_MAX_STATES]);

#endif
