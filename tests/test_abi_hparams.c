/* An old caller against a new library, and a new caller against an old one
 * (optbench.h, "Hyperparameters and the ABI"). This program is built twice:
 * test_abi_hparams against the library, test_abi_hparams_next against a
 * library with one hyperparameter more (OB_HPARAMS_NEXT_VERSION, a build of
 * the core only tests/api.cmake makes). It knows which by ob_hparam_count().
 *
 * The structs below are frozen copies, not the header's: v1 is the first
 * version's layout (0.1, 0.2), v3 this version's (0.3: torch.optim's options
 * appended), next is v3 plus one float (the next version's struct, or a
 * caller newer than this library), later is two floats more. Each is
 * allocated at exactly its size, so under `make sanitize` a read past it is
 * an error. Expected results come from a call with the header's struct and
 * from SGD computed by hand. */
#define _POSIX_C_SOURCE 200809L /* test_util.h: mkdtemp */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

typedef struct {
  uint32_t size;
  float lr, momentum, decay_rate, beta1, beta2, eps, weight_decay, decoupled_decay;
} hp_v1;
typedef struct {
  hp_v1 v1;
  float dampening, nesterov, maximize, amsgrad, lr_decay, initial_accumulator_value, centered;
} hp_v3;
typedef struct {
  hp_v3 v3;
  float next;
} hp_next;
typedef struct {
  hp_next next;
  float later[2];
} hp_later;
_Static_assert(sizeof(hp_v1) == OB_HPARAMS_SIZE_V1, "v1 is the first version's layout");
/* A version that appends a field adds its frozen struct here, and next grows from it. */
_Static_assert(sizeof(hp_v3) == sizeof(ob_hparams), "v3 is this header's layout");

#define N 37 /* a tail in every vector width */

/* A struct of `size` bytes on the heap, exactly: its first bytes from src
 * (zero-padded), size set. */
static void *heap_struct(const void *src, size_t src_bytes, size_t size) {
  unsigned char *p = malloc(size);
  CHECK(p != NULL, "malloc(%zu)", size);
  if (!p)
    exit(1);
  memset(p, 0, size);
  memcpy(p, src, src_bytes < size ? src_bytes : size);
  const uint32_t s = (uint32_t)size;
  memcpy(p, &s, sizeof s);
  return p;
}

typedef struct {
  float p[N], g[N], s[OB_MAX_STATES][N];
} arrays;

static void fill(arrays *x, ob_algo a) {
  memset(x, 0, sizeof *x);
  tu_rng r = tu_rng_for(0xab1u, (uint64_t)a, 0, 0);
  tu_fill(&r, x->p, N, TU_PARAM, 0, 0);
  tu_fill(&r, x->g, N, TU_GRAD, 0, 0); /* states 0: an optimizer's first update */
}

/* ob_step, ob_step_list and an optimizer's first update, each from the same
 * arrays; every status must be `want` and, if OK, all three the same bits
 * (returned in *out). */
static void run3(const char *what, ob_algo a, const void *hp, ob_status want, arrays *out) {
  arrays x, y, z;
  fill(&x, a);
  y = x;
  z = x;
  const int st = ob_state_count(a);
  float *const xs[OB_MAX_STATES] = {x.s[0], x.s[1], x.s[2]};
  ob_status s = ob_step_states(NULL, a, hp, 1, x.p, x.g, xs, N);
  CHECK(s == want, "%s/%s: ob_step_states %s, want %s", what, ob_algo_name(a), ob_strerror(s),
        ob_strerror(want));
  float *p[1] = {y.p}, *s0[1] = {y.s[0]}, *s1[1] = {y.s[1]}, *s2[1] = {y.s[2]};
  float *const *const ys[OB_MAX_STATES] = {s0, s1, s2};
  const float *g[1] = {y.g};
  const size_t n[1] = {N};
  s = ob_step_list_states(NULL, a, hp, 1, 1, p, g, ys, n);
  CHECK(s == want, "%s/%s: ob_step_list %s", what, ob_algo_name(a), ob_strerror(s));
  ob_status made;
  ob_optimizer *o = ob_optimizer_new(a, hp, NULL, &made);
  CHECK(made == want && (o != NULL) == (want == OB_OK), "%s/%s: ob_optimizer_new %s", what,
        ob_algo_name(a), ob_strerror(made));
  if (o) {
    float *pz[1] = {z.p};
    const float *gz[1] = {z.g};
    CHECK(ob_optimizer_set_hparams(o, hp) == OB_OK, "%s: set_hparams", what);
    CHECK(ob_optimizer_update(o, 1, pz, gz, n) == OB_OK, "%s: update", what);
    for (int k = 0; k < st; k++)
      memcpy(z.s[k], ob_optimizer_state(o, 0, k), sizeof z.s[k]);
    ob_optimizer_free(o);
  }
  arrays fresh;
  fill(&fresh, a);
  if (want != OB_OK) {
    CHECK(memcmp(&x, &fresh, sizeof x) == 0 && memcmp(&y, &fresh, sizeof y) == 0,
          "%s/%s: a refused call changed the arrays", what, ob_algo_name(a));
    return;
  }
  CHECK(memcmp(&x, &y, sizeof x) == 0 && memcmp(&x, &z, sizeof x) == 0,
        "%s/%s: ob_step, ob_step_list and the optimizer disagree", what, ob_algo_name(a));
  *out = x;
}

