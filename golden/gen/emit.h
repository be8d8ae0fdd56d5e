/* golden_gen - writing the vector file format (golden/FORMAT.md, version 4):
 * the records every file shares, and a rule's case as one op's records. */
#ifndef GG_EMIT_H
#define GG_EMIT_H

#include <stdio.h>

#include "cases.h"

#define GG_FORMAT_LINE "optbench-golden 4\n"

/* A number as the format writes it: printf("%a"), or inf, -inf, nan
 * (whatever the NaN's sign and payload). buf holds at least 32 chars. */
void gg_format_num(char *buf, double x);

/* `float <name> <value>`, `in <name> <n> <values>`, `out <name> <n>` and its
 * n element lines. */
void gg_emit_float(FILE *f, const char *name, float v);
void gg_emit_in(FILE *f, const char *name, const float *v, size_t n);
void gg_emit_out(FILE *f, const char *name, const gg_elem *e, size_t n);

/* A rule's file: version line, comments, family and cases lines. */
void gg_emit_header(FILE *f, gg_algo a, size_t ncases);

/* The case's comment, case, note, op, outside and grad lines. */
void gg_emit_case(FILE *f, gg_algo a, const gg_case *c);

/* Step j of c (in[k] are its inputs p, s0, s1, s2; out[k] n elements each): the
 * `step` line of a trajectory, the hyperparameters by name, t, the inputs
 * (step 1: p, g and the states; later steps only g, the others carried) and
 * the outputs p and the states. */
void gg_emit_step(FILE *f, gg_algo a, const gg_case *c, int j,
                  const float *const in[1 + GG_MAX_STATES], const float *g,
                  gg_elem *const out[1 + GG_MAX_STATES]);

void gg_emit_end(FILE *f);

#endif
