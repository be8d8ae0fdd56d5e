/* golden_rule - what a rule's case means (golden/FORMAT.md, "Update
 * rules"): its hyperparameters by the names of optbench_hparams.def (an
 * absent one is 0), `int t`, and the arrays p, g and the states named as in
 * the rule's row of optbench_algos.def (ob_state_name), up to OB_MAX_STATES;
 * a state the step's hyperparameters leave unused (ob_state_used) may be
 * left out. */
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
 * (every field of the list set from the step, 0 where absent), t, and the
 * inputs p, g and the states (the step's own or carried from step j - 1,
 * gd_input), n each. A state the hyperparameters leave unused is NULL in s
 * and out_s when the step has no `out` for it; when it has one, the step
 * must give it as an input too and the output must be that input (the
 * rule does not touch it). Returns 0, or -1 with "FILE:LINE: reason" in
 * err when a record is missing, of another length or unknown, or an unused
 * state's output is not its input. */
typedef struct {
  ob_hparams hp;
  int64_t t;
  size_t n;
  const float *p, *g, *s[OB_MAX_STATES];
  const gd_record *out_p, *out_s[OB_MAX_STATES]; /* the expected outputs */
  int used[OB_MAX_STATES];                       /* ob_state_used: 1 used, 0 unused */
} gd_rule_step;

/* 1 if output o is its input v, element by element (a NaN for a NaN): the
 * exact value, and the rounded one bit for bit. */
int gd_rule_unchanged(const gd_record *o, const float *v);

int gd_rule_step_of(const gd_file *f, const gd_case *c, size_t j, gd_rule_step *out, char *err,
                    size_t errlen);

#endif
