/* golden_gen - the cases of every vector file. */
#ifndef GG_CASES_H
#define GG_CASES_H

#include "gen.h"

typedef enum { GG_GRAD_DATA, GG_GRAD_QUADRATIC } gg_grad_mode;

/* Where a case lies against its rule's domain (FORMAT.md, "Domains"). */
typedef enum {
  GG_INSIDE,    /* the bound holds (the generator checks it on float32) */
  GG_REFUSED,   /* a derived coefficient is out of range: `outside refused` */
  GG_UNBOUNDED, /* the data leaves the domain: `outside unbounded` */
} gg_domain;

typedef struct {
  char id[40];    /* [a-z0-9_]+, unique in the file */
  char note[400]; /* what the case covers */
  uint64_t seed;  /* splitmix64 seed of its random data */
  size_t n;
  int steps;
  gg_grad_mode grad;
  gg_domain domain;
  float *init[1 + GG_MAX_STATES]; /* p, then each state: inputs of step 1 (a state the
                                     case does not use is not written to the file) */
  gg_hp *hp;                      /* per step; unused fields are 0 */
  int64_t *t;                     /* per step */
  float **g;                      /* per step, n values (GG_GRAD_DATA only) */
} gg_case;

typedef struct {
  gg_case *v;
  size_t count, cap;
} gg_case_list;

/* The base of every case seed (a case's seed mixes in "<algo>/<id>"). */
#define GG_BASE_SEED UINT64_C(0x6f7074626e636831)

void gg_cases_build(gg_algo a, gg_case_list *out);
void gg_cases_free(gg_case_list *list);

#endif
