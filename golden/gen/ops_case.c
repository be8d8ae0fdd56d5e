/* golden_gen - the op table and building an op case. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

const go_op_info go_ops[GO_OP_COUNT] = {
#define OB_OP(ID, name, family, ...) [GO_##ID] = {#name, #family},
#include "optbench_ops.def"
#undef OB_OP
};

static void set_name(char *dst, const char *name) {
  if (strlen(name) >= GO_NAME ||
      strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name))
    gg_die("internal: bad record name '%s'", name);
  strcpy(dst, name);
}

go_case *go_new_case(go_case_list *L, go_op op, const char *id, const char *note, ...) {
  if (L->count == L->cap) {
    L->cap = L->cap ? 2 * L->cap : 32;
    L->v = realloc(L->v, L->cap * sizeof *L->v);
    if (!L->v)
      gg_die("out of memory");
  }
  go_case *c = &L->v[L->count++];
  memset(c, 0, sizeof *c);
  if (strlen(id) >= sizeof c->id)
    gg_die("internal: case id too long: %s", id);
  strcpy(c->id, id);
  c->op = op;
  va_list ap;
  va_start(ap, note);
  int len = vsnprintf(c->note, sizeof c->note, note, ap);
  va_end(ap);
  if (len < 0 || (size_t)len >= sizeof c->note)
    gg_die("internal: note of %s too long", id);
  return c;
}

static go_param *new_param(go_case *c, const char *name, go_param_kind kind) {
  if (c->npar == GO_MAX_PARAMS)
    gg_die("internal: too many parameters in %s", c->id);
  go_param *p = &c->par[c->npar++];
  memset(p, 0, sizeof *p);
  set_name(p->name, name);
  p->kind = kind;
  return p;
}

void go_param_int(go_case *c, const char *name, uint64_t v) { new_param(c, name, GO_INT)->i = v; }
void go_param_float(go_case *c, const char *name, float v) { new_param(c, name, GO_FLOAT)->f = v; }
void go_param_word(go_case *c, const char *name, const char *w) {
  set_name(new_param(c, name, GO_WORD)->w, w);
}

float *go_add_in(go_case *c, const char *name, size_t n) {
  if (c->nin == GO_MAX_ARRAYS)
    gg_die("internal: too many inputs in %s", c->id);
  go_array *a = &c->in[c->nin++];
  set_name(a->name, name);
  a->n = n;
  a->v = gg_alloc(n, sizeof *a->v);
  return a->v;
}

uint8_t *go_set_mask_in(go_case *c, const char *name, size_t bits) {
  set_name(c->mask_in.name, name);
  c->mask_in.bits = bits;
  c->mask_in.b = gg_alloc((bits + 7) / 8, 1);
  return c->mask_in.b;
}

gg_elem *go_add_out(go_case *c, const char *name, size_t n) {
  if (c->nout == GO_MAX_ARRAYS)
    gg_die("internal: too many outputs in %s", c->id);
  go_out *o = &c->out[c->nout++];
  set_name(o->name, name);
  o->n = n;
  o->e = gg_alloc(n, sizeof *o->e);
  o->plain = gg_alloc(n, sizeof *o->plain);
  return o->e;
}

uint8_t *go_set_mask_out(go_case *c, const char *name, size_t bits) {
  set_name(c->mask_out.name, name);
  c->mask_out.bits = bits;
  c->mask_out.b = gg_alloc((bits + 7) / 8, 1);
  c->plain_mask = gg_alloc((bits + 7) / 8, 1);
  return c->mask_out.b;
}

static const go_param *find_param(const go_case *c, const char *name, go_param_kind kind) {
  for (int k = 0; k < c->npar; k++)
    if (!strcmp(c->par[k].name, name) && c->par[k].kind == kind)
      return &c->par[k];
  gg_die("internal: case %s has no parameter '%s'", c->id, name);
}

uint64_t go_get_int(const go_case *c, const char *name) { return find_param(c, name, GO_INT)->i; }
float go_get_float(const go_case *c, const char *name) { return find_param(c, name, GO_FLOAT)->f; }
const char *go_get_word(const go_case *c, const char *name) {
  return find_param(c, name, GO_WORD)->w;
}

const go_array *go_get_in(const go_case *c, const char *name) {
  for (int k = 0; k < c->nin; k++)
    if (!strcmp(c->in[k].name, name))
      return &c->in[k];
  gg_die("internal: case %s has no input '%s'", c->id, name);
}

go_out *go_get_out(go_case *c, const char *name) {
  for (int k = 0; k < c->nout; k++)
    if (!strcmp(c->out[k].name, name))
      return &c->out[k];
  gg_die("internal: case %s has no output '%s'", c->id, name);
}

void go_cases_free(go_case_list *L) {
  for (size_t i = 0; i < L->count; i++) {
    go_case *c = &L->v[i];
    for (int k = 0; k < c->nin; k++)
      free(c->in[k].v);
    for (int k = 0; k < c->nout; k++) {
      free(c->out[k].e);
      free(c->out[k].plain);
    }
    free(c->mask_in.b);
    free(c->mask_out.b);
    free(c->plain_mask);
  }
  free(L->v);
  memset(L, 0, sizeof *L);
}
