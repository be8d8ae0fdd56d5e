/* golden_gen - the rules' formulas in exact arithmetic (MPFR, 256 bits). */
#ifndef GG_FORMULAS_H
#define GG_FORMULAS_H

#include "gen.h"

/* Widens MPFR's exponent range to its extremes (nothing under- or overflows
 * inside the exact computation) and allocates the working variables. */
void gg_formulas_init(void);
void gg_formulas_free(void);

/* One exact step of `a` on n elements from float32 inputs. out[0] receives p,
 * out[1 + k] state k, for each state the step uses (gg_state_used; the others
 * are neither read nor written). *misses receives the number of elements
 * outside the rule's data domain that the formula checks exactly (centered
 * RMSprop's margin, FORMAT.md "Domains"). Returns NULL, or a message when a
 * value cannot be stored faithfully. */
const char *gg_exact_step(gg_algo a, const gg_hp *hp, int64_t t, size_t n, const float *p,
                          const float *g, const float *const s[GG_MAX_STATES],
                          gg_elem *out[1 + GG_MAX_STATES], size_t *misses);

/* Does the generator have its own exact formula for rule a? */
int gg_has_formula(gg_algo a);

/* The name of a derived coefficient of the step outside its range (the step
 * is refused: FORMAT.md, "Domains"), or NULL. */
const char *gg_coeff_outside(gg_algo a, const gg_hp *hp, int64_t t);

/* The gradient of f(x, y) = x^2/20 + y^2 in float32: which = 0 gives x/10,
 * 1 gives 2*y, each the exact value correctly rounded to float32. */
float gg_quadratic_grad(int which, float v);

#endif
