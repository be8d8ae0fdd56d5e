/* Alignment (issue 10, finding 19): every entry point that takes a float
 * array refuses one not aligned to alignof(float) with OB_EINVAL and
 * changes nothing (a float access there is undefined behaviour, and the
 * sanitizer build aborts on it), accepts float arrays at any multiple of 4
 * bytes, and accepts a dropout mask at any byte. Every argument in turn, for
 * every variant this CPU supports. */
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define N     100 /* elements: above no threshold matters here, every kernel path is refused */
#define BATCH 10  /* batch norm: BATCH x FEAT = N elements */
#define FEAT  10
#define SLOT  (N * sizeof(float) + 64) /* bytes per argument: room for an offset of up to 63 */
#define ARGS  8                        /* the most arrays of one call (batch norm) */

static alignas(64) unsigned char arena[ARGS][SLOT], before[ARGS][SLOT];

/* One entry point: its arrays (a[i] in slot i), how many, which is the mask
 * (-1: none), and a call that may use all of them. */
typedef struct {
  const char *name;
  int arrays, mask;
  ob_status (*call)(const ob_variant *, void *const a[]);
} entry;

static const ob_hparams *hp_of(ob_algo a) {
  static ob_hparams hp[OB_ALGO_COUNT];
  hp[a] = ob_defaults(a);
  return &hp[a];
}

#define RULE(ID)                                                                                   \
  static ob_status step_##ID(const ob_variant *v, void *const a[]) {                               \
    return ob_step(v, OB_##ID, hp_of(OB_##ID), 1, a[0], a[1], a[2], a[3], N);                      \
  }
RULE(SGD)
RULE(MOMENTUM)
RULE(ADAM)
#undef RULE

static ob_status optimizer(const ob_variant *v, void *const a[]) {
  ob_status st;
  ob_optimizer *o = ob_optimizer_new(OB_ADAM, hp_of(OB_ADAM), v, &st);
  if (!o)
    return st;
  float *const params[1] = {a[0]};
  const float *const grads[1] = {a[1]};
  const size_t sizes[1] = {N};
  st = ob_optimizer_update(o, 1, params, grads, sizes);
  ob_optimizer_free(o);
  return st;
}

