/* Hyperparameters as data: the caller's struct read at the caller's size,
 * the domains checked by iterating the list, the fields reached by name. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

_Static_assert(OB_HPARAM_COUNT < 31, "bit 31 of ob_hparams_used is OB_HP_STEP");
_Static_assert(offsetof(ob_hparams, lr) == sizeof(uint32_t) &&
                   sizeof(ob_hparams) == sizeof(uint32_t) + OB_HPARAM_COUNT * sizeof(float),
               "ob_hparams is size and one float per row of the list, unpadded");
_Static_assert(OB_HPARAMS_SIZE_V1 == 36, "the first version's size is an ABI: never changes");

enum { domain_NONNEG, domain_UNIT, domain_FLAG };
static const struct {
  const char *name;
  size_t offset;
  int domain;
} fields[OB_HPARAM_COUNT] = {
#define OB_HPARAM(ID, field, domain, scope, doc)                                                   \
  [OB_HPARAM_##ID] = {#field, offsetof(ob_hparams, field), domain_##domain},
#include "optbench_hparams.def"
#undef OB_HPARAM
};

/* A size some version of the struct can have: the first version's or more,
 * in whole 4-byte fields (a size between two fields would read half of one). */
static int size_ok(const ob_hparams *hp) {
  return hp->size >= OB_HPARAMS_SIZE_V1 && hp->size % sizeof(float) == 0;
}

int ob_nonneg(float x) { return isfinite(x) && x >= 0.0f; }
static int in_domain(float x, int domain) {
  if (domain == domain_FLAG)
    return x == 0.0f || x == 1.0f;
  return ob_nonneg(x) && (domain != domain_UNIT || x < 1.0f);
}

ob_status ob_hparams_load(const ob_hparams *hp, ob_hparams *out) {
  if (!hp || !size_ok(hp))
    return OB_EINVAL;
  const size_t size = hp->size;
  const unsigned char *bytes = (const unsigned char *)hp;
  for (size_t i = sizeof *out; i < size; i++)
    if (bytes[i])
      return OB_EHPARAM; /* a field of a newer version, in use: not ours to ignore */
  memset(out, 0, sizeof *out);
  memcpy(out, hp, size < sizeof *out ? size : sizeof *out);
  out->size = sizeof *out;
  return OB_OK;
}

static float field_get(const ob_hparams *hp, int i) {
  float x;
  memcpy(&x, (const char *)hp + fields[i].offset, sizeof x);
  return x;
}

float ob_hparam_value(const ob_hparams *hp, int i) { return field_get(hp, i); }

ob_status ob_hparams_valid(ob_algo a, const ob_hparams *hp) {
  const unsigned used = ob_hparams_used(a);
  for (int i = 0; i < OB_HPARAM_COUNT; i++)
    if ((used & (1u << i)) && !in_domain(field_get(hp, i), fields[i].domain))
      return OB_EHPARAM;
  return OB_OK;
}

ob_status ob_hparams_check(ob_algo a, const ob_hparams *hp) {
  ob_hparams h;
  const ob_status st = ob_algo_valid(a) ? ob_hparams_load(hp, &h) : OB_EINVAL;
  return st == OB_OK ? ob_hparams_valid(a, &h) : st;
}

ob_status ob_hparams_defaults(ob_algo a, ob_hparams *hp) {
  if (!ob_algo_valid(a) || !hp || !size_ok(hp))
    return OB_EINVAL;
  const size_t size = hp->size, ours = sizeof *hp;
  memcpy((char *)hp + sizeof hp->size, (const char *)&ob_algo_rows[a].defaults + sizeof hp->size,
         (size < ours ? size : ours) - sizeof hp->size);
  if (size > ours) /* the caller's newer fields: 0, their "off" */
    memset((char *)hp + ours, 0, size - ours);
  return OB_OK;
}

int ob_hparam_count(void) { return OB_HPARAM_COUNT; }

const char *ob_hparam_name(int i) { return i >= 0 && i < OB_HPARAM_COUNT ? fields[i].name : NULL; }

int ob_hparam_find(const char *name) {
  if (name)
    for (int i = 0; i < OB_HPARAM_COUNT; i++)
      if (strcmp(fields[i].name, name) == 0)
        return i;
  return -1;
}

/* The field of `name` in a struct of hp->size bytes: its index, -1 if the
 * arguments are bad; *inside 0 if the caller's struct predates it. */
static int locate(const ob_hparams *hp, const char *name, int *inside) {
  const int i = ob_hparam_find(name);
  if (!hp || !size_ok(hp) || i < 0)
    return -1;
  *inside = fields[i].offset + sizeof(float) <= hp->size;
  return i;
}

ob_status ob_hparams_set(ob_hparams *hp, const char *name, double value) {
  int inside;
  const int i = locate(hp, name, &inside);
  if (i < 0)
    return OB_EINVAL;
  if (!inside)
    return value == 0.0 ? OB_OK : OB_EHPARAM;
  /* past the float range: +-Inf, which no domain takes (a plain cast is undefined there) */
  const float x = !(fabs(value) > FLT_MAX) || isinf(value) ? (float)value
                  : value > 0                              ? INFINITY
                                                           : -INFINITY;
  memcpy((char *)hp + fields[i].offset, &x, sizeof x);
  return OB_OK;
}

ob_status ob_hparams_get(const ob_hparams *hp, const char *name, double *value) {
  int inside;
  const int i = locate(hp, name, &inside);
  if (i < 0 || !value)
    return OB_EINVAL;
  *value = inside ? (double)field_get(hp, i) : 0.0;
  return OB_OK;
}
