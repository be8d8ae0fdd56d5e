/* golden_gen - what the generator knows about each rule besides its formula,
 * read from the one list (impl/include/optbench_algos.def): a rule added
 * there gets its name, states, hyperparameters and book rate here with no
 * edit; its formula (formulas.c, plain.c) and its row below are the
 * generator's own, and the generator stops, naming the rule, where one is
 * missing. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "gen.h"

const char *const gg_hp_names[GG_HP_COUNT] = {
#define OB_HPARAM(ID, field, ...) #field,
#include "optbench_hparams.def"
#undef OB_HPARAM
};

static const size_t hp_offset[GG_HP_COUNT] = {
#define OB_HPARAM(ID, field, ...) offsetof(gg_hp, field),
#include "optbench_hparams.def"
#undef OB_HPARAM
};

float gg_hp_get(const gg_hp *hp, int k) {
  float v = NAN;
  if (k >= 0 && k < GG_HP_COUNT)
    memcpy(&v, (const char *)hp + hp_offset[k], sizeof v);
  return v;
}

/* The hyperparameters every rule reads (scope EVERY: the weight decays). */
enum { GG_SCOPE_RULE = 0, GG_SCOPE_EVERY = 1 };
static const unsigned every_rule = 0
#define OB_HPARAM(ID, field, domain, scope, doc) | ((unsigned)GG_SCOPE_##scope << GG_HPI_##field)
#include "optbench_hparams.def"
#undef OB_HPARAM
    ;

static void hp_set(gg_hp *hp, int k, float v) { memcpy((char *)hp + hp_offset[k], &v, sizeof v); }

/* A state's name and domain, a hyperparameter's bit and default, the book's
 * rate: each column of a row in the shape gg_algo_info wants. */
#define OB_STATE(name, domain)                                {#name, GG_##domain, -1, -1},
#define OB_STATE_IF(name, domain, field)                      {#name, GG_##domain, GG_HPI_##field, -1},
#define OB_STATE_INIT(name, domain, field)                    {#name, GG_##domain, -1, GG_HPI_##field},
#define OB_USES(field, value)                                 | (1u << GG_HPI_##field)
#define OB_USES_T                                             | (1u << GG_HP_COUNT)
#define OB_BOOK(traj_lr, traj_source, mnist_lr, mnist_source) traj_lr, traj_source

typedef struct {
  const char *name;
  gg_state_domain domain;
  int if_field, init_field; /* GG_HPI_ of OB_STATE_IF, OB_STATE_INIT, or -1 */
} state_col;

typedef struct {
  const char *name;
  gg_convention convention;
  state_col st[GG_MAX_STATES + 1]; /* the states, then {NULL} */
  unsigned uses;                   /* GG_HPI_* bits, bit GG_HP_COUNT for t */
  float book_lr;
  const char *book_source;
} row;

