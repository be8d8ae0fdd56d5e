/* The public read-only view of the list's other columns (optbench.h): what
 * the tests, the benchmark and the book's experiments read instead of
 * keeping their own copy of a rule's facts. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const ob_algo_row *row(ob_algo a) { return ob_algo_valid(a) ? &ob_algo_rows[a] : NULL; }

static int state_ok(ob_algo a, int i) {
  return ob_algo_valid(a) && i >= 0 && i < ob_algo_rows[a].states;
}

const char *ob_algo_title(ob_algo a) { return row(a) ? row(a)->title : NULL; }

const char *ob_state_name(ob_algo a, int i) {
  return state_ok(a, i) ? ob_algo_rows[a].state[i].name : NULL;
}

int ob_state_nonneg(ob_algo a, int i) {
  return state_ok(a, i) ? ob_algo_rows[a].state[i].nonneg : -1;
}

int ob_algo_reads_step(ob_algo a) { return (ob_hparams_used(a) & OB_HP_STEP) != 0; }

ob_status ob_algo_cost(ob_algo a, int *sqrt_count, int *div_count) {
  if (!row(a) || !sqrt_count || !div_count)
    return OB_EINVAL;
  *sqrt_count = row(a)->sqrt_count;
  *div_count = row(a)->div_count;
  return OB_OK;
}

static int figure_ok(ob_book_figure f) { return f == OB_BOOK_TRAJECTORY || f == OB_BOOK_MNIST; }

float ob_algo_book_lr(ob_algo a, ob_book_figure f) {
  return row(a) && figure_ok(f) ? row(a)->book_lr[f] : -1.0f;
}

const char *ob_algo_book_source(ob_algo a, ob_book_figure f) {
  return row(a) && figure_ok(f) ? row(a)->book_source[f] : NULL;
}

const char *ob_algo_torch(ob_algo a) { return row(a) ? row(a)->torch : NULL; }
const char *ob_algo_torch_note(ob_algo a) { return row(a) ? row(a)->torch_note : NULL; }
const char *ob_algo_numpy(ob_algo a) { return row(a) ? row(a)->numpy : NULL; }

const char *ob_state_condition(ob_algo a, int i) {
  return state_ok(a, i) ? ob_hparam_name(ob_algo_rows[a].state[i].condition) : NULL;
}

const char *ob_state_initial(ob_algo a, int i) {
  return state_ok(a, i) ? ob_hparam_name(ob_algo_rows[a].state[i].initial) : NULL;
}

int ob_state_used(ob_algo a, const ob_hparams *hp, int i) {
  ob_hparams h;
  if (!state_ok(a, i) || ob_hparams_load(hp, &h) != OB_OK)
    return -1;
  return ob_state_used_by(a, &h, i);
}

const char *ob_algo_convention(ob_algo a) { return row(a) ? row(a)->convention : NULL; }

int ob_algo_find(const char *rule, const char *convention) {
  const int a = ob_algo_from_name(rule);
  if (!convention)
    return a;
  if (a >= 0 && strcmp(ob_algo_rows[a].convention, convention) == 0)
    return a;
  if (!rule || strcmp(convention, "torch") != 0)
    return -1;
  char name[64];
  if ((size_t)snprintf(name, sizeof name, "torch_%s", rule) >= sizeof name)
    return -1;
  const int b = ob_algo_from_name(name);
  return b >= 0 && strcmp(ob_algo_rows[b].convention, convention) == 0 ? b : -1;
}