static ob_status uniform(const ob_variant *v, void *const a[]) {
  return ob_rand_uniform(v, 1, 2, a[0], N);
}
static ob_status normal(const ob_variant *v, void *const a[]) {
  return ob_rand_normal(v, 1, 2, 1.0f, a[0], N);
}
static ob_status init(const ob_variant *v, void *const a[]) {
  return ob_init_weights(v, OB_INIT_HE, 0.0f, 10, 1, 2, a[0], N);
}
static ob_status dropout_train(const ob_variant *v, void *const a[]) {
  return ob_dropout_forward_train(v, OB_DROPOUT_BOOK, 0.5f, 1, 2, a[0], a[1], a[2], N);
}
static ob_status dropout_test(const ob_variant *v, void *const a[]) {
  return ob_dropout_forward_test(v, OB_DROPOUT_BOOK, 0.5f, a[0], a[1], N);
}
static ob_status dropout_backward(const ob_variant *v, void *const a[]) {
  return ob_dropout_backward(v, OB_DROPOUT_INVERTED, 0.5f, a[2], a[0], a[1], N);
}
static ob_status bn_train(const ob_variant *v, void *const a[]) {
  return ob_batchnorm_forward_train(v, BATCH, FEAT, a[0], a[1], a[2], OB_BATCHNORM_MOMENTUM,
                                    OB_BATCHNORM_EPS, a[3], a[4], a[5], a[6], a[7]);
}
static ob_status bn_test(const ob_variant *v, void *const a[]) {
  return ob_batchnorm_forward_test(v, BATCH, FEAT, a[0], a[1], a[2], OB_BATCHNORM_EPS, a[3], a[4],
                                   a[5]);
}
static ob_status bn_backward(const ob_variant *v, void *const a[]) {
  return ob_batchnorm_backward(v, BATCH, FEAT, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
}

static const entry entries[] = {
    {"ob_step sgd", 2, -1, step_SGD},
    {"ob_step momentum", 3, -1, step_MOMENTUM},
    {"ob_step adam", 4, -1, step_ADAM},
    {"ob_optimizer_update", 2, -1, optimizer},
    {"ob_rand_uniform", 1, -1, uniform},
    {"ob_rand_normal", 1, -1, normal},
    {"ob_init_weights", 1, -1, init},
    {"ob_dropout_forward_train", 3, 2, dropout_train},
    {"ob_dropout_forward_test", 2, -1, dropout_test},
    {"ob_dropout_backward", 3, 2, dropout_backward},
    {"ob_batchnorm_forward_train", 8, -1, bn_train},
    {"ob_batchnorm_forward_test", 6, -1, bn_test},
    {"ob_batchnorm_backward", 8, -1, bn_backward},
};

/* Every float 1 (valid data for every call: a positive std and variance),
 * every mask byte 0x55. */
static void fill_arena(void) {
  for (size_t s = 0; s < ARGS; s++)
    for (size_t b = 0; b + sizeof(float) <= SLOT; b += sizeof(float)) {
      const float one = 1.0f;
      memcpy(&arena[s][b], &one, sizeof one);
    }
}

/* Calls e with argument `which` moved `shift` bytes from its slot's start
 * (the others at their slot's start), all from a fresh arena. */
static ob_status call_shifted(const ob_variant *v, const entry *e, int which, size_t shift) {
  fill_arena();
  if (e->mask >= 0)
    memset(arena[e->mask], 0x55, SLOT);
  void *a[ARGS] = {NULL};
  for (int i = 0; i < e->arrays; i++)
    a[i] = arena[i] + (i == which ? shift : 0);
  memcpy(before, arena, sizeof arena);
  return e->call(v, a);
}

static void check_entry(const ob_variant *v, const entry *e) {
  const char *vn = tu_vname(v);
  /* every argument at its slot's start: the calls are valid */
  ob_status st = call_shifted(v, e, -1, 0);
  CHECK(st == OB_OK, "%s %s aligned: %s", vn, e->name, ob_strerror(st));
  for (int i = 0; i < e->arrays; i++) {
    /* 1, 2, 3 bytes off: not a multiple of alignof(float) */
    for (size_t shift = 1; shift < 4; shift++) {
      st = call_shifted(v, e, i, shift);
      const ob_status want = i == e->mask ? OB_OK : OB_EINVAL; /* a mask: any byte */
      CHECK(st == want, "%s %s, array %d %zu bytes off: %s, want %s", vn, e->name, i, shift,
            ob_strerror(st), ob_strerror(want));
      if (want != OB_OK)
        CHECK(memcmp(before, arena, sizeof arena) == 0,
              "%s %s, array %d %zu bytes off: memory changed", vn, e->name, i, shift);
    }
    /* 4 and 12 bytes: float-aligned, not vector-aligned, accepted */
    for (size_t shift = 4; shift <= 12; shift += 8) {
      st = call_shifted(v, e, i, shift);
      CHECK(st == OB_OK, "%s %s, array %d %zu bytes off: %s", vn, e->name, i, shift,
            ob_strerror(st));
    }
  }
}

int main(void) {
  CHECK(alignof(float) == 4, "alignof(float) %zu: the shifts above assume 4",
        (size_t)alignof(float));
  check_entry(NULL, &entries[0]); /* the default variant too */
  for (size_t k = 0; k < ob_variant_count(); k++) {
    const ob_variant *v = ob_variant_at(k);
    if (ob_variant_supported(v))
      for (size_t e = 0; e < sizeof entries / sizeof entries[0]; e++)
        check_entry(v, &entries[e]);
  }
  /* no elements, nothing touched: a stray pointer is not refused (as NULL is not) */
  float *odd = (float *)(void *)(arena[0] + 1);
  CHECK(ob_step(NULL, OB_SGD, hp_of(OB_SGD), 1, odd, odd, NULL, NULL, 0) == OB_OK, "n = 0");
  CHECK(ob_rand_uniform(NULL, 1, 2, odd, 0) == OB_OK, "rand n = 0");
  return ob_test_done("test_align");
}
