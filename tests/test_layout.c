/* Where the arrays are and how long they are must not matter:
 *   - every tail length 0..70 and some longer ones, every offset 0..15 floats
 *     from a 64-byte boundary (alike for all arrays, and different for each):
 *     the bits equal those of an aligned run of the same variant, and the
 *     canaries before and after every array are intact (nothing written
 *     outside [0, n));
 *   - arrays that end at the last byte of a page followed by an inaccessible
 *     page, or start at the first byte of a page preceded by one: nothing is
 *     read outside [0, n) either (a read there faults);
 *   - every variant agrees with scalar within a tolerance about rounding
 *     only (the exact check against golden vectors is tests/test_golden). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define SEED    0x1a9007u /* any fixed value: the data */
#define MAXN    4099      /* the largest length; odd, one past a multiple of 64 floats */
#define OFFSETS 16        /* offsets 0..15 floats: every position within a 64-byte line */
#define CANARY                                                                                     \
  32 /* floats (128 bytes, two lines) of sentinel on each side: more                               \
        than one AVX-512 vector, so a whole-vector overrun shows */
#define SENTINEL                                                                                   \
  0x7fa5a5a5u            /* a signalling-NaN pattern no kernel produces (results are               \
                            quieted NaNs) */
#define SPECIAL_EVERY 32 /* about 3% NaN, Inf, zeros and subnormals among the data */
#define THRESHOLD     16 /* +omp variants split arrays of these lengths over threads */
#define THREADS       3  /* an odd count: ragged chunks, boundaries inside the tails */
#define ADAM_T        3  /* any step > 1: bias correction is neither 1 nor extreme */

/* Tolerance against scalar: |got - scalar| <= rel_tol(a) * S, S the largest
 * magnitude among the element's inputs (p, g, state) and scalar's outputs.
 * Every variant is within b scale-ULPs of the exact result, b the rule's
 * largest bound (its OB_BOUND, ob_error_bound), a scale-ULP being at most
 * 2^-23 ~ 1.2e-7 of the scale; two variants are then within 2b such units.
 * For this data (lr <= 1, |g| >= 1e-3 or 0, state >= 0) S is at least the
 * DESIGN.md scale up to a factor of about 2; a margin of 5 on top gives
 * 2b * 1.2e-7 * 2 * 5 ~ 2.4e-6 * b (1e-5 for a bound of 4), while a formula
 * slip (a missing term, a wrong coefficient, the wrong t) moves results by
 * 1e-3 of S or more. Non-finite results must match as a class. */
static double rel_tol(ob_algo a) {
  double b = 0.0;
  for (size_t i = 0; i < ob_variant_count(); i++)
    b = fmax(b, ob_error_bound(a, ob_variant_at(i)));
  return 2.4e-6 * b;
}

/* ---- Buffers with canaries --------------------------------------------- */

/* One array's room: CANARY | up to OFFSETS-1 floats | n | CANARY, 64-byte aligned. */
#define ROOM (CANARY + OFFSETS + MAXN + CANARY)

static float *room_alloc(void) {
  float *r = aligned_alloc(64, (ROOM * sizeof(float) + 63) / 64 * 64);
  if (!r) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  memset(r, 0, ROOM * sizeof(float)); /* unused state arrays are copied too */
  return r;
}

/* The part of a room an array of n floats uses: both canaries, every offset. */
static size_t room_span(size_t n) { return CANARY + OFFSETS + n + CANARY; }

/* Fills the room's span with the sentinel and puts x[0..n) at offset `off`. */
static float *room_place(float *room, size_t off, const float *x, size_t n) {
  const float s = tu_f32(SENTINEL);
  for (size_t i = 0; i < room_span(n); i++)
    room[i] = s;
  float *a = room + CANARY + off;
  memcpy(a, x, n * sizeof(float));
  return a;
}

/* Index (in the room) of the first non-sentinel float of the span outside
 * [a, a+n), or ROOM if there is none. */
static size_t room_damage(const float *room, const float *a, size_t n) {
  const size_t lo = (size_t)(a - room), hi = lo + n;
  for (size_t i = 0; i < room_span(n); i++)
    if ((i < lo || i >= hi) && tu_u32(room[i]) != SENTINEL)
      return i;
  return ROOM;
}

/* ---- Guard pages -------------------------------------------------------- */

