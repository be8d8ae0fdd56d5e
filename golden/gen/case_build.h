/* golden_gen - building the cases of a rule's file: the distributions of the
 * random data, the case list, and the helpers the families share (cases.c,
 * the torch.optim options' families in cases_torch.c). */
#ifndef GG_CASE_BUILD_H
#define GG_CASE_BUILD_H

#include "cases.h"

/* ---- distributions of one value ------------------------------------------ */

typedef struct {
  char kind;        /* t typical, r random normal, s subnormal, z zero, i inf, n NaN */
  signed char sign; /* 0 random, +1 positive, -1 negative */
  short lo, hi;     /* kind r: binary exponent range */
} dist;

/* clang-format off */
#define TYP {'t', 0, 0, 0}
#define TYP_POS {'t', 1, 0, 0}
#define TYP_NEG {'t', -1, 0, 0}
#define RND(lo, hi) {'r', 0, lo, hi}
#define POS(lo, hi) {'r', 1, lo, hi}
#define TOP RND(127, 127) /* the top binade, up to FLT_MAX */
#define SUB {'s', 0, 0, 0}
#define SUBP {'s', 1, 0, 0}
#define PZ {'z', 1, 0, 0}
#define NZ {'z', -1, 0, 0}
#define PINF {'i', 1, 0, 0}
#define NINF {'i', -1, 0, 0}
#define QNAN {'n', 0, 0, 0}
/* clang-format on */

enum { AP, AG, AS0, AS1, AS2, GG_ARRAYS }; /* the arrays of a pattern */

/* A pattern written for fewer states leaves the later columns zero (kind 0):
 * a state the rule has draws its typical data there. */
typedef struct {
  dist d[GG_ARRAYS]; /* p, g, s0, s1, s2 */
} pat;

typedef struct {
  gg_case_list *list;
  gg_algo a;
} ctx;

#define COUNT(arr) (sizeof(arr) / sizeof(arr)[0])

/* A new case of x's rule: id, n elements, `steps` steps, the note; every
 * step has the rule's defaults, t = 3 for a single step of a rule that
 * reads t (else j), zero data. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
gg_case *
gg_new_case(ctx *x, const char *id, size_t n, int steps, const char *note, ...);

/* Every step's hyperparameters: hp, masked to those the rule reads. */
void gg_set_hp(ctx *x, gg_case *c, gg_hp hp);

/* Fills every array of c from the patterns, element i from pats[i % npat]. */
void gg_fill(ctx *x, gg_case *c, const pat *pats, size_t npat);

/* Trajectory data like a descent on a smooth loss (cases.c), the states
 * starting where the rule starts them (0, or an OB_STATE_INIT field). */
void gg_fill_descent(ctx *x, gg_case *c);

/* Does rule a read hyperparameter GG_HPI_ hp? */
int gg_uses(gg_algo a, int hp);

/* One single-step element of an edge case: p, g and the states. */
typedef struct {
  float p, g, s0, s1;
} elem;

/* One step on the listed elements, the case on `dom`'s side of its edge. */
void gg_edge_case(ctx *x, const char *id, gg_domain dom, gg_hp hp, int64_t t, const elem *e,
                  size_t n, const char *note);

/* The families of the torch.optim options and the edges of their domains
 * (cases_torch.c), for a rule of convention TORCH. */
void gg_torch_cases(ctx *x);
void gg_torch_moment_edges(ctx *x);

#endif
