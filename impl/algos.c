/* What the library knows about each rule: its row of the one list,
 * expanded into ob_algo_rows, and the queries the core itself needs. The
 * public view of the other columns is algo_view.c. */
#include <string.h>

#include "internal.h"

/* The index of each field, by field name: what OB_STATE_IF names. */
enum {
#define OB_HPARAM(ID, field, ...) field_index_##field = OB_HPARAM_##ID,
#include "optbench_hparams.def"
#undef OB_HPARAM
};
#define OB_HPARAM_INDEX(field) field_index_##field

/* The bit of each field, by field name: what an OB_USES column names. */
enum {
#define OB_HPARAM(ID, field, ...) field_bit_##field = OB_HP_##ID,
#include "optbench_hparams.def"
#undef OB_HPARAM
};
enum { scope_RULE = 0, scope_EVERY = 1 };
/* the fields every rule reads (the weight decays) */
#define OB_HPARAM(ID, field, domain, scope, doc) | (scope_##scope ? OB_HP_##ID : 0)
static const unsigned every_rule_bits = 0u
#include "optbench_hparams.def"
    ;
#undef OB_HPARAM

enum { domain_SIGNED = 0, domain_NONNEG = 1 };

/* Each column turned into the initializer of its fields. A row's states
 * come as {name, nonneg} pairs closed by {NULL}; the count is how many. */
#define OB_STATE(name, domain)             {#name, domain_##domain, -1, -1},
#define OB_STATE_IF(name, domain, field)   {#name, domain_##domain, OB_HPARAM_INDEX(field), -1},
#define OB_STATE_INIT(name, domain, field) {#name, domain_##domain, -1, OB_HPARAM_INDEX(field)},
#define STATES(...)                                                                                \
  {                                                                                                \
    __VA_ARGS__ { NULL, 0, -1, -1 }                                                                \
  }
#define STATE_COUNT(...)                                                                           \
  (int)(sizeof((ob_state_col[]){__VA_ARGS__{NULL, 0, -1, -1}}) / sizeof(ob_state_col) - 1)
#define OB_USES(field, value) .field = value,
#define OB_USES_T
#define OB_COST(sqrt, div)   sqrt, div
#define OB_BOUND(exact, fma) exact, fma
#define OB_BOOK(traj, tsrc, mnist, msrc)                                                           \
  {traj, mnist}, { tsrc, msrc }
#define OB_TORCH(ctor, note) ctor, note
#define BOOK                 "book"
#define TORCH                "torch"
const ob_algo_row ob_algo_rows[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, nm, title, states, hparams, cost, bound, omp, book, torch, numpy, conv)        \
  [OB_##ID] = {#nm,                                                                                \
               title,                                                                              \
               STATE_COUNT(states),                                                                \
               STATES(states),                                                                     \
               {(uint32_t)sizeof(ob_hparams), hparams},                                            \
               cost,                                                                               \
               bound,                                                                              \
               omp,                                                                                \
               book,                                                                               \
               torch,                                                                              \
               numpy,                                                                              \
               conv},
#include "optbench_algos.def"
#undef OB_ALGO
};
#undef BOOK
#undef TORCH
#define OB_ALGO(ID, nm, title, states, ...)                                                        \
  _Static_assert(STATE_COUNT(states) <= OB_MAX_STATES, #nm ": more states than OB_MAX_STATES");
#include "optbench_algos.def"
#undef OB_ALGO
#undef OB_USES
#undef OB_USES_T

/* The same rows, seen for the bits of what each reads. */
#define OB_USES(field, value) | field_bit_##field
#define OB_USES_T             | OB_HP_STEP
static const unsigned uses[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, nm, title, states, hparams, ...) [OB_##ID] = 0u hparams,
#include "optbench_algos.def"
#undef OB_ALGO
};

int ob_algo_valid(ob_algo a) { return (unsigned)a < OB_ALGO_COUNT; }

const char *ob_algo_name(ob_algo a) { return ob_algo_valid(a) ? ob_algo_rows[a].name : NULL; }

int ob_algo_from_name(const char *name) {
  if (name)
    for (int a = 0; a < OB_ALGO_COUNT; a++)
      if (strcmp(ob_algo_rows[a].name, name) == 0)
        return a;
  return -1;
}

int ob_state_count(ob_algo a) { return ob_algo_valid(a) ? ob_algo_rows[a].states : -1; }

unsigned ob_hparams_used(ob_algo a) { return ob_algo_valid(a) ? uses[a] | every_rule_bits : 0; }

size_t ob_omp_builtin_threshold(ob_algo a) {
  return ob_algo_valid(a) ? (size_t)1 << ob_algo_rows[a].omp_log2 : 0;
}

double ob_error_bound(ob_algo a, const ob_variant *v) {
  if (!v)
    v = ob_variant_default();
  if (!ob_algo_valid(a) || !ob_variant_valid(v))
    return -1.0;
  return v->fma ? ob_algo_rows[a].bound_fma : ob_algo_rows[a].bound_exact;
}

double ob_step_error_bound(ob_algo a, const ob_hparams *hp, const ob_variant *v) {
  const double b = ob_error_bound(a, v);
  ob_hparams h;
  if (b < 0 || ob_hparams_load(hp, &h) != OB_OK)
    return -1.0;
  return b + (h.weight_decay != 0.0f) + (h.decoupled_decay != 0.0f);
}

int ob_state_used_by(ob_algo a, const ob_hparams *hp, int i) {
  const int field = ob_algo_rows[a].state[i].condition;
  return field < 0 || ob_hparam_value(hp, field) != 0.0f;
}