/* SGD with both decays on exact values (DESIGN.md, "Weight decay"): p = 1,
 * g = 0.25, lr = 0.5, decoupled_decay = 0.5 gives p' = p - 0.25*p = 0.75;
 * weight_decay = 0.5 gives g' = g + 0.5*p = 0.75 (the input p); then
 * p' - lr*g' = 0.375. Only if the library reads v1's last field. */
static void check_sgd_by_hand(void) {
  hp_v1 v = {0};
  v.lr = 0.5f;
  v.weight_decay = 0.5f;
  v.decoupled_decay = 0.5f;
  hp_v1 *h = heap_struct(&v, sizeof v, sizeof v);
  float p[N], g[N];
  for (int i = 0; i < N; i++)
    p[i] = 1.0f, g[i] = 0.25f;
  const ob_status s = ob_step(NULL, OB_SGD, (const ob_hparams *)h, 1, p, g, NULL, NULL, N);
  CHECK(s == OB_OK, "v1 SGD: %s", ob_strerror(s));
  for (int i = 0; i < N; i++)
    CHECK(p[i] == 0.375f, "v1 SGD p[%d] = %a, by hand 0.375", i, (double)p[i]);
  free(h);
}

int main(void) {
  const int extra = ob_hparam_count() - OB_HPARAM_COUNT; /* the library's fields past ours */
  CHECK(extra == 0 || extra == 1, "library has %d fields more", extra);
  printf("test_abi_hparams: this caller knows %d hyperparameters, the library %d\n",
         OB_HPARAM_COUNT, ob_hparam_count());
  check_sgd_by_hand();
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_algo al = (ob_algo)a;
    /* the reference: the header's struct, on the stack */
    ob_hparams full = ob_defaults(al);
    full.weight_decay = 0.01f;
    full.decoupled_decay = 0.02f; /* v1's last field: read, or results differ */
    arrays ref, got;
    run3("header struct", al, &full, OB_OK, &ref);

    hp_v1 *v1 = heap_struct(&full, sizeof full, sizeof(hp_v1));
    run3("v1", al, v1, OB_OK, &got);
    CHECK(memcmp(&got, &ref, sizeof got) == 0, "%s: v1 differs", ob_algo_name(al));

    /* the defaults written into a v1 struct: exactly its bytes, size kept */
    memset((char *)v1 + sizeof v1->size, 0xff, sizeof *v1 - sizeof v1->size);
    CHECK(ob_hparams_defaults(al, (ob_hparams *)v1) == OB_OK && v1->size == sizeof *v1,
          "%s: defaults into v1", ob_algo_name(al));
    const ob_hparams d = ob_defaults(al);
    CHECK(memcmp((char *)v1 + sizeof v1->size, (const char *)&d + sizeof d.size,
                 sizeof *v1 - sizeof v1->size) == 0,
          "%s: v1 defaults differ", ob_algo_name(al));

    /* this version's struct, frozen: the header's bytes */
    hp_v3 *v3 = heap_struct(&full, sizeof full, sizeof(hp_v3));
    run3("v3", al, v3, OB_OK, &got);
    CHECK(memcmp(&got, &ref, sizeof got) == 0, "%s: v3 differs", ob_algo_name(al));
    free(v3);

    /* one float more: the next version's struct, or (against this library)
     * a caller newer than it. 0 in it is "off" either way. */
    hp_next nx;
    memset(&nx, 0, sizeof nx);
    memcpy(&nx.v3, &full, sizeof nx.v3);
    hp_next *n1 = heap_struct(&nx, sizeof nx, sizeof nx);
    run3("next = 0", al, n1, OB_OK, &got);
    CHECK(memcmp(&got, &ref, sizeof got) == 0, "%s: next = 0 differs", ob_algo_name(al));
    /* nonzero: a field this library knows (and checks; no rule reads it)
     * or one it cannot honour */
    n1->next = 1.0f;
    run3("next = 1", al, n1, extra ? OB_OK : OB_EHPARAM, &got);
    if (extra)
      CHECK(memcmp(&got, &ref, sizeof got) == 0, "%s: next = 1 differs", ob_algo_name(al));
    n1->next = -1.0f; /* outside NONNEG */
    run3("next = -1", al, n1, OB_EHPARAM, &got);
    n1->next = 0.0f;

    /* two floats more than even the next version: any nonzero byte refused */
    hp_later lt;
    memset(&lt, 0, sizeof lt);
    memcpy(&lt.next, n1, sizeof lt.next);
    hp_later *l1 = heap_struct(&lt, sizeof lt, sizeof lt);
    run3("later = 0", al, l1, OB_OK, &got);
    CHECK(memcmp(&got, &ref, sizeof got) == 0, "%s: later = 0 differs", ob_algo_name(al));
    for (size_t b = sizeof(hp_next); b < sizeof lt; b++) {
      ((unsigned char *)l1)[b] = 1;
      run3("a nonzero byte past every known field", al, l1, OB_EHPARAM, &got);
      ((unsigned char *)l1)[b] = 0;
    }
    /* sizes below the first version's: refused as malformed */
    const uint32_t small[] = {0, 4, OB_HPARAMS_SIZE_V1 - 4, OB_HPARAMS_SIZE_V1 - 1};
    for (size_t k = 0; k < sizeof small / sizeof small[0]; k++) {
      hp_v1 *bad = heap_struct(&full, sizeof full, sizeof(hp_v1));
      bad->size = small[k];
      run3("size below v1", al, bad, OB_EINVAL, &got);
      CHECK(ob_hparams_check(al, (ob_hparams *)bad) == OB_EINVAL, "check size %u", small[k]);
      free(bad);
    }
    /* a size between two fields (v1's plus 2 bytes) would read half a float: refused */
    hp_next *odd = heap_struct(&full, sizeof full, sizeof(hp_next));
    odd->v3.v1.size = OB_HPARAMS_SIZE_V1 + 2;
    run3("size between two fields", al, odd, OB_EINVAL, &got);
    CHECK(ob_hparams_check(al, (ob_hparams *)odd) == OB_EINVAL, "check size %u", odd->v3.v1.size);
    free(odd);
    free(v1);
    free(n1);
    free(l1);
  }

  /* named access to a field past the caller's struct: reads 0, sets only 0 */
  hp_v1 *v1 = heap_struct(&(hp_v1){0}, sizeof(hp_v1), sizeof(hp_v1));
  double x = -1;
  /* this version's fields past a v1 struct: 0 (the option off), settable only to 0 */
  CHECK(ob_hparams_get((ob_hparams *)v1, "amsgrad", &x) == OB_OK && x == 0, "amsgrad past v1");
  CHECK(ob_hparams_set((ob_hparams *)v1, "nesterov", 0) == OB_OK &&
            ob_hparams_set((ob_hparams *)v1, "nesterov", 1) == OB_EHPARAM,
        "set nesterov past v1");
  if (extra) {
    CHECK(ob_hparam_find("next") == OB_HPARAM_COUNT, "the library's new field");
    CHECK(ob_hparams_get((ob_hparams *)v1, "next", &x) == OB_OK && x == 0, "get past v1: %g", x);
    CHECK(ob_hparams_set((ob_hparams *)v1, "next", 0) == OB_OK, "set 0 past v1");
    CHECK(ob_hparams_set((ob_hparams *)v1, "next", 1) == OB_EHPARAM, "set 1 past v1");
    /* a caller's next-version struct: set and get reach the new field */
    hp_next zero;
    memset(&zero, 0, sizeof zero);
    hp_next *n1 = heap_struct(&zero, sizeof zero, sizeof zero);
    CHECK(ob_hparams_set((ob_hparams *)n1, "next", 3) == OB_OK && n1->next == 3.0f, "set next");
    CHECK(ob_hparams_defaults(OB_ADAM, (ob_hparams *)n1) == OB_OK && n1->next == 0.0f &&
              n1->v3.v1.lr == 0.001f,
          "defaults into next");
    free(n1);
  } else {
    CHECK(ob_hparam_find("next") == -1, "no field 'next' in this library");
  }
  /* defaults into a struct longer than the library's: the bytes past it zeroed */
  hp_later *l1 = heap_struct(v1, sizeof *v1, sizeof(hp_later));
  memset((char *)l1 + sizeof(uint32_t), 0x7f, sizeof *l1 - sizeof(uint32_t));
  CHECK(ob_hparams_defaults(OB_SGD, (ob_hparams *)l1) == OB_OK && l1->next.v3.v1.lr == 0.01f &&
            l1->next.next == 0 && l1->later[0] == 0 && l1->later[1] == 0,
        "defaults into a longer struct");
  free(l1);
  free(v1);
  return ob_test_done(extra ? "test_abi_hparams_next" : "test_abi_hparams");
}