static size_t page;
static char current[256]; /* the case running, for the fault handler */

static void on_fault(int sig) {
  static const char msg[] = "test_layout: memory fault outside the arrays in case: ";
  (void)sig;
  ssize_t w = write(2, msg, sizeof msg - 1);
  w = write(2, current, strnlen(current, sizeof current));
  w = write(2, "\n", 1);
  (void)w;
  _exit(1);
}

/* inaccessible page | data pages | inaccessible page */
typedef struct {
  char *base;
  size_t data_bytes;
  float *first, *last_end; /* first float of the data; one past its last */
} guarded;

static void guarded_alloc(guarded *g) {
  g->data_bytes = (MAXN * sizeof(float) + page - 1) / page * page;
  g->base = mmap(NULL, g->data_bytes + 2 * page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g->base == MAP_FAILED || mprotect(g->base, page, PROT_NONE) != 0 ||
      mprotect(g->base + page + g->data_bytes, page, PROT_NONE) != 0) {
    perror("mmap");
    exit(2);
  }
  g->first = (float *)(g->base + page);
  g->last_end = (float *)(g->base + page + g->data_bytes);
}

/* ---- The checks ---------------------------------------------------------- */

#define ARRAYS (2 + OB_MAX_STATES)

typedef struct {
  float *x[ARRAYS]; /* p, g, s0, s1, s2 */
} set4;

static const char *const names[ARRAYS] = {"p", "g", "s0", "s1", "s2"};

/* The hyperparameters of a case: the rule's defaults, or (on) every option
 * on, so that every state array is read and written. */
static ob_hparams case_hp(ob_algo a, int on) { return on ? tu_options_on(a) : ob_defaults(a); }

static ob_status step(const ob_variant *v, ob_algo a, int on, float *const x[ARRAYS], size_t n) {
  const ob_hparams hp = case_hp(a, on);
  const int st = ob_state_count(a);
  float *const s[OB_MAX_STATES] = {st > 0 ? x[2] : NULL, st > 1 ? x[3] : NULL,
                                   st > 2 ? x[4] : NULL};
  return ob_step_states(v, a, &hp, ADAM_T, x[0], x[1], s, n);
}

/* got == want bitwise for every array (NaNs as a class where the
 * variant does not promise exact payloads); reports the first difference */
static void check_bits(const ob_variant *v, float *const got[ARRAYS], const set4 *want, size_t n,
                       const char *what) {
  for (int k = 0; k < ARRAYS; k++) {
    const size_t i = ob_variant_exact_nans(v) ? tu_diff_bits(got[k], want->x[k], n)
                                              : tu_diff_class(got[k], want->x[k], n);
    CHECK(i == n, "%s: %s[%zu] = %a (0x%08x), aligned run gave %a (0x%08x)", what, names[k], i,
          i < n ? (double)got[k][i] : 0.0, i < n ? tu_u32(got[k][i]) : 0,
          i < n ? (double)want->x[k][i] : 0.0, i < n ? tu_u32(want->x[k][i]) : 0);
  }
}

static double mag(float x) { return isfinite(x) ? fabs((double)x) : 0.0; }

/* got within rounding (rel, see rel_tol) of scalar's ref, element by element */
static void check_close(const set4 *got, const set4 *ref, const set4 *in, int states, double rel,
                        size_t n, const char *what) {
  const int outs[1 + OB_MAX_STATES] = {0, 2, 3, 4}; /* p and the states (g is an input only) */
  for (size_t i = 0; i < n; i++) {
    double s = 0;
    for (int k = 0; k < ARRAYS; k++)
      if (k < 2 + states)
        s = fmax(s, fmax(mag(in->x[k][i]), mag(ref->x[k][i])));
    for (int j = 0; j < 1 + states; j++) {
      const int k = outs[j];
      const float a = got->x[k][i], b = ref->x[k][i];
      int ok;
      if (isnan(a) || isnan(b))
        ok = isnan(a) && isnan(b);
      else if (isinf(a) || isinf(b))
        ok = a == b;
      else
        ok = fabs((double)a - (double)b) <= rel * s;
      if (!ok) {
        CHECK(0, "%s: %s[%zu] = %a, scalar %a, allowed %g (inputs p %a g %a s0 %a s1 %a s2 %a)",
              what, names[k], i, (double)a, (double)b, rel * s, (double)in->x[0][i],
              (double)in->x[1][i], (double)in->x[2][i], (double)in->x[3][i], (double)in->x[4][i]);
        return; /* one report per case is enough */
      }
    }
  }
}

