/* optnames - the option values that name something in the library's lists
 * (an algorithm, a layer kernel, a variant), for the opts tables of the
 * programs that take them. Each returns as an OB_OPT_FN does, with
 * "OPT: unknown algorithm 'X'" and the like in err; only the list
 * printers write (to the FILE given). */
#ifndef OB_OPTNAMES_H
#define OB_OPTNAMES_H

#include <stddef.h>

#include "optbench.h"
#include "opts.h"

/* The algorithm (ob_algo) or layer kernel (ob_op) value names, or -1. */
int ob_optname_algo(const char *name, const char *value, char *err, size_t errlen);
int ob_optname_op(const char *name, const char *value, char *err, size_t errlen);

/* The variant value names into *out: OB_OPTS_OK, OB_OPTS_BAD if the
 * library has no such variant, OB_OPTS_CANNOT if this CPU cannot run it. */
int ob_optname_variant(const char *name, const char *value, const ob_variant **out, char *err,
                       size_t errlen);

/* Appends v to set[0 .. *n) unless it is there already; OB_OPTS_BAD past cap. */
int ob_optname_add_variant(const char *name, const ob_variant *v, const ob_variant **set, size_t *n,
                           size_t cap, char *err, size_t errlen);

/* The names of each list, comma-separated, to f (for a usage message). */
void ob_optname_list_algos(FILE *f);
void ob_optname_list_ops(FILE *f);
void ob_optname_list_variants(FILE *f);

#endif /* OB_OPTNAMES_H */
