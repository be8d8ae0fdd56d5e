/* golden_rule - a rule's case as the library takes it. */
#include "golden_rule.h"

#include <stdio.h>
#include <string.h>

/* ob_hparams' float fields by name. When impl/include/optbench_hparams.def
 * lands, this table expands it instead. */
#define HP(field)                                                                                  \
  { #field, offsetof(ob_hparams, field) }
const gd_hparam gd_hparams[] = {HP(lr),    HP(momentum), HP(decay_rate),   HP(beta1),
                                HP(beta2), HP(eps),      HP(weight_decay), HP(decoupled_decay)};
#undef HP
const size_t gd_hparam_count = sizeof gd_hparams / sizeof gd_hparams[0];

void gd_hparam_set(ob_hparams *hp, const gd_hparam *h, float v) {
  memcpy((char *)hp + h->offset, &v, sizeof v);
}

float gd_hparam_get(const ob_hparams *hp, const gd_hparam *h) {
  float v;
  memcpy(&v, (const char *)hp + h->offset, sizeof v);
  return v;
}

/* The state names of every rule, from its row of the list. */
#define OB_STATE(name, domain) #name,
static const char *const state_names[OB_ALGO_COUNT][3] = {
#define OB_ALGO(ID, name, title, states, ...) {states NULL},
#include "optbench_algos.def"
#undef OB_ALGO
};
#undef OB_STATE

const char *gd_state_name(ob_algo a, int k) {
  return (int)a >= 0 && (int)a < OB_ALGO_COUNT && k >= 0 && k < 2 ? state_names[a][k] : NULL;
}

static int fail(const gd_file *f, size_t line, char *err, size_t errlen, const char *what,
                const char *name, const gd_case *c) {
  if (err && errlen)
    snprintf(err, errlen, "%s:%zu: case '%s': %s '%s'", f->path, line, c->id, what, name);
  return -1;
}

int gd_rule_step_of(const gd_file *f, const gd_case *c, size_t j, gd_rule_step *out, char *err,
                    size_t errlen) {
  memset(out, 0, sizeof *out);
  if (!gd_op_is_rule(c->op) || j < 1 || j > c->steps)
    return fail(f, c->line, err, errlen, "not a step of a rule", gd_op_name(c->op), c);
  const ob_algo a = (ob_algo)c->op;
  const gd_step *s = &c->step[j - 1];
  out->hp = ob_defaults(a);
  for (size_t k = 0; k < gd_hparam_count; k++) {
    const gd_record *r = gd_find(s, GD_FLOAT, gd_hparams[k].name);
    gd_hparam_set(&out->hp, &gd_hparams[k], r ? r->f : 0.0f);
  }
  for (size_t k = 0; k < s->nrec; k++) {
    const gd_record *r = &s->rec[k];
    int known = r->kind == GD_INT && !strcmp(r->name, "t");
    for (size_t h = 0; h < gd_hparam_count; h++)
      known |= r->kind == GD_FLOAT && !strcmp(r->name, gd_hparams[h].name);
    if (r->kind <= GD_WORD && !known)
      return fail(f, r->line, err, errlen, "a parameter this reader does not know:", r->name, c);
  }
  const gd_record *t = gd_find(s, GD_INT, "t");
  if (!t || t->i > INT64_MAX)
    return fail(f, t ? t->line : s->line, err, errlen, "needs 'int t' (at most 2^63 - 1):", "t", c);
  out->t = (int64_t)t->i;
  size_t n = 0, m = 0, line = 0;
  const int hp = gd_input(c, j, "p", &out->p, &n, &line);
  const int hg = gd_input(c, j, "g", &out->g, &m, &line);
  if (!hp || !hg || m != n)
    return fail(f, line ? line : s->line, err, errlen,
                "needs inputs p and g of one length:", hp ? "g" : "p", c);
  out->n = n;
  if (!(out->out_p = gd_find(s, GD_OUT, "p")) || out->out_p->n != n)
    return fail(f, s->line, err, errlen, "needs an output of n elements:", "p", c);
  for (int k = 0; k < 2 && gd_state_name(a, k); k++) {
    const char *name = gd_state_name(a, k);
    const int hs = gd_input(c, j, name, &out->s[k], &m, &line);
    out->out_s[k] = gd_find(s, GD_OUT, name);
    if (!hs || m != n || !out->out_s[k] || out->out_s[k]->n != n)
      return fail(f, line ? line : s->line, err, errlen,
                  "needs the state as an input and an output of n elements:", name, c);
  }
  return 0;
}
