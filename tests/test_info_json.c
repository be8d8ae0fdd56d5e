/* test_info_json: what tests/info_json_check.py compares `optbench info
 * --json` against, taken from the library's API (not from the list), and the
 * JSON string writer on hostile strings.
 *   test_info_json facts    one line per fact: rule, state, hp, bound, variant, op
 *   test_info_json escape   ob_json_str of each hostile string, one per line */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "info_json.h"
#include "json.h"
#include "optbench.h"

static int facts(void) {
  const ob_variant *def = ob_variant_default();
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const unsigned used = ob_hparams_used((ob_algo)a);
    const ob_hparams hp = ob_defaults((ob_algo)a);
    printf("rule %s %d %d %zu %s\n", ob_algo_name((ob_algo)a), ob_state_count((ob_algo)a),
           (used & OB_HP_STEP) != 0, ob_omp_threshold((ob_algo)a), ob_algo_convention((ob_algo)a));
    /* "-" for none: a field name is never "-" */
    for (int k = 0; k < ob_state_count((ob_algo)a); k++)
      printf("state %s %s %s %s\n", ob_algo_name((ob_algo)a), ob_state_name((ob_algo)a, k),
             ob_state_condition((ob_algo)a, k) ? ob_state_condition((ob_algo)a, k) : "-",
             ob_state_initial((ob_algo)a, k) ? ob_state_initial((ob_algo)a, k) : "-");
    for (int f = 0; f < ob_hparam_count(); f++)
      if (used & (1u << f)) {
        double x = 0.0;
        ob_hparams_get(&hp, ob_hparam_name(f), &x);
        printf("hp %s %s %.9g\n", ob_algo_name((ob_algo)a), ob_hparam_name(f), x);
      }
    for (size_t i = 0; i < ob_variant_count(); i++)
      printf("bound %s %s %.9g\n", ob_algo_name((ob_algo)a), ob_variant_name(ob_variant_at(i)),
             ob_error_bound((ob_algo)a, ob_variant_at(i)));
  }
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    printf("variant %s %s %d %d %d\n", ob_variant_name(v), ob_variant_isa(v),
           ob_variant_is_parallel(v), ob_variant_supported(v), v == def);
  }
  for (int op = 0; op < OB_OP_COUNT; op++)
    printf("op %s %s\n", ob_op_name((ob_op)op), ob_op_family((ob_op)op));
  return fflush(stdout) ? 1 : 0;
}

/* The checker knows these strings too (info_json_check.py, HOSTILE). */
static const char *const hostile[] = {
    "plain",
    "quote \" backslash \\ slash /",
    "controls \x01\x1f tab\t newline\n return\r del\x7f",
    "utf-8 \xc3\xa9 \xe2\x88\x9a \xf0\x9f\x99\x82",
    "bad \xff lone \x80 overlong \xc0\xaf surrogate \xed\xa0\x80 cut \xe2\x88",
};

static int escape(void) {
  for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
    ob_json_str(stdout, hostile[i]);
    putchar('\n');
  }
  ob_json_str(stdout, NULL);
  putchar('\n');
  return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "facts") == 0)
    return facts();
  if (argc == 2 && strcmp(argv[1], "escape") == 0)
    return escape();
  fprintf(stderr, "usage: test_info_json facts|escape\n");
  return 2;
}
