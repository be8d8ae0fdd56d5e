/* golden_gen - the generator's own PRNG (splitmix64) and float32 builders.
 *
 * Floats are built from their bit fields, never through libm, so the data is
 * the same on every machine and C library.
 */
#ifndef GG_RNG_H
#define GG_RNG_H

#include <stdint.h>
#include <string.h>

_Static_assert(sizeof(float) == 4 && sizeof(uint32_t) == 4, "float must be IEEE binary32");

typedef struct {
  uint64_t s;
} gg_rng;

/* splitmix64 (Steele, Lea, Flood 2014; the constants of Vigna's reference). */
static inline uint64_t gg_rng_next(gg_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform in [0, k) for small k (the bias of the modulo is below 2^-40). */
static inline uint32_t gg_rng_below(gg_rng *r, uint32_t k) {
  return (uint32_t)(gg_rng_next(r) % k);
}

static inline float gg_float_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* sign (0 or 1), biased exponent 0..255, 23-bit significand field. */
static inline float gg_float_make(uint32_t sign, uint32_t biased_exp, uint32_t mant) {
  return gg_float_bits(sign << 31 | biased_exp << 23 | (mant & 0x7fffffu));
}

/* FNV-1a, to derive one seed per case from its name. */
static inline uint64_t gg_fnv1a64(const char *s) {
  uint64_t h = 0xcbf29ce484222325u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3u;
  return h;
}

#endif
