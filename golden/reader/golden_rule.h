/* golden_rule - what a rule's case means (golden/FORMAT.md, "Update
 * rules"): its hyperparameters by the names of optbench_hparams.def (an
 * absent one is 0), `int t`, and the arrays p, g and the states named as in
 * the rule's row of optbench_algos.def (ob_state_name). */
#ifndef GOLDEN_RULE_H
#define GOLDEN_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "golden_file.h"
#include "optbench.h"

/* The hyperparameters of a rule's step: every field of the library's list
 * (optbench_hparams.def, by name: ob_hparams_set) from the step's `float`
 * record of that name, 0 where there is none. The status of ob_hparams_set
 * (OB_EHPARAM: a nonzero value for a field this build's struct lacks). */
ob_status gd_rule_hparams(const gd_step *s, ob_hparams *hp);

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
