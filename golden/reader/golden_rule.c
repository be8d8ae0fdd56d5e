/* golden_rule - a rule's case as the library takes it. */
#include "golden_rule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

ob_status gd_rule_hparams(const gd_step *s, ob_hparams *hp) {
  ob_hparams zero = OB_HPARAMS_INIT;
  *hp = zero;
  for (int k = 0; k < ob_hparam_count(); k++) {
    const char *name = ob_hparam_name(k);
    const gd_record *r = gd_find(s, GD_FLOAT, name);
    const ob_status st = ob_hparams_set(hp, name, r ? (double)r->f : 0.0);
    if (st != OB_OK)
      return st;
  }
  return OB_OK;
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
  if (gd_rule_hparams(s, &out->hp) != OB_OK)
    return fail(f, s->line, err, errlen, "hyperparameters the library refuses to hold in", "hp", c);
  for (size_t k = 0; k < s->nrec; k++) {
    const gd_record *r = &s->rec[k];
    const int known = (r->kind == GD_INT && !strcmp(r->name, "t")) ||
                      (r->kind == GD_FLOAT && ob_hparam_find(r->name) >= 0);
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
  for (int k = 0; k < ob_state_count(a); k++) {
    const char *name = ob_state_name(a, k);
    out->used[k] = ob_state_used(a, &out->hp, k) == 1;
    out->out_s[k] = gd_find(s, GD_OUT, name);
    if (!out->used[k] && !out->out_s[k])
      continue; /* an unused state the step leaves out */
    const int hs = gd_input(c, j, name, &out->s[k], &m, &line);
    if (!hs || m != n || !out->out_s[k] || out->out_s[k]->n != n)
      return fail(f, line ? line : s->line, err, errlen,
                  "needs the state as an input and an output of n elements:", name, c);
    if (!out->used[k] && !gd_rule_unchanged(out->out_s[k], out->s[k]))
      return fail(
          f, out->out_s[k]->line, err, errlen,
          "the hyperparameters leave the state unused, yet its output is not its input:", name, c);
  }
  return 0;
}

static int same_float(float a, float b) {
  uint32_t x, y;
  memcpy(&x, &a, sizeof x);
  memcpy(&y, &b, sizeof y);
  return x == y || (isnan(a) && isnan(b));
}

int gd_rule_unchanged(const gd_record *o, const float *v) {
  for (size_t i = 0; o && i < o->n; i++) {
    const double e = o->exact[i], x = (double)v[i];
    const int same_exact = (isnan(e) && isnan(x)) || (e == x && !signbit(e) == !signbit(x));
    if (!same_exact || !same_float(o->rounded[i], v[i]))
      return 0;
  }
  return o != NULL;
}