static const row rows[GG_ALGO_COUNT] = {
#define OB_ALGO(ID, name, title, states, hparams, cost, bound, omp, book, torch, numpy, conv)      \
  {#name, GG_##conv, {states{NULL, GG_SIGNED, -1, -1}}, 0 hparams, book},
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

/* The edges a book rule and its torch.optim form share: the same values, the
 * notes in the names of each form (the gradient the step sees, the states). */
/* clang-format off */ /* each note as it reads in the file */
#define LRG_EDGE(d)                                                                                \
  {1.7e38f, 2e38f, "lr = 2, p = +-3.4e38, g = +-1.7e38: lr*" d " = 3.4e38 is finite",               \
   "outside: lr = 2, p = +-3.4e38, g = +-2e38: lr*" d " = 4e38 overflows float32 where "            \
   "p' = -+6e37 does not; without FMA p is infinite"}
#define SUM_EDGE(h)                                                                                \
  {1.8e19f, 2e19f, "p = 1, g = +-1.8e19, " h " = 0: " h "' = g*g = 3.24e38 is finite", NULL}
#define DECAYED_SUM_EDGE(h)                                                                        \
  {1.8e20f, 3e20f, "p = 1, g = +-1.8e20, " h " = 0: " h "' = 0.01*g*g = 3.24e38 is finite", NULL}
#define MOMENTS_EDGE(m, v, tail)                                                                   \
  {2e19f, 2e21f, "p = 1, g = +-2e19, " m " = " v " = 0: " v "' = 0.001*g*g = 4e35 is finite" tail, \
   NULL}
/* clang-format on */
/* torch's Adam and AdamW see the same data: AdamW's decoupled decay is a
 * hyperparameter every rule reads. */
#define TORCH_ADAM_ROW(rule)                                                                       \
  {                                                                                                \
    .name = rule, .shape = GG_SHAPE_MOMENTS, .typical = {{-5, 0}, {-8, 0}, {-8, 0}},               \
    .state = MOMENTS_EDGE("exp_avg", "exp_avg_sq", ""), .fresh_limit = 3.0, .own_limit = 2.0       \
  }

/* The rows. The limits: DESIGN.md expects a straightforward float32
 * evaluation within about 4 scale-ULPs; 3 leaves a margin for other correct
 * orders. A run on its own state may be off by j times the single-step bound
 * at step j (FORMAT.md); the trajectories are designed to need much less,
 * one scale-ULP per step, under the smallest bound a variant may have (SGD's
 * two roundings). The edges: the magnitudes on each side, found by the
 * exact and the float32 evaluation (main.c checks that each case lies on
 * the side it says). */
static const gg_rule_row row_list[] = {
    {.name = "sgd",
     .shape = GG_SHAPE_PLAIN,
     .lrg = LRG_EDGE("g"),
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    {.name = "momentum",
     .shape = GG_SHAPE_VELOCITY,
     .typical = {{-8, -2}},
     .lrg = {1.7e38f, 2e38f,
             "lr = 2, momentum = 0.9, v = +-3.4e38, g = +-1.7e38: lr*g = 3.4e38 is finite",
             "outside: lr = 2, momentum = 0.9, v = +-3.4e38, g = +-2e38: lr*g = 4e38 overflows "
             "float32 where v' = -+9.4e37 does not; without FMA v and p are infinite"},
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    {.name = "nesterov",
     .shape = GG_SHAPE_VELOCITY,
     .typical = {{-8, -2}},
     .lrg = {8e37f, 1e38f,
             "lr = 2, momentum = 0.9, v = +-3.4e38, g = +-8e37: (1+momentum)*lr*g = 3.04e38 is "
             "finite",
             "outside: lr = 2, momentum = 0.9, v = +-3.4e38, g = +-1e38: (1+momentum)*lr*g = "
             "3.8e38 overflows float32 where p' = -+2.9e38 does not; p is infinite"},
     .coeff_lr = {1.7e38f, 3e38f,
                  "lr = 1.7e38, momentum = 0.9: (1+momentum)*lr = 3.23e38 is finite; g and v 0",
                  "outside: lr = 3e38, momentum = 0.9: (1+momentum)*lr = 5.7e38 overflows "
                  "float32, the step is refused (the kernel gave NaN from inf*0)"},
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    {.name = "adagrad",
     .shape = GG_SHAPE_SQUARES,
     .typical = {{-4, 3}},
     .state = SUM_EDGE("h"),
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    {.name = "rmsprop",
     .shape = GG_SHAPE_SQUARES,
     .typical = {{-6, 1}},
     .state = DECAYED_SUM_EDGE("h"),
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    {.name = "adam",
     .shape = GG_SHAPE_MOMENTS,
     .typical = {{-5, 0}, {-8, 0}},
     .state = MOMENTS_EDGE("m", "v", " (the book's form squared g first: inf)"),
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    /* The torch.optim rules: the generic families run on torch's defaults
     * (no option on: torch_sgd without momentum has SGD's data, torch_rmsprop
     * RMSProp's); each option has its own family (cases_torch.c). Adam's and
     * RMSprop's states round (1-rate)*d*d three times from a zero state (the
     * plain evaluation reached 1.03 scale-ULPs per step on exp_avg_sq and
     * square_avg): their own_limit is 2 per step, under their bound 4. */
    {.name = "torch_sgd",
     .shape = GG_SHAPE_PLAIN,
     .typical = {{-4, 3}},
     .lrg = LRG_EDGE("d"),
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    TORCH_ADAM_ROW("torch_adam"),
    TORCH_ADAM_ROW("torch_adamw"),
    {.name = "torch_adagrad",
     .shape = GG_SHAPE_SQUARES,
     .typical = {{-4, 3}},
     .state = SUM_EDGE("sum"),
     .fresh_limit = 3.0,
     .own_limit = 1.0},
    {.name = "torch_rmsprop",
     .shape = GG_SHAPE_SQUARES,
     .typical = {{-6, 1}, {-4, 4}, {-6, 0}},
     .state = DECAYED_SUM_EDGE("square_avg"),
     .fresh_limit = 3.0,
     .own_limit = 2.0},
};

gg_algo_info gg_algos[GG_ALGO_COUNT];

static const gg_rule_row *row_of(const char *name) {
  for (size_t k = 0; k < sizeof row_list / sizeof row_list[0]; k++)
    if (!strcmp(row_list[k].name, name))
      return &row_list[k];
  return NULL;
}

void gg_rules_init(void) {
  for (size_t k = 0; k < sizeof row_list / sizeof row_list[0]; k++) {
    int known = 0;
    for (int a = 0; a < GG_ALGO_COUNT; a++)
      known |= !strcmp(rows[a].name, row_list[k].name);
    if (!known)
      gg_die("golden/gen/rules.c has a row for '%s', which optbench_algos.def does not list",
             row_list[k].name);
  }
  for (int a = 0; a < GG_ALGO_COUNT; a++) {
    gg_algo_info r = {0};
    r.name = rows[a].name;
    r.convention = rows[a].convention;
    while (r.states < GG_MAX_STATES && rows[a].st[r.states].name) {
      r.state[r.states] = rows[a].st[r.states].name;
      r.state_domain[r.states] = rows[a].st[r.states].domain;
      r.state_if[r.states] = rows[a].st[r.states].if_field;
      r.state_init[r.states] = rows[a].st[r.states].init_field;
      r.states++;
    }
    if (rows[a].st[r.states].name)
      gg_die("rule '%s' of optbench_algos.def has more than %d states", r.name, GG_MAX_STATES);
    r.uses = rows[a].uses & ((1u << GG_HP_COUNT) - 1);
    r.uses_t = (rows[a].uses >> GG_HP_COUNT) & 1;
    r.defaults = defaults[a];
    r.book_lr = rows[a].book_lr;
    r.book_source = rows[a].book_source;
    if (!(r.row = row_of(r.name)))
      gg_die("rule '%s' of optbench_algos.def has no row in golden/gen/rules.c (the shape of its "
             "data, its states' ranges, its edges and limits): add one",
             r.name);
    gg_algos[a] = r;
  }
}

int gg_state_used(gg_algo a, const gg_hp *hp, int k) {
  const gg_algo_info *r = &gg_algos[a];
  return k >= 0 && k < r->states && (r->state_if[k] < 0 || gg_hp_get(hp, r->state_if[k]) != 0);
}

gg_hp gg_hp_mask(gg_algo a, gg_hp hp) {
  gg_hp m = {0};
  for (int k = 0; k < GG_HP_COUNT; k++)
    if (((gg_algos[a].uses | every_rule) >> k) & 1)
      hp_set(&m, k, gg_hp_get(&hp, k));
  return m;
}
