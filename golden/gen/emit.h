/* golden_gen - writing the vector file format (golden/FORMAT.md, version 3). */
#ifndef GG_EMIT_H
#define GG_EMIT_H

#include <stdio.h>

#include "cases.h"

/* A number as the format writes it: printf("%a"), or inf, -inf, nan
 * (whatever the NaN's sign and payload). buf holds at least 32 chars. */
void gg_format_num(char *buf, double x);

/* Version line, comments, algo, states and cases lines. */
void gg_emit_header(FILE *f, gg_algo a, size_t ncases);

/* The case's comment, case, note, n, steps, grad and init lines. */
void gg_emit_case(FILE *f, gg_algo a, const gg_case *c);

/* One step block: step, hp, t, g and the out blocks (out[k] has n elements
 * for k = 0 .. states). */
void gg_emit_step(FILE *f, gg_algo a, int j, const gg_hp *hp, int64_t t, size_t n, const float *g,
                  gg_elem *const out[3]);

void gg_emit_end(FILE *f);

#endif
