/* optnames - option values that name the library's algorithms, layer
 * kernels and variants (optnames.h). */
#include "optnames.h"

#include <stdio.h>

int ob_optname_algo(const char *name, const char *value, char *err, size_t errlen) {
  const int a = ob_algo_from_name(value);
  if (a < 0 && err && errlen)
    snprintf(err, errlen, "%s: unknown algorithm '%.64s'", name, value);
  return a;
}

int ob_optname_op(const char *name, const char *value, char *err, size_t errlen) {
  const int k = ob_op_from_name(value);
  if (k < 0 && err && errlen)
    snprintf(err, errlen, "%s: unknown layer kernel '%.64s'", name, value);
  return k;
}

int ob_optname_variant(const char *name, const char *value, const ob_variant **out, char *err,
                       size_t errlen) {
  const ob_variant *v = ob_variant_find(value);
  if (!v) {
    if (err && errlen)
      snprintf(err, errlen, "%s: unknown variant '%.64s'", name, value);
    return OB_OPTS_BAD;
  }
  if (!ob_variant_supported(v)) {
    if (err && errlen)
      snprintf(err, errlen, "%s: variant '%.64s' is not supported on this CPU", name, value);
    return OB_OPTS_CANNOT;
  }
  *out = v;
  return OB_OPTS_OK;
}

int ob_optname_add_variant(const char *name, const ob_variant *v, const ob_variant **set, size_t *n,
                           size_t cap, char *err, size_t errlen) {
  for (size_t k = 0; k < *n; k++)
    if (set[k] == v)
      return OB_OPTS_OK;
  if (*n == cap) {
    if (err && errlen)
      snprintf(err, errlen, "%s: more than %zu variants", name, cap);
    return OB_OPTS_BAD;
  }
  set[(*n)++] = v;
  return OB_OPTS_OK;
}

void ob_optname_list_algos(FILE *f) {
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    fprintf(f, "%s%s", a ? ", " : "", ob_algo_name((ob_algo)a));
}

void ob_optname_list_ops(FILE *f) {
  for (int k = 0; k < OB_OP_COUNT; k++)
    fprintf(f, "%s%s", k ? ", " : "", ob_op_name((ob_op)k));
}

void ob_optname_list_variants(FILE *f) {
  for (size_t i = 0; i < ob_variant_count(); i++)
    fprintf(f, "%s%s", i ? ", " : "", ob_variant_name(ob_variant_at(i)));
}
