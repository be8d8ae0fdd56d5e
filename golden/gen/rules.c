/* golden_gen - what the generator knows about each rule besides its formula,
 * read from the one list (impl/include/optbench_algos.def): a rule added
 * there gets its name, states, hyperparameters and book rate here with no
 * edit; its formula (formulas.c, plain.c) and its case limits (cases.c) are
 * the generator's own and fail loudly where missing. */
#include <math.h>
#include <stddef.h>

#include "gen.h"

const char *const gg_hp_names[GG_HP_COUNT] = {
    "lr", "momentum", "decay_rate", "beta1", "beta2", "eps", "weight_decay", "decoupled_decay",
};

float gg_hp_get(const gg_hp *hp, int k) {
  const float v[GG_HP_COUNT] = {hp->lr,    hp->momentum, hp->decay_rate,   hp->beta1,
                                hp->beta2, hp->eps,      hp->weight_decay, hp->decoupled_decay};
  return k >= 0 && k < GG_HP_COUNT ? v[k] : NAN;
}

static void hp_set(gg_hp *hp, int k, float v) {
  float *const f[GG_HP_COUNT] = {&hp->lr,    &hp->momentum, &hp->decay_rate,   &hp->beta1,
                                 &hp->beta2, &hp->eps,      &hp->weight_decay, &hp->decoupled_decay};
  *f[k] = v;
}

/* A state's name and domain, a hyperparameter's bit and default, the book's
 * rate: each column of a row in the shape gg_algo_info wants. */
#define OB_STATE(name, domain)  {#name, GG_##domain},
#define OB_USES(field, value)   | (1u << GG_HPI_##field)
#define OB_USES_T               | (1u << GG_HP_COUNT)
#define OB_BOOK(traj_lr, traj_source, mnist_lr, mnist_source) traj_lr, traj_source

typedef struct {
  const char *name;
  gg_state_domain domain;
} state_col;

typedef struct {
  const char *name;
  state_col st[3]; /* the states, then {NULL} */
  unsigned uses;   /* GG_HPI_* bits, bit GG_HP_COUNT for t */
  float book_lr;
  const char *book_source;
} row;

static const row rows[GG_ALGO_COUNT] = {
#define OB_ALGO(ID, name, title, states, hparams, cost, bound, omp, book, torch, numpy)            \
  {#name, {states{NULL, GG_SIGNED}}, 0 hparams, book},
#include "optbench_algos.def"
#undef OB_ALGO
};
#undef OB_USES

/* The defaults, field by field. */
static const gg_hp defaults[GG_ALGO_COUNT] = {
#define OB_USES(field, value) .field = value,
#undef OB_USES_T
#define OB_USES_T
#define OB_ALGO(ID, name, title, states, hparams, ...) {hparams},
#include "optbench_algos.def"
#undef OB_ALGO
};

gg_algo_info gg_algos[GG_ALGO_COUNT];

void gg_rules_init(void) {
  for (int a = 0; a < GG_ALGO_COUNT; a++) {
    gg_algo_info r = {0};
  r.name = rows[a].name;
    while (r.states < 2 && rows[a].st[r.states].name) {
    r.state[r.states] = rows[a].st[r.states].name;
    r.state_domain[r.states] = rows[a].st[r.states].domain;
    r.states++;
  }
  r.uses = rows[a].uses & ((1u << GG_HP_COUNT) - 1);
  r.uses_t = (rows[a].uses >> GG_HP_COUNT) & 1;
  r.defaults = defaults[a];
  r.book_lr = rows[a].book_lr;
  r.book_source = rows[a].book_source;
  gg_algos[a] = r;
  }
}

gg_hp gg_hp_mask(gg_algo a, gg_hp hp) {
  gg_hp m = {0};
  for (int k = 0; k < GG_HP_COUNT; k++)
    if ((gg_algos[a].uses & (1u << k)) || k == GG_HPI_weight_decay || k == GG_HPI_decoupled_decay)
      hp_set(&m, k, gg_hp_get(&hp, k));
  return m;
}
