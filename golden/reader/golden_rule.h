/* golden_rule - what a rule's case means (golden/FORMAT.md, "Update
 * rules"): its hyperparameters by the names of ob_hparams' fields (an absent
 * one is 0), `int t`, and the arrays p, g and the states named as in the
 * rule's row of optbench_algos.def (OB_STATE). */
#ifndef GOLDEN_RULE_H
#define GOLDEN_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "golden_file.h"
#include "optbench.h"

/* The float32 hyperparameters a file may name, in ob_hparams' order. */
typedef struct {
  const char *name;
  size_t offset; /* of the float field in ob_hparams */
} gd_hparam;

extern const gd_hparam gd_hparams[];
extern const size_t gd_hparam_count;

void gd_hparam_set(ob_hparams *hp, const gd_hparam *h, float v);
float gd_hparam_get(const ob_hparams *hp, const gd_hparam *h);

/* The name of state array k (0 or 1) of rule a: "v", "h", "m"...; NULL if
 * the rule has no such state. */
const char *gd_state_name(ob_algo a, int k);

/* Step j of a rule's case as the library takes it: the hyperparameters
 * (ob_defaults(a) with every field of the list set from the step, 0 where
 * absent), t, and the inputs p, g and the states (the step's own or carried
 * from step j - 1, gd_input), n each. Returns 0, or -1 with "FILE:LINE:
 * reason" in err when a record is missing, of another length or unknown. */
typedef struct {
  ob_hparams hp;
  int64_t t;
  size_t n;
  const float *p, *g, *s[2];
  const gd_record *out_p, *out_s[2]; /* the expected outputs */
} gd_rule_step;

int gd_rule_step_of(const gd_file *f, const gd_case *c, size_t j, gd_rule_step *out, char *err,
                    size_t errlen);

#endif
