/* What the library knows about each rule, all expanded from the one list. */
#include <math.h>
#include <string.h>

#include "internal.h"

typedef struct {
  const char *name;
  int states;
  unsigned uses;
  ob_hparams defaults;
  double bound_exact, bound_fma;
  int omp_log2;
} algo_info;

/* The columns of a row, each turned into the initializer it feeds. */
#define OB_STATE(name, domain) +1
#define OB_USES(field, value)  .field = value,
#define OB_USES_T
#define OB_COST(sqrt, div)
#define OB_BOUND(exact, fma) exact, fma
#define OB_BOOK(...)
#define OB_TORCH(...)
static const algo_info algos[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, nm, title, states, hparams, cost, bound, omp, book, torch, numpy)              \
  [OB_##ID] = {#nm, 0 states, uses_##ID, {hparams}, bound, omp},
#define uses_SGD      OB_HP_LR
#define uses_MOMENTUM OB_HP_LR | OB_HP_MOMENTUM
#define uses_NESTEROV OB_HP_LR | OB_HP_MOMENTUM
#define uses_ADAGRAD  OB_HP_LR | OB_HP_EPS
#define uses_RMSPROP  OB_HP_LR | OB_HP_DECAY | OB_HP_EPS
#define uses_ADAM     OB_HP_LR | OB_HP_BETA1 | OB_HP_BETA2 | OB_HP_EPS | OB_HP_STEP
#include "optbench_algos.def"
#undef OB_ALGO
};

int ob_algo_valid(ob_algo a) { return (unsigned)a < OB_ALGO_COUNT; }

const char *ob_algo_name(ob_algo a) { return ob_algo_valid(a) ? algos[a].name : NULL; }

int ob_algo_from_name(const char *name) {
  if (name)
    for (int a = 0; a < OB_ALGO_COUNT; a++)
      if (strcmp(algos[a].name, name) == 0)
        return a;
  return -1;
}

int ob_state_count(ob_algo a) { return ob_algo_valid(a) ? algos[a].states : -1; }

unsigned ob_hparams_used(ob_algo a) { return ob_algo_valid(a) ? algos[a].uses : 0; }

ob_hparams ob_defaults(ob_algo a) {
  ob_hparams zero = {0};
  return ob_algo_valid(a) ? algos[a].defaults : zero;
}

size_t ob_omp_builtin_threshold(ob_algo a) {
  return ob_algo_valid(a) ? (size_t)1 << algos[a].omp_log2 : 0;
}

double ob_error_bound(ob_algo a, const ob_variant *v) {
  if (!v)
    v = ob_variant_default();
  if (!ob_algo_valid(a) || !ob_variant_valid(v))
    return -1.0;
  return v->fma ? algos[a].bound_fma : algos[a].bound_exact;
}

double ob_step_error_bound(ob_algo a, const ob_hparams *hp, const ob_variant *v) {
  const double b = ob_error_bound(a, v);
  if (b < 0 || !hp)
    return -1.0;
  return b + (hp->weight_decay != 0.0f) + (hp->decoupled_decay != 0.0f);
}

int ob_nonneg(float x) { return isfinite(x) && x >= 0.0f; }
static int unit(float x) { return isfinite(x) && x >= 0.0f && x < 1.0f; } /* rates: [0, 1) */

ob_status ob_hparams_check(ob_algo a, const ob_hparams *hp) {
  if (!ob_algo_valid(a) || !hp)
    return OB_EINVAL;
  const unsigned u = algos[a].uses;
  if (((u & OB_HP_LR) && !ob_nonneg(hp->lr)) || ((u & OB_HP_EPS) && !ob_nonneg(hp->eps)) ||
      ((u & OB_HP_MOMENTUM) && !unit(hp->momentum)) ||
      ((u & OB_HP_DECAY) && !unit(hp->decay_rate)) || ((u & OB_HP_BETA1) && !unit(hp->beta1)) ||
      ((u & OB_HP_BETA2) && !unit(hp->beta2)) || !ob_nonneg(hp->weight_decay) ||
      !ob_nonneg(hp->decoupled_decay))
    return OB_EHPARAM;
  return OB_OK;
}
