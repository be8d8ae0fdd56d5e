/* ob_step_list from another key's destructor, after the library's own has
 * freed the thread's copy of the last list (list_seen.c): the step must
 * still check and run, reading no freed memory. The library's key is made
 * first (the thread's first ob_step_list), so glibc, which runs destructors
 * in the order keys were made, runs ours after it. Under `make sanitize`
 * AddressSanitizer reports the use of the freed copy; the checks here catch
 * wrong statuses and bits. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "optbench.h"

#define N 16 /* a few elements per tensor: the path, not the arithmetic, is under test */

static float p[2][N], g[2][N], s0[2][N], s1[2][N], ref[2][N];
static const size_t sizes[2] = {N, N};
static pthread_key_t ours;
static int destructor_ran;

static ob_status step(void) {
  const ob_hparams hp = ob_defaults(OB_ADAM);
  float *const ps[2] = {p[0], p[1]}, *const s0s[2] = {s0[0], s0[1]}, *const s1s[2] = {s1[0], s1[1]};
  const float *const gs[2] = {g[0], g[1]};
  return ob_step_list(ob_variant_find("scalar"), OB_ADAM, &hp, 1, 2, ps, gs, s0s, s1s, sizes);
}

static void late(void *arg) {
  (void)arg;
  destructor_ran = 1;
  /* the same list as the thread passed: the copy it was compared with is gone */
  CHECK(step() == OB_OK, "the same list, from a later key's destructor");
  CHECK(step() == OB_OK, "and again (remembered anew, freed with the thread)");
}

static void *worker(void *arg) {
  (void)arg;
  CHECK(step() == OB_OK, "the first step: makes the library's key");
  CHECK(pthread_key_create(&ours, late) == 0, "our key, after the library's");
  CHECK(pthread_setspecific(ours, &ours) == 0, "a value, so that our destructor runs");
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < N; j++) {
      p[i][j] = (float)(j + 1) / N; /* any values: the reference is ob_step's own */
      g[i][j] = (float)(N - j) / N;
    }
  memcpy(ref, p, sizeof p);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, worker, NULL) == 0, "thread");
  CHECK(pthread_join(t, NULL) == 0, "join");
  CHECK(destructor_ran, "our destructor ran");
  /* the reference: three ob_step calls per tensor, from fresh state */
  const ob_hparams hp = ob_defaults(OB_ADAM);
  static float r0[2][N], r1[2][N];
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 2; i++)
      CHECK(ob_step(ob_variant_find("scalar"), OB_ADAM, &hp, 1, ref[i], g[i], r0[i], r1[i], N) ==
                OB_OK,
            "reference step");
  CHECK(memcmp(ref, p, sizeof p) == 0, "three list steps give three ob_step's bits");
  return ob_test_done("test_list_thread_exit");
}
