/* The per-thread coefficient cache (coeffs_cache.c) and the caller's
 * rounding mode: the coefficients are computed in the caller's environment
 * (DESIGN.md 6.7), so a call under FE_UPWARD must give the same bits
 * whether the thread's last call with the same (algo, hparams, t) ran under
 * another mode or not. Before the mode was part of the key, a hit returned
 * the coefficients of the earlier mode (44 of 64 elements differed). */
#include <fenv.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "optbench.h"

#pragma STDC FENV_ACCESS ON

#define N       64 /* a few vectors' worth */
#define T_FILL  2  /* Adam's lr_t at t = 2 is inexact: its float rounding follows the mode */
#define T_EVICT 3  /* any other step: a different key, so the next t = 2 call misses */

static float g[N];

/* p = 0: the update is all of p, so a coefficient one ulp off shows */
static void adam(int64_t t, float out[N]) {
  static float s0[N], s1[N];
  memset(out, 0, N * sizeof *out);
  memset(s0, 0, sizeof s0);
  memset(s1, 0, sizeof s1);
  const ob_hparams hp = ob_defaults(OB_ADAM);
  CHECK(ob_step(ob_variant_find("scalar"), OB_ADAM, &hp, t, out, g, s0, s1, N) == OB_OK, "step");
}

int main(void) {
  for (int i = 0; i < N; i++)
    g[i] = 0.1f + 0.013f * (float)i; /* any gradients away from 0 */
  static const struct {
    int mode;
    const char *name;
  } fill[] = {
      {FE_TONEAREST, "to nearest"}, {FE_DOWNWARD, "downward"}, {FE_TOWARDZERO, "toward zero"}};
  for (size_t k = 0; k < sizeof fill / sizeof fill[0]; k++) {
    float after_other[N], fresh[N], scratch[N];
    CHECK(fesetround(fill[k].mode) == 0, "fesetround %s", fill[k].name);
    adam(T_FILL, scratch); /* the thread's cache now holds this mode's coefficients */
    CHECK(fesetround(FE_UPWARD) == 0, "fesetround upward");
    adam(T_FILL, after_other);
    adam(T_EVICT, scratch);
    adam(T_FILL, fresh); /* computed under FE_UPWARD */
    CHECK(memcmp(after_other, fresh, sizeof fresh) == 0,
          "upward after %s: the bits of a fresh upward call", fill[k].name);
    CHECK(fesetround(FE_TONEAREST) == 0, "fesetround back");
  }
  return ob_test_done("test_prepare_env");
}