/* Within one call, equal inputs give equal bits wherever the element falls:
 * in a full vector, in the tail, in any thread's chunk. Every array is one
 * value repeated, over every combination of these values (NaNs with
 * different payloads meeting in one operation is where a kernel compiled
 * twice - main loop and tail - can disagree: x86 keeps the payload of the
 * first operand, and the compiler may order a commutative operation's
 * operands differently in each copy). */
static void check_uniform(void) {
  static const uint32_t values[] = {
      0x7fc00000u, /* quiet NaN */
      0xffc00000u, /* negative quiet NaN */
      0x7fc12345u, /* quiet NaN with a payload */
      0x7fa00001u, /* signalling NaN */
      0x7f800000u, /* +Inf */
      0x3f400000u, /* 0.75: an ordinary value */
  };
  enum { V = sizeof values / sizeof values[0] };
  enum { NU = 53 }; /* 13*4+1 = 6*8+5 = 3*16+5: full vectors and a tail of every width */
  float x[ARRAYS][NU];
  for (size_t vi = 0; vi < ob_variant_count(); vi++) {
    const ob_variant *v = ob_variant_at(vi);
    if (!ob_variant_supported(v))
      continue;
    for (int a = 0; a < OB_ALGO_COUNT; a++)
      for (int on = 0; on <= tu_has_options((ob_algo)a); on++) {
        const int used = 2 + ob_state_count((ob_algo)a);
        int combos = 1;
        for (int k = 0; k < used; k++)
          combos *= V;
        int reported = 0;
        for (int c = 0; c < combos; c++) {
          uint32_t in[ARRAYS] = {0};
          for (int k = 0, cc = c; k < used; k++, cc /= V)
            in[k] = values[cc % V];
          for (int k = 0; k < ARRAYS; k++)
            for (size_t i = 0; i < NU; i++)
              x[k][i] = tu_f32(in[k]);
          float *xs[ARRAYS] = {x[0], x[1], x[2], x[3], x[4]};
          CHECK(step(v, (ob_algo)a, on, xs, NU) == OB_OK, "%s", ob_variant_name(v));
          for (int k = 0; k < used && !reported; k++)
            for (size_t i = 1; i < NU; i++)
              if (ob_variant_exact_nans(v) ? tu_u32(x[k][i]) != tu_u32(x[k][0])
                                           : tu_diff_class(&x[k][i], &x[k][0], 1) != 1) {
                CHECK(
                    0,
                    "%s, %s%s, inputs p 0x%08x g 0x%08x s0 0x%08x s1 0x%08x s2 0x%08x: %s[%zu] = "
                    "0x%08x, %s[0] = 0x%08x (first difference; further combinations not reported)",
                    ob_variant_name(v), ob_algo_name((ob_algo)a), on ? " (options on)" : "", in[0],
                    in[1], in[2], in[3], in[4], names[k], i, tu_u32(x[k][i]), names[k],
                    tu_u32(x[k][0]));
                reported = 1;
                break;
              }
        }
      }
  }
}

