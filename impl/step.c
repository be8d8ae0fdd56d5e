/* ob_step: check every argument, derive the coefficients, run the kernel. */
#include <stdint.h>

#include "internal.h"

int ob_ranges_overlap(const void *a, size_t abytes, const void *b, size_t bbytes) {
  const uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
  return abytes && bbytes && x < y + bbytes && y < x + abytes;
}

int ob_fits(const void *p, size_t n, size_t size) {
  return n <= PTRDIFF_MAX / size && (uintptr_t)p <= UINTPTR_MAX - n * size;
}

ob_status ob_check_buffers(size_t count, const void *const ptr[], const size_t bytes[],
                           const size_t align[]) {
  for (size_t i = 0; i < count; i++)
    if (bytes[i] && (!ptr[i] || !ob_aligned(ptr[i], align[i]) || !ob_fits(ptr[i], bytes[i], 1)))
      return OB_EINVAL;
  for (size_t i = 0; i < count; i++)
    for (size_t j = i + 1; j < count; j++)
      if (ob_ranges_overlap(ptr[i], bytes[i], ptr[j], bytes[j]))
        return OB_EOVERLAP;
  return OB_OK;
}

ob_status ob_check_arrays(const float *p, const float *g, float *const s[OB_MAX_STATES],
                          unsigned need, size_t n) {
  if (n == 0)
    return OB_OK;
  const float *arr[2 + OB_MAX_STATES] = {p, g};
  int used = 2;
  for (int k = 0; k < OB_MAX_STATES; k++)
    if (need >> k & 1u)
      arr[used++] = s[k];
  for (int i = 0; i < used; i++)
    if (!arr[i] || !ob_aligned(arr[i], _Alignof(float)) || !ob_fits(arr[i], n, sizeof(float)))
      return OB_EINVAL;
  const size_t bytes = n * sizeof(float);
  for (int i = 0; i < used; i++)
    for (int j = i + 1; j < used; j++)
      if (ob_ranges_overlap(arr[i], bytes, arr[j], bytes))
        return OB_EOVERLAP;
  return OB_OK;
}

ob_status ob_step_states(const ob_variant *v, ob_algo algo, const ob_hparams *hp, int64_t t,
                         float *p, const float *g, float *const states[], size_t n) {
  ob_coeffs c;
  ob_status st = ob_prepare(&v, algo, hp, t, &c); /* cached per thread: coeffs_cache.c */
  if (st != OB_OK)
    return st;
  const unsigned need = c.states_used;
  if (need && !states) /* n = 0 touches nothing: NULL is fine there, as for the arrays */
    return n ? OB_EINVAL : OB_OK;
  /* unused state pointers are not ours to read, nor to offset */
  float *s[OB_MAX_STATES] = {NULL};
  for (int k = 0; k < OB_MAX_STATES; k++)
    if (need >> k & 1u)
      s[k] = states[k];
  st = ob_check_arrays(p, g, s, need, n);
  if (st != OB_OK || n == 0)
    return st;
  ob_run(v, algo, &c, p, g, s, n);
  return OB_OK;
}

ob_status ob_step(const ob_variant *v, ob_algo algo, const ob_hparams *hp, int64_t t, float *p,
                  const float *g, float *s0, float *s1, size_t n) {
  float *const s[OB_MAX_STATES] = {s0, s1, NULL};
  return ob_step_states(v, algo, hp, t, p, g, s, n);
}