int main(void) {
  const uint64_t seed = tu_seed("test_layout", SEED);
  page = (size_t)sysconf(_SC_PAGESIZE);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  ob_set_omp_threshold(THRESHOLD);
  omp_set_num_threads(THREADS);

  size_t sizes[80];
  size_t nsizes = 0;
  for (size_t n = 0; n <= 70; n++) /* every tail of 4-, 8- and 16-float vectors, and 64+6 */
    sizes[nsizes++] = n;
  const size_t larger[] = {127, 128, 129, 1000, MAXN}; /* DESIGN.md's golden lengths */
  for (size_t i = 0; i < sizeof larger / sizeof larger[0]; i++)
    sizes[nsizes++] = larger[i];

  set4 in, ref, res0;
  float *room[ARRAYS];
  guarded guard[ARRAYS];
  for (int k = 0; k < ARRAYS; k++) {
    in.x[k] = room_alloc(), ref.x[k] = room_alloc(), res0.x[k] = room_alloc();
    room[k] = room_alloc();
    guarded_alloc(&guard[k]);
  }
  const ob_variant *scalar = ob_variant_find("scalar");
  CHECK(scalar && ob_variant_supported(scalar), "no scalar variant");
  if (!scalar)
    return ob_test_done("test_layout");

  check_uniform();

  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (int on = 0; on <= tu_has_options((ob_algo)a); on++) {
      const int states = ob_state_count((ob_algo)a);
      const char *opt = on ? " (options on)" : "";
      for (size_t si = 0; si < nsizes; si++) {
        const size_t n = sizes[si];
        tu_rng rng = tu_rng_for(seed, (uint64_t)a, n, (uint64_t)on);
        tu_fill_states(&rng, (ob_algo)a, in.x[0], in.x[1], in.x + 2, n, SPECIAL_EVERY, 0);
        for (int k = 0; k < ARRAYS; k++)
          memcpy(ref.x[k], in.x[k], n * sizeof(float));
        CHECK(step(scalar, (ob_algo)a, on, ref.x, n) == OB_OK, "scalar");

        for (size_t vi = 0; vi < ob_variant_count(); vi++) {
          const ob_variant *v = ob_variant_at(vi);
          if (!ob_variant_supported(v))
            continue;
          char what[200];
          /* aligned: the run every other placement must reproduce */
          for (int k = 0; k < ARRAYS; k++)
            memcpy(res0.x[k], in.x[k], n * sizeof(float));
          CHECK(step(v, (ob_algo)a, on, res0.x, n) == OB_OK, "%s", ob_variant_name(v));
          snprintf(what, sizeof what, "%s, %s%s, n=%zu", ob_variant_name(v),
                   ob_algo_name((ob_algo)a), opt, n);
          /* with the options on, random states put centered RMSprop's
           * square_avg - grad_avg^2 anywhere, cancellation included (outside its
           * domain, golden/FORMAT.md): the golden suite judges accuracy there */
          if (!on)
            check_close(&res0, &ref, &in, states, rel_tol((ob_algo)a), n, what);

          /* pass 0: all arrays at offset k; pass 1: each at its own offset (rotations
           * by 5, 10, 15, 4: no two arrays alike, all 16 positions for each) */
          for (int pass = 0; pass < 2; pass++)
            for (size_t k = 0; k < OFFSETS; k++) {
              size_t off[ARRAYS];
              float *x[ARRAYS];
              for (int j = 0; j < ARRAYS; j++) {
                off[j] = pass ? (k + 5 * (size_t)j) % OFFSETS : k;
                x[j] = room_place(room[j], off[j], in.x[j], n);
              }
              snprintf(what, sizeof what, "%s, %s%s, n=%zu, offsets %zu/%zu/%zu/%zu/%zu",
                       ob_variant_name(v), ob_algo_name((ob_algo)a), opt, n, off[0], off[1], off[2],
                       off[3], off[4]);
              CHECK(step(v, (ob_algo)a, on, x, n) == OB_OK, "%s", what);
              for (int j = 0; j < ARRAYS; j++) {
                const size_t d = room_damage(room[j], x[j], n);
                CHECK(d == ROOM, "%s: %s: float %td from the array's start overwritten (0x%08x)",
                      what, names[j], (ptrdiff_t)d - (ptrdiff_t)(x[j] - room[j]),
                      d < ROOM ? tu_u32(room[j][d]) : 0);
              }
              check_bits(v, x, &res0, n, what);
            }

          /* against guard pages: ending at a page's end, starting at a page's start */
          for (int at_end = 0; at_end < 2; at_end++) {
            float *x[ARRAYS];
            for (int j = 0; j < ARRAYS; j++) {
              x[j] = at_end ? guard[j].last_end - n : guard[j].first;
              memcpy(x[j], in.x[j], n * sizeof(float));
            }
            snprintf(current, sizeof current, "%s, %s%s, n=%zu, arrays %s a guard page",
                     ob_variant_name(v), ob_algo_name((ob_algo)a), opt, n,
                     at_end ? "ending at" : "starting after");
            CHECK(step(v, (ob_algo)a, on, x, n) == OB_OK, "%s", current);
            check_bits(v, x, &res0, n, current);
          }
        }
      }
    }
  for (int k = 0; k < ARRAYS; k++) {
    free(in.x[k]), free(ref.x[k]), free(res0.x[k]), free(room[k]);
    munmap(guard[k].base, guard[k].data_bytes + 2 * page);
  }
  return ob_test_done("test_layout");
}
